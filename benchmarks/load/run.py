"""Load benchmark: the production server under a maintained load generator.

    python3 dev.py bench load       # or: .venv/bin/python benchmarks/load/run.py

Needs PostgreSQL (``DATABASE_URL``'s server, else postgres://postgres@127.0.0.1:5432/) and Redis on
127.0.0.1:6379 (database 12 is flushed; ``BENCH_REDIS_URL`` to change it). The database
``sunlight_bench_load`` is migrated and seeded once — the demo (its accounts, notes with images, decisions)
plus ``BENCH_NOTES`` (10,000) published notes from ``seed_bench_feed`` — and reused by later runs (its
files in ``var/bench-load``).

gunicorn starts with the repository's configuration and production settings (``DJANGO_DEBUG`` off, JSON
logs at WARNING, shared cache and sessions in Redis, collected static files) on a loopback port, with
``BENCH_WORKERS`` (3) workers of ``BENCH_THREADS`` (4) threads. Then locust, headless, runs one phase per
target, each ``BENCH_SECONDS`` (20) seconds with ``BENCH_USERS`` (16) concurrent users and no think time:
``/healthz`` (the ceiling: the whole stack with no page work), the home feed, a note page with images
and labels, the signed-in dashboard and the API feed. It prints requests per second, p50/p95/p99 and
errors for each and ends with one line of name=value pairs, each page's throughput divided by the
ceiling's among them.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NOTES = int(os.environ.get("BENCH_NOTES", "10000"))
USERS = int(os.environ.get("BENCH_USERS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = os.environ.get("BENCH_WORKERS", "3")
THREADS = os.environ.get("BENCH_THREADS", "4")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"
DEMO_EMAIL = "mei@demo.sunlight.test"
PHASES = [
    ("healthz", "Healthz"),
    ("feed", "Feed"),
    ("note", "NotePage"),
    ("dashboard", "Dashboard"),
    ("api_feed", "ApiFeed"),
]


def database_url(name: str) -> str:
    base = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"The load benchmark needs PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    return urlunsplit(("postgresql", parts.netloc, f"/{name}", parts.query, ""))


def server_env(url: str, var_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SUNLIGHT_", "CELERY_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "load-benchmark-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "REDIS_CACHE_URL": REDIS_URL,
        "SUNLIGHT_VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "PRIVATE_MEDIA_ROOT": str(var_dir / "private"),
        "STATIC_ROOT": str(var_dir / "static"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": WORKERS,
        "GUNICORN_THREADS": THREADS,
        # The benchmark measures the pages, not the throttles that protect them.
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        "PYTHONPATH": str(ROOT),
    }


def prepare(url: str, var_dir: Path) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {**server_env(url, var_dir, 0), "DJANGO_DEBUG": "1"}  # seeding writes the demo's files
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    with psycopg.connect(url) as conn:
        bench = conn.execute(
            "SELECT count(*) FROM accounts_user WHERE email LIKE '%%@bench.invalid'"
        ).fetchone()[0]
    if not bench:
        print(f"seeding {name}: the demo and {NOTES:,} notes …", flush=True)
        subprocess.run([*manage, "seed_bench_feed", "--notes", str(NOTES)], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*manage, "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=server_env(url, var_dir, 0),
        check=True,
    )


def note_path(url: str) -> str:
    """The demo's most-read kind of page: a published note with images and a label."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT n.public_id FROM notes_note n JOIN notes_label l ON l.note_id = n.id "
            "WHERE n.state = 'published' AND EXISTS (SELECT 1 FROM notes_noteimage i WHERE i.note_id = n.id) "
            "ORDER BY n.id LIMIT 1"
        ).fetchone()
    return f"/notes/{row[0]}/"


SESSIONS_SCRIPT = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils.module_loading import import_string
from accounts.models import User
user = User.objects.get(email=%(email)r)
store = import_string(settings.SESSION_ENGINE + ".SessionStore")
for _ in range(%(count)d):
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(session.session_key)
"""


def sessions(env: dict[str, str], count: int) -> list[str]:
    """Signed-in sessions of the demo creator, as a sign-in would leave them (database and Redis)."""
    script = SESSIONS_SCRIPT % {"email": DEMO_EMAIL, "count": count}
    made = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    keys = [line for line in made.stdout.split() if re.fullmatch(r"[a-z0-9]{32}", line)]
    if len(keys) != count:
        sys.exit(f"could not make {count} signed-in sessions:\n{made.stdout}{made.stderr}")
    return keys


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn stopped before serving")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not answer /healthz within a minute")


def run_phase(name: str, user_class: str, port: int, folder: Path, env: dict[str, str]) -> dict[str, float]:
    prefix = folder / name
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(Path(__file__).with_name("locustfile.py")),
            "--headless",
            "--only-summary",
            "--host",
            f"http://127.0.0.1:{port}",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{SECONDS}s",
            "--csv",
            str(prefix),
            "--loglevel",
            "WARNING",
            user_class,
        ],
        cwd=ROOT,
        env=env,
        check=False,  # locust exits 1 when any request failed; the errors are reported below
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with Path(f"{prefix}_stats.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == name)
    with Path(f"{prefix}_failures.csv").open() as handle:
        failures = {f"{r['Name']}: {r['Error']}": int(r["Occurrences"]) for r in csv.DictReader(handle)}
    return {
        "failures": failures,
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "requests": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
    }


def main() -> None:
    import redis

    url = database_url("sunlight_bench_load")
    # The seeded database's files (the demo's images) persist beside it, like the database itself.
    var_dir = ROOT / "var" / "bench-load"
    var_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sunlight-bench-load-") as folder:
        redis.Redis.from_url(REDIS_URL).flushdb()
        prepare(url, var_dir)
        path = note_path(url)
        port = free_port()
        env = server_env(url, var_dir, port)
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "portal/gunicorn.conf.py", "portal.wsgi"], cwd=ROOT, env=env
        )
        try:
            wait_until_up(port, server)
            print(
                f"\ngunicorn: {WORKERS} workers × {THREADS} threads; locust: {USERS} users, no think time, "
                f"{SECONDS} s per target; {os.cpu_count()} cores shared by both\n",
                flush=True,
            )
            keys = ",".join(sessions(env, USERS))
            load_env = {**env, "BENCH_NOTE_PATH": path, "BENCH_SESSIONS": keys}
            results = {}
            for name, user_class in PHASES:
                results[name] = run_phase(name, user_class, port, Path(folder), load_env)
                r = results[name]
                print(
                    f"{name:<10} {r['rps']:8.1f} req/s   p50 {r['p50']:6.0f} ms   p95 {r['p95']:6.0f} ms   "
                    f"p99 {r['p99']:6.0f} ms   errors {r['errors']}/{r['requests']}",
                    flush=True,
                )
                for failure, count in r["failures"].items():
                    print(f"           {count} × {failure}", flush=True)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    ceiling = results["healthz"]["rps"]
    pairs = {}
    for name, r in results.items():
        pairs[f"{name}_rps"] = f"{r['rps']:.1f}"
        pairs[f"{name}_p50_ms"] = f"{r['p50']:.0f}"
        pairs[f"{name}_p95_ms"] = f"{r['p95']:.0f}"
        pairs[f"{name}_p99_ms"] = f"{r['p99']:.0f}"
        pairs[f"{name}_errors"] = str(r["errors"])
    for name, r in results.items():
        if name != "healthz":
            pairs[f"{name}_vs_healthz"] = f"{r['rps'] / ceiling:.3f}" if ceiling else "nan"
    print(" ".join(f"{k}={v}" for k, v in pairs.items()))


if __name__ == "__main__":
    main()
