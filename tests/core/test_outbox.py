"""The transactional outbox: no promised task lost, none sent twice, no request broken by a task."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts import tasks as account_tasks
from core import tasks as outbox
from core.models import OutboxTask
from portal.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker(monkeypatch):
    """The edge we do not run here: a broker that records what it is handed, or refuses."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    sent: list[tuple] = []
    state = {"down": False, "crash": None}

    def apply_async(args: list, **kwargs: object) -> None:
        if state["down"]:
            raise OperationalError("connection refused")
        if state["crash"]:
            raise state["crash"]
        sent.append(tuple(args))

    monkeypatch.setattr(account_tasks.purge_stale_signups, "apply_async", apply_async)
    return sent, state


def _promise() -> OutboxTask:
    with transaction.atomic():
        outbox.enqueue_on_commit("accounts.tasks.purge_stale_signups")
        row = OutboxTask.objects.get()
    return row


def test_a_promise_is_sent_after_commit_and_leaves_the_outbox(broker):
    sent, _state = broker
    _promise()
    assert sent == [()] and not OutboxTask.objects.exists()


def test_a_rolled_back_transaction_promises_nothing(broker):
    sent, _state = broker
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue_on_commit("accounts.tasks.purge_stale_signups")
        raise RuntimeError("the change failed")
    assert sent == [] and not OutboxTask.objects.exists()


def test_a_broker_outage_keeps_the_promise_until_the_sweep_sends_it_once(broker):
    sent, state = broker
    state["down"] = True
    _promise()
    assert sent == [] and OutboxTask.objects.get().claimed_at is None
    state["down"] = False
    assert outbox.resend_outbox() == 0  # too young: its own request may still be sending it
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox.resend_outbox() == 1
        assert outbox.resend_outbox() == 0
    assert sent == [()] and not OutboxTask.objects.exists()


def test_a_sender_that_died_mid_send_is_replaced_when_its_lease_ends(broker):
    sent, state = broker
    state["crash"] = RuntimeError("worker killed")
    row = _promise()
    state["crash"] = None
    # Simulate a sweeper that claimed the row and died without releasing it.
    OutboxTask.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert outbox.resend_outbox() == 0  # the claim still holds
    with time_machine.travel(timezone.now() + outbox.LEASE + timedelta(minutes=2)):
        assert outbox.resend_outbox() == 1
    assert sent == [()]


def test_a_row_held_by_one_sender_is_not_sent_by_another(broker):
    sent, state = broker
    state["down"] = True
    row = _promise()
    state["down"] = False
    now = timezone.now()
    assert outbox._claim(row.pk, now)  # a sweeper holds the row …
    assert outbox._send(row.pk, row.task, row.args) is False  # … so a late after-commit send stands back
    assert sent == []
    outbox._release(row.pk, timezone.now())  # someone else's release does not free the sweeper's claim
    assert OutboxTask.objects.get().claimed_at == now


def test_in_process_a_failing_task_is_logged_and_the_request_goes_on(monkeypatch, caplog):
    def explode() -> None:
        raise OSError("smtp refused")

    monkeypatch.setattr(account_tasks.purge_stale_signups, "run", explode)
    _promise()  # no exception escapes the commit
    assert not OutboxTask.objects.exists()
    assert "in-process task accounts.tasks.purge_stale_signups failed" in caplog.text
