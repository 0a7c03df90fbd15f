"""Issue 16: queues per kind of work, request ids in logs and tasks, private-data-free logs and error
reports, the metrics endpoint for the scraper only, and a Redis outage that is never a 500."""

from __future__ import annotations

import datetime
import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from core.observability import (
    JsonFormatter,
    PrivateDataFilter,
    RequestIdFilter,
    TextFormatter,
    _before_send,
    scrub,
)
from portal.celery import app
from tests.factories import DecisionFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
OURS = ("core.", "accounts.", "appeals.", "notes.", "portal.")


def _our_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(OURS)}


def test_every_task_is_routed_to_a_queue_of_its_kind():
    tasks = _our_tasks()
    assert set(tasks) == set(settings.SUNLIGHT_TASK_QUEUES)
    routes = settings.CELERY_TASK_ROUTES
    assert {routes[name]["queue"] for name in tasks} == set(settings.SUNLIGHT_QUEUES.values())
    # What a person waits for never shares a queue with uploads or the scheduler.
    assert routes["accounts.tasks.deliver_email"]["queue"] == "mail"
    assert routes["notes.tasks.scan_image"]["queue"] == "scans"
    assert routes["notes.tasks.process_video"]["queue"] == "media"
    # The scheduler's tasks all land on the periodic queue.
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert routes[entry["task"]]["queue"] == "periodic", entry["task"]


def test_the_readme_documents_each_tasks_queue_time_limits_and_retries():
    """The README's task table is the truth: one row per task, with what the code sets."""
    readme = (ROOT / "README.md").read_text()
    rows = {}
    for m in re.finditer(r"^\| `([\w.]+)` \| (\w+) \| (\d+) / (\d+) s \| (\d+) \|", readme, re.M):
        rows[m.group(1)] = (m.group(2), int(m.group(3)), int(m.group(4)), int(m.group(5)))
    tasks = _our_tasks()
    assert set(rows) == set(tasks)
    for name, task in tasks.items():
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        hard = task.time_limit or app.conf.task_time_limit
        retries = task.max_retries if (getattr(task, "autoretry_for", ()) or name.endswith("submit")) else 0
        assert rows[name] == (settings.SUNLIGHT_TASK_QUEUES[name], soft, hard, retries), name


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("sunlight.test", logging.INFO, __file__, 1, message, args, None)


def test_logs_carry_no_email_address_or_credential():
    record = _record("sign-in by %s with password=%s, token: abc123", "a.person@example.com", "hunter2!")
    PrivateDataFilter().filter(record)
    text = record.getMessage()
    assert "a.person@example.com" not in text and "hunter2" not in text and "abc123" not in text
    assert "[email]" in text and "password=[redacted]" in text
    assert scrub('{"x-session-token": "s3cr3t"}') == '{"x-session-token": "[redacted]"}'


def test_production_logs_are_json_lines_with_the_request_id(client, caplog):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-1234abcd")
    assert response["X-Request-ID"] == "edge-1234abcd"
    # An id that is not a sane token is replaced, not echoed.
    assert client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"

    record = _record("scan of %s done", "lake.png")
    record.request = type("R", (), {"request_id": "edge-1234abcd"})()
    RequestIdFilter().filter(record)
    PrivateDataFilter().filter(record)
    line = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"levelname": "level"},
    ).format(record)
    data = json.loads(line)
    assert data["message"] == "scan of lake.png done" and data["request_id"] == "edge-1234abcd"
    assert data["level"] == "INFO" and "request" not in data  # the request's repr holds its query string


def test_error_reports_leave_personal_data_behind():
    event = {
        "request": {
            "url": "https://sunlight.example/notes/",
            "headers": {"Cookie": "sessionid=x"},
            "data": "pw",
        },
        "user": {"email": "a.person@example.com"},
        "logentry": {"message": "failed for a.person@example.com", "params": ["a.person@example.com"]},
        "exception": {"values": [{"type": "ValueError", "value": "bad token=abc for b@example.org"}]},
    }
    sent = _before_send(event, {})
    assert sent["request"] == {"url": "https://sunlight.example/notes/"}
    assert "user" not in sent and "params" not in sent["logentry"]
    assert "example.com" not in json.dumps(sent) and "abc" not in sent["exception"]["values"][0]["value"]


@pytest.mark.django_db
def test_metrics_answer_only_the_scraper(client):
    creator = UserFactory()
    DecisionFactory(subject_owner=creator)
    assert client.get("/metrics").status_code == 404
    with override_settings(SUNLIGHT_METRICS_TOKEN="scrape-secret-1"):
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
        client.get("/guidelines/")
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-1")
    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'^sunlight_decisions\{kind="[a-z_]+",state="in_force"\} 1\.0$', body, re.M), body[
        -2000:
    ]
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in body
    assert (
        'django_http_responses_total_by_status_view_method_total{method="GET",status="200",view="guidelines"}'
        in body
    )


@pytest.mark.django_db
def test_a_redis_outage_is_a_cache_miss_not_an_error(client):
    """The shared cache on a port where nothing listens: pages, sign-in and rate limits still answer."""
    dead = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }
    user = UserFactory()
    # override_settings resets Django's cache handler (django.test.signals.clear_cache_handlers).
    with override_settings(CACHES=dead, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        client.force_login(user)
        assert client.get("/").status_code == 200
        assert client.get("/dashboard/").status_code == 200  # the session, from the database
        client.logout()
        assert client.get("/accounts/login/").status_code == 200  # sign-in limits count in the cache


@pytest.mark.django_db
def test_postgresql_connections_stop_runaway_statements():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the statement timeout is PostgreSQL's (CI's second run)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


