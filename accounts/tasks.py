from __future__ import annotations

from celery import shared_task

from accounts import services


# Not acks_late: sending mail twice is worse than a rare lost message on a worker crash.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_email(payload: dict) -> None:
    services.email_deliver(payload=payload)


@shared_task(acks_late=True)
def purge_stale_signups() -> int:
    return services.user_purge_stale_signups()
