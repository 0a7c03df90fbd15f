"""gunicorn's configuration for Sunlight in production (README "Production").

    .venv/bin/gunicorn -c portal/gunicorn.conf.py portal.wsgi

Every value can be changed from the environment (``GUNICORN_*``). Threaded workers (gthread): most of
a request's time is spent waiting on PostgreSQL, Redis or the object store. ``kill -HUP <master>``
reloads gracefully: new workers start on the new code and old ones finish their requests first.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

from gunicorn.glogging import Logger

_URL_KEYS = re.compile(r"(/(?:key|confirm-email)/)[^/]+")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 4)
# A request (a 200 MB upload on a slow line included) gets this long; then its worker is replaced.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Workers are recycled now and then, so a slow leak never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Only the proxy in front may say the request was HTTPS (settings.SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "sunlight"


class JsonAccessLogger(Logger):
    """One JSON object per request: no query string (it may hold a token), no cookies, no user agent."""

    def access(self, resp, req, environ, request_time) -> None:  # noqa: ANN001 - gunicorn's signature
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        headers = dict(resp.headers) if isinstance(resp.headers, list) else {}
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            # Password-reset and confirmation links carry one-time keys in the path.
            "path": _URL_KEYS.sub(r"\1[redacted]", environ.get("PATH_INFO") or ""),
            "status": int(str(resp.status).split()[0]) if resp.status else None,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote": environ.get("REMOTE_ADDR"),
            "request_id": next((v for k, v in headers.items() if k.lower() == "x-request-id"), ""),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(record))


logger_class = JsonAccessLogger


# --- Prometheus across workers ----------------------------------------------------------------------------
# With PROMETHEUS_MULTIPROC_DIR set (it must be set before gunicorn starts), each worker writes its
# metrics there and /metrics adds them up. The directory is emptied when the master starts.
def on_starting(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:  # noqa: ANN001 - gunicorn's Arbiter and Worker
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
