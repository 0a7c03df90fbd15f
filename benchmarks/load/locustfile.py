"""The load benchmark's users (benchmarks/load/run.py picks one class per phase).

Every request says it came through the TLS-terminating proxy (``X-Forwarded-Proto``), as in production.
The signed-in users carry a session cookie made beforehand (``BENCH_SESSIONS``).
"""

from __future__ import annotations

import itertools
import os

from locust import HttpUser, constant, task

PROXY = {"X-Forwarded-Proto": "https"}
NOTE_PATH = os.environ.get("BENCH_NOTE_PATH", "/")
SESSIONS = os.environ.get("BENCH_SESSIONS", "").split(",")
_TURN = itertools.count()


class _User(HttpUser):
    abstract = True
    wait_time = constant(0)  # closed loop: each user sends its next request as soon as one answers

    def get(self, path: str, name: str) -> None:
        with self.client.get(path, headers=PROXY, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code} {r.headers.get('Location', '')}")


class Healthz(_User):
    @task
    def healthz(self) -> None:
        self.get("/healthz", "healthz")


class Feed(_User):
    @task
    def feed(self) -> None:
        self.get("/", "feed")


class NotePage(_User):
    @task
    def note(self) -> None:
        self.get(NOTE_PATH, "note")


class ApiFeed(_User):
    @task
    def api_feed(self) -> None:
        self.get("/api/v1/feed/", "api_feed")


class Dashboard(_User):
    """Signed in with one of the sessions run.py made for the demo creator (signing in through the form
    would meet the sign-in rate limit and PBKDF2's cost, which are not what this measures)."""

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", SESSIONS[next(_TURN) % len(SESSIONS)])

    @task
    def dashboard(self) -> None:
        self.get("/dashboard/", "dashboard")
