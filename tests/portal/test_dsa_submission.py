"""Submitting statements to a Transparency Database endpoint: a real HTTP server on loopback plays the
database (token check, 1 to 100 statements per call, the official rules, known puids, failures)."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal import dsa
from portal.models import DsaStatement
from portal.statements import statements_collect
from portal.submission import SubmissionError, TransientSubmissionError, statements_submit
from portal.tasks import dsa_statements_submit
from tests.factories import DecisionFactory

TOKEN = "test-token-123"


class FakeDatabase:
    """What the stand-in holds and how it misbehaves on purpose."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.stored: dict[str, str] = {}  # puid → uuid
        self.fail_next = 0  # answer 500 to this many calls
        self.refuse: set[str] = set()  # puids it finds invalid
        self.lose_answer_once = False  # store the batch, then answer 502


class Handler(BaseHTTPRequestHandler):
    db: FakeDatabase

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        db = self.db
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        db.calls.append(
            {"auth": self.headers.get("Authorization"), "count": len(payload.get("statements", []))}
        )
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._answer(401, {"message": "Unauthenticated."})
        if db.fail_next:
            db.fail_next -= 1
            return self._answer(500, {"message": "Server Error"})
        statements = payload.get("statements")
        if not isinstance(statements, list) or not 1 <= len(statements) <= dsa.BATCH_MAX:
            return self._answer(422, {"errors": {"statements": ["between 1 and 100"]}})
        errors = {}
        for index, statement in enumerate(statements):
            found = dsa.validate(statement)
            if statement.get("puid") in db.refuse:
                found["category"] = ["The selected category is invalid."]
            if found:
                errors[f"statement_{index}"] = found
        if errors:
            return self._answer(422, {"errors": errors})
        known = [s["puid"] for s in statements if s["puid"] in db.stored]
        if known:
            return self._answer(
                422, {"message": "not unique", "errors": {"puid": ["not unique"], "existing_puids": known}}
            )
        out = []
        for statement in statements:
            db.stored[statement["puid"]] = str(uuid.uuid4())
            out.append({**statement, "uuid": db.stored[statement["puid"]]})
        if db.lose_answer_once:
            db.lose_answer_once = False
            return self._answer(502, {"message": "Bad Gateway"})
        return self._answer(201, {"statements": out})


@pytest.fixture
def database(settings):
    db = FakeDatabase()
    handler = type("BoundHandler", (Handler,), {"db": db})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SUNLIGHT_DSA = {
        **settings.SUNLIGHT_DSA,
        "endpoint": f"http://127.0.0.1:{server.server_address[1]}/api/v1/statements",
        "token": TOKEN,
        "batch_size": 100,
        "retries": 2,
        "retry_backoff_seconds": 1.0,
    }
    yield db
    server.shutdown()
    server.server_close()


def _pending(count: int, creator) -> list[DsaStatement]:
    """``count`` valid statements waiting to be sent, made from one real decision's statement."""
    DecisionFactory(subject_owner=creator)
    statements_collect()
    template = DsaStatement.objects.get()
    rows = [
        DsaStatement(
            puid=f"{template.puid}-{index}",
            kind=template.kind,
            payload={**template.payload, "puid": f"{template.puid}-{index}"},
            effective_on=template.effective_on,
        )
        for index in range(count - 1)
    ]
    DsaStatement.objects.bulk_create(rows)
    return list(DsaStatement.objects.order_by("id"))


def _no_sleep(seconds: float) -> None:
    _no_sleep.waits.append(seconds)


@pytest.fixture(autouse=True)
def _fresh_waits():
    _no_sleep.waits = []


