"""The Celery app. Worker: ``celery -A portal worker``; schedule: ``celery -A portal beat``."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def _transport_options() -> dict[str, int]:
    # A message a killed worker had taken is handed out again once it has been unacknowledged
    # for visibility_timeout seconds; workers sweep for such messages every restore interval.
    options = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 60 * 60))}
    if os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL"):
        options["unacked_restore_interval"] = int(os.environ["CELERY_UNACKED_RESTORE_INTERVAL"])
        options["unacked_restore_throttle"] = 1
    return options


app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=60 * 60 * 24,
    # A task that runs away is stopped: soft limit raises inside the task, hard limit kills it.
    task_soft_time_limit=120,
    task_time_limit=180,
    # Tasks that declare acks_late are acknowledged after they finish; if the worker is lost
    # mid-task the message is redelivered instead of dropped.
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    broker_transport_options=_transport_options(),
    timezone="UTC",
    # Workers log through Django's LOGGING (JSON lines with the request id in production).
    worker_hijack_root_logger=False,
)
app.autodiscover_tasks()


def _connect_observability() -> None:
    from core.observability import connect_celery as carry_request_ids
    from portal.metrics import connect_celery as count_outcomes

    carry_request_ids()
    count_outcomes()


_connect_observability()
