from __future__ import annotations

import logging

from celery import shared_task

from core.storage import StorageUnavailable
from notes import impressions, scanning

logger = logging.getLogger(__name__)

# Worth another try later: the disk or the object store failed, not the work.
_TRANSIENT = (OSError, StorageUnavailable)


# Both are idempotent (see notes.scanning), so a message redelivered after a worker was
# killed mid-task simply completes the work.
@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=5)
def scan_image(image_id: int) -> str | None:
    scan = scanning.image_scan(image_id=image_id)
    note_id = scan.image.note_id if scan is not None else None
    if note_id is not None:
        # A note already published when its image is (re)scanned gets its labels brought up to date.
        scanning.note_provenance_apply(note_id=note_id)
    if scan is not None:
        # An upload with Content Credentials gets the platform's on its display copy (through the outbox).
        from notes.services.copies import note_display_credentials_sync_later

        note_display_credentials_sync_later(note=scan.image.note)
    return scan.tier if scan is not None else None


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=5)
def sign_display(image_id: int) -> bool:
    """Sign (again) the display copy of an image that carried Content Credentials, for its label now."""
    from notes.services.copies import image_display_credentials_sync

    return image_display_credentials_sync(image_id=image_id)


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=5)
def scan_video(video_id: int) -> str | None:
    video = scanning.video_scan(video_id=video_id)
    if video is not None:
        # A note already published when its video is (re)scanned gets its labels brought up to date.
        scanning.note_provenance_apply(note_id=video.note_id)
    return video.scan_tier if video is not None else None


# Routed to the media queue (settings.SUNLIGHT_TASK_QUEUES). Idempotent: a redelivered message finds the
# video ready or failed and stops, or finds it half done by a killed worker and does it again.
# The soft limit stops a run that would hold a worker for hours (SoftTimeLimitExceeded ends it as
# failed, with the reason); it is well inside the lease after which another run may take over.
@shared_task(
    acks_late=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=3600,
    time_limit=3900,  # the project-wide hard limit is shorter; this task's own must not be below the soft one
)
def process_video(video_id: int) -> str | None:
    from notes.services.videos import video_process

    video = video_process(video_id=video_id)
    return video.status if video is not None else None


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=5)
def apply_provenance(note_id: int) -> int | None:
    decision = scanning.note_provenance_apply(note_id=note_id)
    return decision.pk if decision is not None else None


@shared_task
def traffic_tick() -> dict[str, int]:
    """Every minute: impressions into daily rows (and boost deliveries), finished boosts stopped,
    weights whose timed factor ended rebuilt."""
    from notes import services

    flushed = impressions.impressions_flush()
    finished = services.boosts_finish_due()
    refreshed = services.distribution_refresh_due()
    return {"impressions": flushed, "boosts_finished": finished, "weights_refreshed": refreshed}


def traffic_tick_if_due() -> None:
    """Without a scheduler (the embedded default), pages that count impressions run the traffic task
    once a minute; a failure is logged and never costs the reader their page."""
    if impressions.tick_due():
        try:
            traffic_tick()
        except Exception:
            logger.exception("traffic tick failed")


@shared_task
def automation_scan() -> dict[str, int]:
    """Every hour: score active accounts for automation; open cases; the clearest rule acts."""
    from notes.services.cases import automation_scan as scan

    return scan()


@shared_task
def videos_resume() -> int:
    """Every ten minutes: videos whose processing was lost or died are sent again (or marked failed)."""
    from notes.services.videos import videos_resume as resume

    return resume()
