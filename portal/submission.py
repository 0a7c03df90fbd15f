"""Submitting statements to the DSA Transparency Database's multiple-statements endpoint.

``POST {endpoint}`` with ``{"statements": [...]}`` (1 to 100 per call), a bearer token, JSON both
ways. ``201 Created`` means every statement of the call was stored. ``422`` lists what was refused:
``errors.statement_<i>`` for invalid statements, or ``errors.existing_puids`` for identifiers the
database already holds (a call that succeeded there but whose answer we never got). Anything else
(a 5xx, 429, a timeout, a refused connection) is transient: the call is retried with backoff, and
what is still not accepted waits for the next run.

The record is idempotent: a statement is sent until the database has it, then never again; one the
database refuses as invalid is marked refused with its errors and not re-sent until staff retry it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal import dsa
from portal.models import DsaStatement
from portal.statements import statement_rerender, statements_collect

# A run holds the lock at most this long (a stuck run's lock expires; the task's time limit is shorter).
LOCK_SECONDS = 1900


class SubmissionError(Exception):
    """The endpoint refused the call as a whole (a bad token, a wrong address): retrying cannot help."""


class TransientSubmissionError(Exception):
    """The endpoint could not be reached or did not answer in time, after every retry."""


@dataclass
class Outcome:
    sent: int = 0
    accepted: int = 0
    already_there: int = 0
    refused: int = 0
    calls: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "accepted": self.accepted,
            "already_there": self.already_there,
            "refused": self.refused,
            "calls": self.calls,
        }


def configured() -> bool:
    return bool(settings.SUNLIGHT_DSA["endpoint"])


def _error_text(errors: object) -> str:
    return json.dumps(errors, ensure_ascii=False, sort_keys=True)[:2000]


def _post(batch: list[DsaStatement], config: dict, sleep: Callable[[float], None]) -> requests.Response:
    """One call, retried on transient failures with exponential backoff; each attempt is recorded."""
    headers = {
        "Authorization": f"Bearer {config['token']}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    }
    body = json.dumps({"statements": [row.payload for row in batch]}, ensure_ascii=False).encode()
    problem = ""
    for attempt in range(config["retries"] + 1):
        if attempt:
            sleep(config["retry_backoff_seconds"] * 2 ** (attempt - 1))
        now = timezone.now()
        for row in batch:
            row.attempts += 1
            row.last_attempt_at = now
        DsaStatement.objects.bulk_update(batch, ["attempts", "last_attempt_at"])
        try:
            timeout = float(config["timeout_seconds"])  # checked above 0 by portal.checks
            response = requests.post(config["endpoint"], data=body, headers=headers, timeout=timeout)
        except requests.RequestException as exc:
            problem = f"{type(exc).__name__}: {exc}"
            continue
        if response.status_code == 429 or response.status_code >= 500:
            problem = f"HTTP {response.status_code}"
            continue
        return response
    _fail(batch, problem)
    raise TransientSubmissionError(problem)


def _fail(rows: list[DsaStatement], message: str) -> None:
    for row in rows:
        row.last_error = message[:2000]
    DsaStatement.objects.bulk_update(rows, ["last_error"])


def _accept(rows: list[DsaStatement], uuids: dict[str, str]) -> None:
    now = timezone.now()
    for row in rows:
        row.state = DsaStatement.State.ACCEPTED
        row.accepted_at = now
        row.database_uuid = uuids.get(row.puid, "")[:64]
        row.last_error = ""
    DsaStatement.objects.bulk_update(rows, ["state", "accepted_at", "database_uuid", "last_error"])


def _refuse(row: DsaStatement, errors: object) -> None:
    row.state = DsaStatement.State.REFUSED
    row.last_error = _error_text(errors)
    row.save(update_fields=["state", "last_error"])


def _send(batch: list[DsaStatement], config: dict, outcome: Outcome, sleep: Callable[[float], None]) -> None:
    """Send ``batch`` until every statement in it is accepted, refused or left for the next run."""
    while batch:
        outcome.calls += 1
        outcome.sent += len(batch)
        response = _post(batch, config, sleep)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code in (200, 201):
            uuids = {
                item.get("puid"): str(item.get("uuid", ""))
                for item in answer.get("statements", [])
                if isinstance(item, dict)
            }
            _accept(batch, uuids)
            outcome.accepted += len(batch)
            return
        errors = answer.get("errors") if isinstance(answer, dict) else None
        if response.status_code == 422 and isinstance(errors, dict):
            existing = set(errors.get("existing_puids") or [])
            if existing:
                there = [row for row in batch if row.puid in existing]
                _accept(there, {})
                outcome.already_there += len(there)
            refused = 0
            for index, row in enumerate(batch):
                found = errors.get(f"statement_{index}")
                if found and row.puid not in existing:
                    _refuse(row, found)
                    refused += 1
            outcome.refused += refused
            remaining = [row for row in batch if row.state == DsaStatement.State.PENDING]
            if len(remaining) < len(batch):
                batch = remaining
                continue
        message = f"HTTP {response.status_code}: {_error_text(answer or response.text[:500])}"
        _fail(batch, message)
        raise SubmissionError(message)


LOCK_KEY = "portal:dsa-submission"


def statements_submit(*, sleep: Callable[[float], None] = time.sleep) -> Outcome:
    """Submit every pending statement in batches of the configured size; nothing when no endpoint is set.

    One run at a time (a lock in the shared cache), so two runs never send the same statement. Each
    outcome is written as soon as it is known, outside any long transaction: a later failure in the
    same run never undoes an acceptance or a refusal. A statement that breaks the database's rules
    is refused here, before sending, so it cannot make the rest of its batch fail.
    """
    outcome = Outcome()
    if not configured():
        return outcome
    config = settings.SUNLIGHT_DSA
    size = max(1, min(int(config["batch_size"]), dsa.BATCH_MAX))
    statements_collect()
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=LOCK_SECONDS):
        outcome.errors.append("another submission run is in progress")
        return outcome
    try:
        last_id = 0
        while True:
            batch = list(
                DsaStatement.objects.filter(state=DsaStatement.State.PENDING, id__gt=last_id).order_by("id")[
                    :size
                ]
            )
            if not batch:
                return outcome
            last_id = batch[-1].id
            valid = []
            for row in batch:
                problems = dsa.validate(row.payload)
                if problems:
                    _refuse(row, problems)
                    outcome.refused += 1
                else:
                    valid.append(row)
            if valid:
                _send(valid, config, outcome, sleep)
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def statements_retry(rows: list[DsaStatement]) -> int:
    """Put refused statements back in the queue after the cause was fixed: each is written again
    from its decision (same ``puid``), so a fix in the mapping reaches it; returns how many."""
    refused = [row for row in rows if row.state == DsaStatement.State.REFUSED]
    for row in refused:
        statement_rerender(row)
    return DsaStatement.objects.filter(pk__in=[row.pk for row in refused]).update(
        state=DsaStatement.State.PENDING, last_error=""
    )
