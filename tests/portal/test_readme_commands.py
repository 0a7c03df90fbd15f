"""Every command the README shows runs as written (after the README's own set-up), or says why not.

A new command in a ```sh block of README.md without an entry here fails the test.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.provenance.conftest import FIXTURES
from tests.support import require

ROOT = Path(__file__).resolve().parents[2]

# Commands not run here, each with the reason.
NOT_RUN = {
    "python3 dev.py test": "the command that runs this very test",
    "python3 dev.py bench": "a benchmark: benchmarks stay out of CI (it also installs exiftool)",
    "python3 dev.py bench feed": "benchmarks stay out of CI (needs PostgreSQL and minutes of seeding)",
    "python3 dev.py bench load": "benchmarks stay out of CI (minutes of load on the machine's cores)",
    "python3 dev.py bench logs": "benchmarks stay out of CI",
    ".venv/bin/python benchmarks/downloads/run.py": "a benchmark (about 1.8 GB of memory by design)",
    ".venv/bin/celery -A portal worker -Q mail --concurrency=2 --loglevel=INFO": (
        "long-running; an integration test starts a real worker on the mail queue alone"
    ),
    ".venv/bin/celery -A portal worker -Q scans,sunlight --loglevel=INFO": (
        "long-running; integration tests start real workers on the scans and default queues"
    ),
    ".venv/bin/celery -A portal worker -Q periodic --concurrency=1 --loglevel=INFO": (
        "long-running; integration tests start real workers on every queue"
    ),
    ".venv/bin/python manage.py migrate --no-input": "run by `python3 dev.py serve` and by every test run",
    ".venv/bin/python manage.py collectstatic --no-input": (
        "run with production settings by tests/integration/test_production_shape.py before it starts gunicorn"
    ),
    ".venv/bin/gunicorn -c portal/gunicorn.conf.py portal.wsgi": (
        "long-running; tests/integration/test_production_shape.py starts two instances with this config"
    ),
    ".venv/bin/celery -A portal beat --loglevel=INFO": "long-running; its tasks are tested one by one",
    ".venv/bin/celery -A portal worker -Q media --concurrency=1 --loglevel=INFO": (
        "long-running; an integration test starts a real worker on the media queue"
    ),
}

EXPORT_STATEMENTS = ".venv/bin/python manage.py export_statements --since 2026-01-01 --output statements.json"


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for raw in block.splitlines():
            command = raw.split("  #")[0].strip()
            if command:
                commands.append(command)
    return commands


def test_every_readme_command_is_run_or_excused():
    runners = {
        "python3 dev.py serve",
        ".venv/bin/python -m notes.provenance PATH [PATH ...] --json",
        ".venv/bin/python manage.py scan_provenance PATH [PATH ...] --json",
        ".venv/bin/python manage.py traffic_rebuild",
        ".venv/bin/python manage.py score_automation --events FILE.jsonl --json",
        EXPORT_STATEMENTS,
        ".venv/bin/python manage.py transparency_refresh",
    }
    unknown = [c for c in readme_commands() if c not in NOT_RUN and c not in runners]
    assert unknown == [], f"README commands with no test: {unknown}"
    assert runners <= set(readme_commands())


def _clean_env(**extra: str) -> dict[str, str]:
    """A shell as a reader of the README has it: none of the test run's Django settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SUNLIGHT_", "DATABASE_URL"))}
    env.pop("CELERY_BROKER_URL", None)
    return {**env, **extra}


def test_the_scanner_command_runs_as_written():
    require(FIXTURES.is_dir(), "shared provenance fixtures missing")
    folder = FIXTURES / "generator_metadata"
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "notes.provenance", str(folder), "--json"],
        cwd=ROOT,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows and all(row["tier"] in ("none", "suspected", "confirmed") for row in rows)
    assert any(row["tier"] == "suspected" for row in rows)


