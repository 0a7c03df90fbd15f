from __future__ import annotations

import logging

from celery import shared_task

from accounts import services

logger = logging.getLogger(__name__)


# Not acks_late: sending mail twice is worse than a rare lost message on a worker crash.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_email(payload: dict) -> None:
    services.email_deliver(payload=payload)
    # The request id on this line joins it to the request that asked for the mail (never the address).
    logger.info("mail delivered: %s", payload.get("subject", "")[:80])


@shared_task(acks_late=True)
def purge_stale_signups() -> int:
    return services.user_purge_stale_signups()
