"""The one way to start background work: by task name, promised in the transaction, sent after commit.

A task enqueued before commit could run before its rows exist (or after they were rolled back); one
sent after commit could be lost if the broker is down at that moment. So the promise is an
``OutboxTask`` row written in the caller's transaction, and the message goes to the broker after the
commit, which deletes the row. Rows the broker did not take are re-sent by ``resend_outbox`` (every
minute, from the scheduler). Naming the task instead of importing it keeps services free of import
circles with the task modules that call them. Without a broker (the embedded default) the task runs
in-process, eagerly, right after the commit.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from importlib import import_module

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from core.models import OutboxTask

logger = logging.getLogger(__name__)

# Broker outages look like these when a message is sent.
BROKER_DOWN = (OperationalError, ConnectionError, TimeoutError, OSError)
# A row younger than this is still being sent by the request that wrote it.
RESEND_AFTER = timedelta(seconds=60)


def _task(task_name: str):  # noqa: ANN202 - a Celery task object
    module_name, _dot, attribute = task_name.rpartition(".")
    # Imported when the work is sent, not when the calling module loads: no import circle.
    return getattr(import_module(module_name), attribute)


def _send(row_id: int, task_name: str, args: list) -> bool:
    """Hand one promised task to the broker; True (and the row deleted) when it took it."""
    try:
        _task(task_name).apply_async(args=args)
    except BROKER_DOWN as exc:
        logger.warning("broker unavailable, %s kept for resending: %s", task_name, type(exc).__name__)
        OutboxTask.objects.filter(pk=row_id).update(claimed_at=None)
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
    transaction.on_commit(lambda: _send(row.pk, task_name, list(args)))


@shared_task(acks_late=True)
def resend_outbox(limit: int = 500) -> int:
    """Send the promised tasks the broker did not take in time; returns how many it took now."""
    now = timezone.now()
    sent = 0
    due = OutboxTask.objects.filter(claimed_at__isnull=True, created_at__lte=now - RESEND_AFTER)
    for row in due.order_by("created_at", "id")[:limit]:
        # Claim the row with a conditional update: a concurrent sweeper gets 0 and skips it.
        if not OutboxTask.objects.filter(pk=row.pk, claimed_at__isnull=True).update(
            claimed_at=now, attempts=row.attempts + 1
        ):
            continue
        if _send(row.pk, row.task, row.args):
            sent += 1
        else:
            break  # the broker is still down: try again on the next run
    return sent