@pytest.mark.django_db
def test_nothing_is_sent_when_no_endpoint_is_configured(database, settings, creator):
    _pending(3, creator)
    settings.SUNLIGHT_DSA = {**settings.SUNLIGHT_DSA, "endpoint": "", "token": ""}
    assert statements_submit(sleep=_no_sleep).sent == 0
    assert dsa_statements_submit.delay().get()["skipped"] == "no endpoint configured"
    assert database.calls == []
    assert set(DsaStatement.objects.values_list("state", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_statements_go_in_official_batches_with_the_token_and_are_never_sent_twice(database, creator):
    _pending(230, creator)
    outcome = statements_submit(sleep=_no_sleep)
    assert [call["count"] for call in database.calls] == [100, 100, 30]
    assert {call["auth"] for call in database.calls} == {f"Bearer {TOKEN}"}
    assert (outcome.accepted, outcome.refused) == (230, 0)
    rows = DsaStatement.objects.all()
    assert all(row.state == "accepted" and row.database_uuid == database.stored[row.puid] for row in rows)
    assert statements_submit(sleep=_no_sleep).sent == 0  # the record holds: nothing is sent again
    assert len(database.calls) == 3


@pytest.mark.django_db
def test_a_smaller_configured_batch_size_is_honoured(database, settings, creator):
    settings.SUNLIGHT_DSA = {**settings.SUNLIGHT_DSA, "batch_size": 7}
    _pending(15, creator)
    statements_submit(sleep=_no_sleep)
    assert [call["count"] for call in database.calls] == [7, 7, 1]


@pytest.mark.django_db
def test_a_server_error_is_retried_with_backoff_within_the_run(database, creator):
    _pending(4, creator)
    database.fail_next = 2
    outcome = statements_submit(sleep=_no_sleep)
    assert outcome.accepted == 4 and len(database.calls) == 3
    assert _no_sleep.waits == [1.0, 2.0]
    assert set(DsaStatement.objects.values_list("attempts", flat=True)) == {3}


@pytest.mark.django_db
def test_an_endpoint_that_stays_down_leaves_the_statements_pending_with_the_error(database, creator):
    _pending(4, creator)
    database.fail_next = 99
    with pytest.raises(TransientSubmissionError):
        statements_submit(sleep=_no_sleep)
    rows = list(DsaStatement.objects.all())
    assert {(row.state, row.attempts, row.last_error) for row in rows} == {("pending", 3, "HTTP 500")}
    database.fail_next = 0
    assert statements_submit(sleep=_no_sleep).accepted == 4  # the next run delivers them


@pytest.mark.django_db
def test_a_call_stored_but_not_answered_is_not_stored_twice(database, creator):
    _pending(5, creator)
    database.lose_answer_once = True  # the database keeps the batch, we get a 502
    outcome = statements_submit(sleep=_no_sleep)
    assert outcome.already_there == 5 and outcome.accepted == 0
    assert len(database.stored) == 5
    assert set(DsaStatement.objects.values_list("state", flat=True)) == {"accepted"}


@pytest.mark.django_db
def test_a_statement_the_database_refuses_is_recorded_and_the_rest_of_its_batch_goes_through(
    database, creator
):
    rows = _pending(4, creator)
    database.refuse = {rows[1].puid}
    outcome = statements_submit(sleep=_no_sleep)
    assert (outcome.accepted, outcome.refused) == (3, 1)
    refused = DsaStatement.objects.get(puid=rows[1].puid)
    assert refused.state == "refused" and "category" in refused.last_error
    assert statements_submit(sleep=_no_sleep).sent == 0  # not resent by itself


@pytest.mark.django_db
def test_a_statement_that_breaks_the_rules_is_refused_before_sending(database, creator):
    rows = _pending(3, creator)
    DsaStatement.objects.filter(pk=rows[0].pk).update(payload={**rows[0].payload, "category": "NOPE"})
    outcome = statements_submit(sleep=_no_sleep)
    assert (outcome.accepted, outcome.refused) == (2, 1)
    assert database.calls == [{"auth": f"Bearer {TOKEN}", "count": 2}]


@pytest.mark.django_db
def test_a_wrong_token_stops_the_run_and_accepts_nothing(database, settings, creator):
    settings.SUNLIGHT_DSA = {**settings.SUNLIGHT_DSA, "token": "wrong"}
    _pending(2, creator)
    with pytest.raises(SubmissionError, match="HTTP 401"):
        statements_submit(sleep=_no_sleep)
    assert (
        list(DsaStatement.objects.values_list("state", "last_error"))
        == [("pending", 'HTTP 401: {"message": "Unauthenticated."}')] * 2
    )


@pytest.mark.django_db
def test_the_periodic_task_writes_and_submits_new_statements(database, creator):
    DecisionFactory(subject_owner=creator)
    result = dsa_statements_submit.delay().get()
    assert result["accepted"] == 1 and DsaStatement.objects.get().state == "accepted"


@pytest.mark.parametrize(
    ("change", "check_id"),
    [
        ({"batch_size": 101}, "portal.E001"),
        ({"batch_size": 0}, "portal.E001"),
        ({"timeout_seconds": 0}, "portal.E002"),
        ({"retries": -1}, "portal.E003"),
        ({"endpoint": "transparency.example/api", "token": "t"}, "portal.E004"),
        ({"endpoint": "https://transparency.example/api/v1/statements", "token": ""}, "portal.E005"),
    ],
)
def test_the_system_checks_refuse_dsa_settings_that_cannot_work(settings, change, check_id):
    from portal.checks import dsa_settings_check

    settings.SUNLIGHT_DSA = {**settings.SUNLIGHT_DSA, **change}
    assert check_id in [problem.id for problem in dsa_settings_check()]


def test_the_default_dsa_settings_pass_the_checks():
    from portal.checks import dsa_settings_check

    assert dsa_settings_check() == []


@pytest.mark.django_db
def test_a_refusal_stays_recorded_when_a_later_call_of_the_run_fails(database, creator):
    rows = _pending(3, creator)
    database.refuse = {rows[0].puid}
    original = Handler.do_POST

    def refuse_then_fail(handler):
        if database.calls:  # the second call (the rest of the batch) meets a database that is down
            database.fail_next = 99
        original(handler)

    Handler.do_POST = refuse_then_fail
    try:
        with pytest.raises(TransientSubmissionError):
            statements_submit(sleep=_no_sleep)
    finally:
        Handler.do_POST = original
    refused = DsaStatement.objects.get(puid=rows[0].puid)
    assert refused.state == "refused" and "category" in refused.last_error
    others = DsaStatement.objects.exclude(pk=refused.pk)
    assert {(row.state, row.last_error) for row in others} == {("pending", "HTTP 500")}
    assert all(row.attempts == 4 for row in others)  # the refused call, then 3 tries of the rest


@pytest.mark.django_db
def test_two_runs_at_once_never_send_the_same_statements(database, creator):
    from django.core.cache import cache

    from portal.submission import LOCK_KEY

    _pending(2, creator)
    cache.add(LOCK_KEY, "another run", timeout=60)
    try:
        outcome = statements_submit(sleep=_no_sleep)
    finally:
        cache.delete(LOCK_KEY)
    assert outcome.sent == 0 and database.calls == []
    assert outcome.errors == ["another submission run is in progress"]


def test_an_endpoint_needs_the_public_https_base_url_outside_debug(settings):
    from portal.checks import dsa_settings_check

    settings.DEBUG = False
    settings.SUNLIGHT_DSA = {
        **settings.SUNLIGHT_DSA,
        "endpoint": "https://tdb.example/api/v1/statements",
        "token": "t",
    }
    settings.SUNLIGHT_BASE_URL = "http://127.0.0.1:8000"
    assert "portal.E006" in [problem.id for problem in dsa_settings_check()]
    settings.SUNLIGHT_BASE_URL = "https://sunlight.example"
    assert dsa_settings_check() == []
