"""``python -m notes.provenance PATH [PATH ...] [--json]``: what the platform would see in these files.

Plain Python, no Django and no services: the same reader as the upload pipeline, offline. Extra C2PA
trust anchors come from ``PROVENANCE_EXTRA_TRUST_ANCHORS`` (comma-separated PEM files), as in the app.
``manage.py scan_provenance`` is the same tool inside Django.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from notes.provenance.c2pa_reader import TrustConfig
from notes.provenance.reader import scan


def _files(paths: Sequence[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def _scan_one(path: Path, trust: TrustConfig) -> dict:
    try:
        with path.open("rb") as handle:
            result = scan(handle, trust=trust).to_dict()
    except OSError as exc:
        result = {"tier": "none", "kind": None, "signals": [], "error": str(exc)}
    return {"path": str(path), **result}


_WORKER_TRUST: TrustConfig | None = None


def _worker_init(extra_anchor_files: tuple[str, ...]) -> None:
    global _WORKER_TRUST
    _WORKER_TRUST = TrustConfig.shipped(extra_anchor_files)


def _worker_scan(path: Path) -> dict:
    assert _WORKER_TRUST is not None  # nosec B101 - set by the pool's initializer
    return _scan_one(path, _WORKER_TRUST)


# Below this many files a process pool costs more to start than it saves.
POOL_FROM_FILES = 64


def scan_files(
    paths: Sequence[str],
    *,
    trust: TrustConfig,
    jobs: int | None = 1,
    extra_anchor_files: tuple[str, ...] = (),
) -> Iterator[dict]:
    """One result per file, in the order of ``paths``: tier, kind and signals, or the error that
    kept it from being read. ``jobs`` > 1 scans in that many processes (each loads the trust lists
    once, from ``extra_anchor_files`` on top of the shipped ones); the output order is kept.
    ``jobs=None``: one process per CPU core when there are more than ``POOL_FROM_FILES`` files."""
    files = list(_files(paths))
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8) if len(files) > POOL_FROM_FILES else 1
    if jobs <= 1:
        for path in files:
            yield _scan_one(path, trust)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_worker_init, initargs=(extra_anchor_files,)
    ) as pool:
        yield from pool.map(_worker_scan, files, chunksize=16)


def line(result: dict, *, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, ensure_ascii=False, sort_keys=True)
    kind = f" ({result['kind']})" if result["kind"] else ""
    where = ", ".join(f"{s['kind']}@{s['location']}" for s in result["signals"]) or result.get(
        "error", "no signals"
    )
    return f"{result['tier']}{kind}\t{result['path']}\t{where}"


def jobs_argument(raw: str) -> int:
    try:
        jobs = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs takes a whole number of processes, not {raw!r}") from None
    if not 1 <= jobs <= 64:
        raise argparse.ArgumentTypeError("--jobs takes 1 to 64 processes")
    return jobs


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m notes.provenance",
        description=(
            "Scan images and videos for provenance signals (C2PA, IPTC, GB 45438, generator metadata)."
        ),
    )
    parser.add_argument("paths", nargs="+", help="files, or folders to scan recursively")
    parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object per file")
    parser.add_argument(
        "--jobs",
        type=jobs_argument,
        default=None,
        help="scan in N processes, output order kept (default: one per CPU core for more than 64 files)",
    )
    args = parser.parse_args(argv)
    extra = tuple(
        p.strip() for p in os.environ.get("PROVENANCE_EXTRA_TRUST_ANCHORS", "").split(",") if p.strip()
    )
    trust = TrustConfig.shipped(extra)
    for result in scan_files(args.paths, trust=trust, jobs=args.jobs, extra_anchor_files=extra):
        print(line(result, as_json=args.as_json), file=out)
    return 0