def test_the_django_scanner_runs_as_written_with_no_settings_at_all(tmp_path):
    require(FIXTURES.is_dir(), "shared provenance fixtures missing")
    from tests.provenance import videos

    clip = tmp_path / "clip.mov"
    clip.write_bytes(videos.catalogue()["aigc_key_envelope.mov"][0])
    line = ".venv/bin/python manage.py scan_provenance PATH [PATH ...] --json"
    command = line.replace("PATH [PATH ...]", f"{FIXTURES / 'synthetic'} {clip}")
    result = subprocess.run(  # noqa: S602 - the README's line as a shell runs it  # nosec B602
        command,
        shell=True,
        cwd=ROOT,
        env=_clean_env(SUNLIGHT_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = {Path(row["path"]).name: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows["clip.mov"]["tier"] == "confirmed"
    assert rows["tc260_aigc_label1.jpg"]["tier"] == "confirmed"


def test_a_server_still_refuses_production_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "check"],
        cwd=ROOT,
        env=_clean_env(SUNLIGHT_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_the_traffic_rebuild_command_runs_as_written(tmp_path):
    env = _clean_env(SUNLIGHT_VAR_DIR=str(tmp_path))
    python = str(ROOT / ".venv/bin/python")
    for args in (["migrate", "--no-input", "-v0"], ["seed_demo"]):
        subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env={**env, "DJANGO_DEBUG": "1"}, check=True, timeout=300
        )
    result = subprocess.run(  # noqa: S602 - the README's line exactly as a shell runs it  # nosec B602
        ".venv/bin/python manage.py traffic_rebuild",
        shell=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Rebuilt the distribution of 8 published notes." in result.stdout


def test_the_transparency_commands_run_as_written_on_the_demo_data(tmp_path):
    from portal import dsa

    env = _clean_env(SUNLIGHT_VAR_DIR=str(tmp_path))
    python = str(ROOT / ".venv/bin/python")
    for args in (["migrate", "--no-input", "-v0"], ["seed_demo"]):
        subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env={**env, "DJANGO_DEBUG": "1"}, check=True, timeout=300
        )
    output = ROOT / "statements.json"  # the README's file name, in the folder its commands run from
    try:
        for line in (
            EXPORT_STATEMENTS,
            ".venv/bin/python manage.py transparency_refresh",
        ):
            result = subprocess.run(  # noqa: S602 - the README's line exactly as a shell runs it  # nosec B602
                line, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
            )
            assert result.returncode == 0, result.stderr
        statements = json.loads(output.read_text())
    finally:
        output.unlink(missing_ok=True)
    assert statements and dsa.validate_batch(statements) == {}
    assert "Transparency figures computed at" in result.stdout


def test_the_score_automation_command_runs_as_written(tmp_path):
    from tests.notes import automation_logs

    log = ROOT / "FILE.jsonl"  # the README's placeholder name, in the folder its commands run from
    automation_logs.write(log, automation_logs.bot(), automation_logs.person())
    try:
        result = subprocess.run(  # noqa: S602 - the README's line exactly as a shell runs it  # nosec B602
            ".venv/bin/python manage.py score_automation --events FILE.jsonl --json",
            shell=True,
            cwd=ROOT,
            env=_clean_env(SUNLIGHT_VAR_DIR=str(tmp_path)),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        log.unlink()
    assert result.returncode == 0, result.stderr
    rows = {row["account"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows["bot-7"]["case"] is True and rows["mei"]["case"] is False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.integration
def test_the_serve_command_starts_the_portal_with_demo_data(tmp_path):
    port = _free_port()
    env = _clean_env(SUNLIGHT_VAR_DIR=str(tmp_path))
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "dev.py", "serve", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    home = response.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(1)
        assert "Sunlight" in home
        output = (tmp_path / "serve.log").read_text()
        assert "sunlight-demo-2026" in output  # the demo accounts are printed
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_serve_makes_mail_links_point_where_it_serves():
    sys.path.insert(0, str(ROOT))
    import dev

    env, address = dev.serve_environment(["127.0.0.1:8201"], {})
    assert (address, env["SUNLIGHT_BASE_URL"], env["DJANGO_DEBUG"]) == (
        "127.0.0.1:8201",
        "http://127.0.0.1:8201",
        "1",
    )
    assert dev.serve_environment(["8300"], {})[0]["SUNLIGHT_BASE_URL"] == "http://127.0.0.1:8300"
    assert dev.serve_environment([], {})[0]["SUNLIGHT_BASE_URL"] == "http://127.0.0.1:8000"
    mine = {"SUNLIGHT_BASE_URL": "https://sunlight.example"}
    assert dev.serve_environment(["0.0.0.0:8000"], mine)[0]["SUNLIGHT_BASE_URL"] == "https://sunlight.example"