@pytest.mark.parametrize(
    ("logged", "kept"),
    [
        ("new_password=hunter2 ok", "new_password=[redacted] ok"),
        ("{'password': 'hunter2'}", "{'password': '[redacted]'}"),
        ("HTTP_X_SESSION_TOKEN: abcdef", "HTTP_X_SESSION_TOKEN: [redacted]"),
        ("Authorization: Basic xyz123", "Authorization: [redacted]"),
        ("access_token=zzz&x=1", "access_token=[redacted]&x=1"),
        ("GET /accounts/password/reset/key/3-abc-def/", "GET /accounts/password/reset/key/[redacted]/"),
        ("/accounts/confirm-email/MTI:1t:xyz/", "/accounts/confirm-email/[redacted]/"),
        ("cache key: notes:12", "cache key: notes:12"),  # not a credential: left as it is
        ('{"password": "hunter two words"}', '{"password": "[redacted]"}'),  # all of a quoted value
        ("'password': ['x y']", "'password': ['[redacted]']"),
        ("sessionid=abc; theme=dark", "sessionid=[redacted]; theme=dark"),
        ("session_key=abcd", "session_key=[redacted]"),
        ("x_password=abc, mypassword: 'a b'", "x_password=[redacted], mypassword: '[redacted]'"),
        ("-" * 5000 + " token=abc", "-" * 5000 + " token=[redacted]"),
        (
            "password=[redacted] and token: '[redacted]'",
            "password=[redacted] and token: '[redacted]'",
        ),  # twice
        ("password: [['hunter2']]", "password: [['[redacted]']]"),
        ("token=" + " " * 3000 + "&x", "token=" + " " * 3000 + "&x"),
        ("GET /x?next=a.person%40example.com", "GET /x?next=[email]"),  # percent-encoded
        ("from ü.person@exämple.de", "from [email]"),  # any script
        ('Not Found: /token="x', 'Not Found: /token="[redacted]'),
    ],
)
def test_credentials_in_any_common_form_are_scrubbed(logged, kept):
    assert scrub(logged) == kept


def test_tracebacks_and_extra_fields_are_scrubbed_too():
    try:
        raise ValueError("duplicate key (email)=(b.person@example.com)")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    record.data = {"args": ["c.person@example.com", "https://x/accounts/password/reset/key/1-abc/"]}
    line = JsonFormatter("%(message)s").format(record)
    assert "example.com" not in line and "1-abc" not in line and "[email]" in line


def test_a_json_line_stays_valid_json_whatever_a_caller_puts_in_the_path():
    """Values are scrubbed before they are encoded: a probe cannot make the line unreadable."""
    record = _record("Not Found: %s", '/token="x\\"y/')
    record.data = {"password": "hunter2", "args": [{"new_password": "s3cr3t"}, ("d.person@example.com",)]}
    record.at = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)
    PrivateDataFilter().filter(record)
    data = json.loads(JsonFormatter("%(message)s").format(record))
    assert data["message"].startswith("Not Found: /token=") and "x" not in data["message"][18:]
    assert data["data"] == {"password": "[redacted]", "args": [{"new_password": "[redacted]"}, ["[email]"]]}
    assert data["at"] == "2026-12-06T12:00:00+00:00"  # ISO, as the JSON encoder writes dates


def test_text_logs_scrub_tracebacks_too():
    try:
        raise ValueError("DETAIL: Key (email)=(e.person@example.com) already exists.")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    record.request_id = ""
    line = TextFormatter("%(message)s").format(record)
    assert "e.person@example.com" not in line and "[email]" in line and "ValueError" in line


@pytest.mark.parametrize(
    ("message", "args"),
    [
        ("%(a)s", ({"b": 1},)),
        ("%s %s", ("one",)),
        ("%s", (type("Bad", (), {"__str__": lambda self: {}[1]})(),)),
    ],
)
def test_a_malformed_log_call_is_logged_not_raised(message, args):
    record = _record(message, *args)
    assert PrivateDataFilter().filter(record) is True
    assert record.args is None and record.getMessage()


@pytest.mark.django_db
def test_a_sign_out_during_a_cache_outage_ends_within_minutes(monkeypatch):
    """core.sessions: the database row goes at once; a cached copy the outage kept lives ≤ 5 minutes."""
    import time_machine
    from django.contrib.sessions.models import Session

    from core.sessions import CACHE_SECONDS, SessionStore

    # The process-local cache follows the travelling clock (a Redis server keeps its own time).
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local), time_machine.travel("2026-12-01 10:00", tick=False) as clock:
        store = SessionStore()
        store["_auth_user_id"] = "1"
        store.save()
        key = store.session_key
        assert SessionStore(key).load() == {"_auth_user_id": "1"}  # from the cache

        def unreachable(*args: object, **kwargs: object) -> None:
            raise ConnectionError("Redis is down")

        monkeypatch.setattr(store._cache, "delete", unreachable)
        store.delete()  # signing out: no error for the user
        monkeypatch.undo()
        assert not Session.objects.filter(session_key=key).exists()
        clock.shift(CACHE_SECONDS + 1)
        assert SessionStore(key).load() == {}  # the stale copy expired; the database says signed out


@pytest.mark.parametrize(("path", "kind"), [("/", "page"), ("/api/v1/feed/", "api")])
def test_a_database_outage_is_a_clean_503_not_a_crash(rf, path, kind):
    """The handler renders without touching the database (its context processors would need it)."""
    from django.db import OperationalError
    from django.utils import translation

    from portal.views import server_error

    try:
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    except OperationalError:
        with translation.override("zh-hans"):
            response = server_error(rf.get(path))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    body = response.content.decode()
    if kind == "api":
        assert json.loads(body)["error"]["code"] == "unavailable"
    else:
        assert "数据库" in body and "127.0.0.1" not in body
