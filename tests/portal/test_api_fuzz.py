"""Schemathesis over Sunlight's own OpenAPI schema: no 5xx, and every answer as the schema says.

Runs in CI with a bounded number of examples per operation (SUNLIGHT_FUZZ_EXAMPLES, default 25),
as a creator and as an unrelated creator; path ids are random or the creator's own objects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.factories import PASSWORD, UserFactory
from tests.support import headless_login

EXAMPLES = int(os.environ.get("SUNLIGHT_FUZZ_EXAMPLES", "25"))


@contextmanager
def _connection_kept_open() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db):
    from portal.wsgi import application

    with _connection_kept_open():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


def _token(email: str) -> str:
    from rest_framework.test import APIClient

    user = UserFactory(email=email)
    return headless_login(APIClient(), user.email, PASSWORD)


@pytest.fixture
def creator_token(db) -> str:
    return _token("fuzz-creator@example.com")


@pytest.fixture
def outsider_token(db) -> str:
    return _token("fuzz-outsider@example.com")


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _fuzz(api_schema, token: str, own: dict[str, str] | None = None) -> int:
    """Every operation, EXAMPLES generated requests each; returns how many requests were sent.

    Each operation runs on its own so one finding does not hide the others; all are reported."""
    sent = 0
    findings: list[str] = []
    with _connection_kept_open():
        _run_all(api_schema, token, findings, sent_counter := [0], own or {})
    sent = sent_counter[0]
    assert not findings, "\n\n".join(findings)
    if os.environ.get("SUNLIGHT_FUZZ_REPORT"):
        print(f"\nfuzz: {sent} requests over {len(list(api_schema.get_all_operations()))} operations")
    return sent


def _run_all(api_schema, token: str, findings: list[str], sent: list[int], own: dict[str, str]) -> None:
    for result in api_schema.get_all_operations():
        operation = result.ok()
        strategies = [
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        ]
        # With the creator's own ids too, so the fuzzer reaches past the 404 of a random id.
        names = {parameter.name for parameter in operation.path_parameters}
        if names and names <= own.keys():
            strategies.append(
                operation.as_strategy(GenerationMode.POSITIVE, path_parameters={n: own[n] for n in names})
            )

        @given(case=st.one_of(strategies))
        @FUZZ_SETTINGS
        def run(case) -> None:
            sent[0] += 1
            case.call_and_validate(headers={"X-Session-Token": token})

        try:
            run()
        except Exception as exc:
            findings.append(f"{operation.label}: {str(exc)[:1500]}")


@pytest.fixture
def own_ids(creator_token) -> dict[str, str]:
    """A draft with one image, owned by the fuzzing creator (made after creator_token signed them up)."""
    from accounts.models import User
    from tests.notes.conftest import make_draft

    note = make_draft(User.objects.get(email="fuzz-creator@example.com"), images=1)
    return {"note_id": str(note.public_id), "image_id": str(note.images.get().public_id)}


def test_the_api_keeps_its_schema_for_a_creator(api_schema, creator_token, own_ids):
    assert _fuzz(api_schema, creator_token, own_ids) > 0


def test_the_api_keeps_its_schema_for_an_unrelated_creator(api_schema, outsider_token, own_ids):
    # The unrelated creator is sent to the creator's ids too: every answer must be a 404.
    assert _fuzz(api_schema, outsider_token, own_ids) > 0
