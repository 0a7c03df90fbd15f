#!/usr/bin/env python3
"""Sunlight's developer entry point; needs nothing but Python 3.11+.

    python3 dev.py serve [ADDRESS]  # install, migrate, load demo data, serve on ADDRESS (127.0.0.1:8000)
    python3 dev.py test       # install and run the whole test suite (extra args go to pytest)
    python3 dev.py bench      # the provenance benchmark (our reader vs exiftool)
    python3 dev.py bench feed # the feed benchmark at 10k and 1M notes (needs PostgreSQL and Redis)
    python3 dev.py bench load # gunicorn under locust: feed, note, dashboard, API feed vs /healthz
    python3 dev.py bench logs # log scrubbing on hostile lines: the old patterns vs the current ones
    python3 dev.py lock       # re-pin requirements.lock from pyproject.toml

The virtual environment lives in .venv and is (re)installed whenever requirements.lock changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SUNLIGHT_VENV", ROOT / ".venv"))
LOCK = ROOT / "requirements.lock"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def say(message: str) -> None:
    print(f"[sunlight] {message}", flush=True)


def run(*args: str | os.PathLike, env: dict[str, str] | None = None) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before anything is installed
        sys.exit("Sunlight needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say(f"creating a virtual environment in {VENV}")
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / ".sunlight-lock-sha256"
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text().strip() != wanted:
        say("installing pinned dependencies from requirements.lock")
        run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", LOCK)
        stamp.write_text(wanted)


def serve_environment(args: list[str], base: dict[str, str]) -> tuple[dict[str, str], str]:
    """The embedded default's environment and address: links in mail point where it serves."""
    address = args[0] if args else "127.0.0.1:8000"
    env = dict(base)
    env.setdefault("DJANGO_DEBUG", "1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    host = address if ":" in address else f"127.0.0.1:{address}"
    env.setdefault("SUNLIGHT_BASE_URL", f"http://{host.replace('0.0.0.0', '127.0.0.1')}")  # noqa: S104 - a display address
    return env, address


def serve(args: list[str]) -> None:
    ensure_venv()
    env, address = serve_environment(args, dict(os.environ))
    run(PYTHON, "manage.py", "migrate", "--no-input", env=env)
    run(PYTHON, "manage.py", "seed_demo", env=env)
    say(f"Sunlight is starting on http://{address}/  (Ctrl+C stops it)")
    os.execve(str(PYTHON), [str(PYTHON), "manage.py", "runserver", address], env)  # noqa: S606


def test(args: list[str]) -> None:
    ensure_venv()
    os.chdir(ROOT)
    os.execv(str(PYTHON), [str(PYTHON), "-m", "pytest", *args])  # noqa: S606


def bench(args: list[str]) -> None:
    ensure_venv()
    name = "provenance"
    if args and args[0] in ("feed", "load", "logs"):
        name, args = args[0], args[1:]
    os.execv(str(PYTHON), [str(PYTHON), str(ROOT / "benchmarks" / name / "run.py"), *args])  # noqa: S606


def lock(args: list[str]) -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    lock_venv = ROOT / ".venv-lock"
    say("resolving pyproject.toml's dependencies in a clean environment")
    venv.EnvBuilder(with_pip=True, clear=True).create(lock_venv)
    lock_python = lock_venv / BIN.name / "python"
    run(lock_python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *wanted)
    frozen = subprocess.run(
        [str(lock_python), "-m", "pip", "freeze"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    lines = sorted((line for line in frozen.splitlines() if line), key=str.lower)
    LOCK.write_text(
        "# Exact versions installed and tested; regenerate with `python3 dev.py lock`.\n"
        + "\n".join(lines)
        + "\n"
    )
    say(f"wrote {LOCK.name} ({len(lines)} packages)")
    import shutil

    shutil.rmtree(lock_venv)


COMMANDS = {"serve": serve, "test": test, "bench": bench, "lock": lock}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
