from __future__ import annotations

from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Delete expired server-side sessions (browser logins and mobile session tokens)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def transparency_refresh() -> str:
    """Aggregate the transparency report's figures into stored snapshots."""
    from portal.transparency import snapshots_refresh

    return snapshots_refresh().isoformat()


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=5,
    time_limit=1800,
    soft_time_limit=1700,
)
def dsa_statements_submit(self) -> dict:  # noqa: ANN001
    """Write new statements of reasons and submit them to the Transparency Database, if configured.

    Each call is retried in place on transient failures (``SUNLIGHT_DSA['retries']``); when the
    endpoint stays unreachable the task retries later with backoff, and the next scheduled run
    picks up whatever is still pending in any case.
    """
    from portal.statements import statements_collect
    from portal.submission import TransientSubmissionError, configured, statements_submit

    if not configured():
        return {"written": statements_collect(), "skipped": "no endpoint configured"}
    try:
        return statements_submit().as_dict()
    except TransientSubmissionError as exc:
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 1800)) from exc
