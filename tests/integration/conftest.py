from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from portal.celery import app
from tests.support import require

ROOT = Path(__file__).resolve().parents[2]
ALL_QUEUES = ("default", "scans", "media", "mail", "periodic")
REDIS_URL = os.environ.get("SUNLIGHT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _database_url() -> str:
    """The URL of the database this test run uses, so the worker reads and writes the same rows."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    raise RuntimeError(f"no worker URL for {connection.vendor}")


def _reset_celery_clients() -> None:
    """Drop the app's cached broker pools and result backend so a changed conf takes effect."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@dataclass
class Worker:
    process: subprocess.Popen
    mail_dir: Path
    log: Path


class Workers:
    """Starts real `celery -A portal worker` processes on one Redis queue, sharing this test's database."""

    def __init__(self, tmp_path: Path) -> None:
        self.queue = f"sunlight-test-{uuid.uuid4().hex[:8]}"
        # The default queue and each of settings.SUNLIGHT_QUEUES under this test's own names, routed as
        # in production (scans, media, mail, periodic).
        kinds = settings.SUNLIGHT_QUEUES
        self.queues = {"default": self.queue} | {kind: f"{self.queue}-{kind}" for kind in kinds}
        self.media_queue = self.queues["media"]
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.tmp_path = tmp_path
        self.started: list[Worker] = []

    def routes(self) -> dict[str, dict[str, str]]:
        return {task: {"queue": self.queues[kind]} for task, kind in settings.SUNLIGHT_TASK_QUEUES.items()}

    def start(self, *, queues: tuple[str, ...] = ALL_QUEUES, **extra_env: str) -> Worker:
        """A worker on every queue, or on the ones named ("default", "scans", "media", "mail", "periodic")."""
        log = self.tmp_path / f"worker-{len(self.started) + 1}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            **{f"CELERY_{kind.upper()}_QUEUE": self.queues[kind] for kind in settings.SUNLIGHT_QUEUES},
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            # The same files as this test process: the worker reads the originals it uploaded.
            "SUNLIGHT_VAR_DIR": str(settings.VAR_DIR),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            **extra_env,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            ",".join(self.queues[name] for name in queues),
            "-n",
            f"w{len(self.started) + 1}-{self.queue}@%h",
        ]
        with log.open("w") as log_file:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        worker = Worker(process=process, mail_dir=self.mail_dir, log=log)
        self.started.append(worker)
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "worker did not start:\n" + log.read_text()
            time.sleep(0.2)
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            if worker.process.poll() is None:
                worker.process.terminate()
                try:
                    worker.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.process.kill()


@pytest.fixture
def celery_workers(transactional_db, tmp_path) -> Iterator[Workers]:
    """This process sends tasks to Redis; the test starts (and may kill) the workers."""
    require(_redis_reachable(), f"no Redis broker reachable at {REDIS_URL}")
    workers = Workers(tmp_path)
    saved = {
        key: app.conf[key]
        for key in ("task_always_eager", "broker_url", "result_backend", "task_default_queue", "task_routes")
    }
    app.conf.update(
        task_always_eager=False,
        broker_url=REDIS_URL,
        result_backend=REDIS_URL,
        task_default_queue=workers.queue,
        task_routes=workers.routes(),
    )
    _reset_celery_clients()
    try:
        yield workers
    finally:
        app.conf.update(saved)
        _reset_celery_clients()
        workers.stop_all()


@pytest.fixture
def celery_worker(celery_workers) -> Worker:
    """One real worker, started."""
    return celery_workers.start()
