from __future__ import annotations

from celery import shared_task

from notes import scanning


# Both are idempotent (see notes.scanning), so a message redelivered after a worker was
# killed mid-task simply completes the work.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def scan_image(image_id: int) -> str | None:
    scan = scanning.image_scan(image_id=image_id)
    note_id = scan.image.note_id if scan is not None else None
    if note_id is not None:
        # A note already published when its image is (re)scanned gets its labels brought up to date.
        scanning.note_provenance_apply(note_id=note_id)
    return scan.tier if scan is not None else None


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def apply_provenance(note_id: int) -> int | None:
    decision = scanning.note_provenance_apply(note_id=note_id)
    return decision.pk if decision is not None else None


@shared_task
def traffic_tick() -> dict[str, int]:
    """Every minute: impressions into daily rows (and boost deliveries), finished boosts stopped,
    weights whose timed factor ended rebuilt."""
    from django.db import transaction

    from notes import impressions, services

    flushed = impressions.impressions_flush()
    finished = services.boosts_finish_due()
    with transaction.atomic():
        refreshed = services.distribution_refresh_due()
    return {"impressions": flushed, "boosts_finished": finished, "weights_refreshed": refreshed}
