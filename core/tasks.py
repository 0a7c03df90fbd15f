"""The one way to start background work: by task name, promised in the transaction, sent after commit.

A task enqueued before commit could run before its rows exist (or after they were rolled back); one
sent after commit could be lost if the broker is down at that moment. So the promise is an
``OutboxTask`` row written in the caller's transaction, and the message goes to the broker after the
commit, which deletes the row. Rows the broker did not take are re-sent by ``resend_outbox`` (every
minute, from the scheduler). Whoever sends a row claims it first with a conditional update, and a
claim is a lease: a sender that died mid-send is replaced once the lease ends, and no two senders
hold a row at once. Naming the task instead of importing it keeps services free of import circles
with the task modules that call them. Without a broker (the embedded default) the task runs
in-process, right after the commit; a failure there is logged and not retried.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from importlib import import_module

from celery import current_app, shared_task
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import OutboxTask

logger = logging.getLogger(__name__)

# Broker outages look like these when a message is sent.
BROKER_DOWN = (OperationalError, ConnectionError, TimeoutError, OSError)
# A row younger than this is still being sent by the request that wrote it.
RESEND_AFTER = timedelta(seconds=60)
# How long a claim holds: after that, a sender is presumed dead and the row is sent again.
LEASE = timedelta(minutes=5)


def _task(task_name: str):  # noqa: ANN202 - a Celery task object
    module_name, _dot, attribute = task_name.rpartition(".")
    # Imported when the work is sent, not when the calling module loads: no import circle.
    return getattr(import_module(module_name), attribute)


def _claim(row_id: int, now: datetime) -> bool:
    """Take the row for sending: unclaimed, or its previous sender's lease has run out."""
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    claimed = OutboxTask.objects.filter(free, pk=row_id).update(claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def _release(row_id: int, claimed_at: datetime) -> None:
    # Only our own claim: a sweeper that took over after our lease ran out keeps its own.
    OutboxTask.objects.filter(pk=row_id, claimed_at=claimed_at).update(claimed_at=None)


def _send(row_id: int, task_name: str, args: list) -> bool:
    """Claim one promised task and hand it over; True when it left the outbox."""
    now = timezone.now()
    if not _claim(row_id, now):
        return False  # being sent by someone else, or already sent
    if current_app.conf.task_always_eager:
        # In-process mode: the task runs here and now. Whatever it does, it ran; a failure is
        # logged, never turned into an error for a request whose transaction already committed.
        try:
            _task(task_name).apply(args=args, throw=True)
        except Exception:
            logger.exception("in-process task %s failed", task_name)
        OutboxTask.objects.filter(pk=row_id).delete()
        return True
    try:
        _task(task_name).apply_async(args=args)
    except BROKER_DOWN as exc:
        logger.warning("broker unavailable, %s kept for resending: %s", task_name, type(exc).__name__)
        _release(row_id, now)
        return False
    except Exception:
        logger.exception("could not send %s; kept for resending", task_name)
        _release(row_id, now)
        return False
    OutboxTask.objects.filter(pk=row_id).delete()
    return True


def enqueue_on_commit(task_name: str, *args: object) -> None:
    """Promise ``task_name(*args)`` in the current transaction and send it once it commits.

    Args are ids or plain JSON. The tasks sent this way are idempotent or harmless when repeated,
    since a resend after an unclear outage may deliver twice.
    """
    _task(task_name)  # fail now, inside the transaction, on a misspelt name
    row = OutboxTask.objects.create(task=task_name, args=list(args))
    transaction.on_commit(lambda: _send(row.pk, task_name, list(args)), robust=True)


@shared_task(acks_late=True)
def resend_outbox(limit: int = 500) -> int:
    """Send the promised tasks the broker did not take in time; returns how many it took now."""
    now = timezone.now()
    sent = 0
    due = OutboxTask.objects.filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE), created_at__lte=now - RESEND_AFTER
    )
    for row in due.order_by("created_at", "id")[:limit]:
        if _send(row.pk, row.task, row.args):
            sent += 1
        elif OutboxTask.objects.filter(pk=row.pk, claimed_at__isnull=True).exists():
            break  # released: the broker is still down, try again on the next run
    return sent
