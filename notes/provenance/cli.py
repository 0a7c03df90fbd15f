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


def scan_files(paths: Sequence[str], *, trust: TrustConfig) -> Iterator[dict]:
    """One result per file: tier, kind and signals, or the error that kept it from being read."""
    for path in _files(paths):
        try:
            with path.open("rb") as handle:
                result = scan(handle, trust=trust).to_dict()
        except OSError as exc:
            result = {"tier": "none", "kind": None, "signals": [], "error": str(exc)}
        yield {"path": str(path), **result}


def line(result: dict, *, as_json: bool) -> str:
    if as_json:
        return json.dumps(result, ensure_ascii=False, sort_keys=True)
    kind = f" ({result['kind']})" if result["kind"] else ""
    where = ", ".join(f"{s['kind']}@{s['location']}" for s in result["signals"]) or result.get(
        "error", "no signals"
    )
    return f"{result['tier']}{kind}\t{result['path']}\t{where}"


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m notes.provenance",
        description=(
            "Scan images and videos for provenance signals (C2PA, IPTC, GB 45438, generator metadata)."
        ),
    )
    parser.add_argument("paths", nargs="+", help="files, or folders to scan recursively")
    parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object per file")
    args = parser.parse_args(argv)
    extra = tuple(
        p.strip() for p in os.environ.get("PROVENANCE_EXTRA_TRUST_ANCHORS", "").split(",") if p.strip()
    )
    for result in scan_files(args.paths, trust=TrustConfig.shipped(extra)):
        print(line(result, as_json=args.as_json), file=out)
    return 0
