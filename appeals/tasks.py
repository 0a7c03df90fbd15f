from __future__ import annotations

from celery import shared_task

from appeals import notifications, services
from appeals.models import Decision


# Not acks_late: a notification sent twice is worse than one lost to a worker crash.
@shared_task
def notify_decision(decision_id: int, template: str = "appeals/email/decision") -> None:
    decision = Decision.objects.select_related("subject_owner").filter(pk=decision_id).first()
    if decision is not None:
        notifications.decision_notify(decision=decision, template=template)


@shared_task
def notify_appeal(
    user_id: int, kind: str, template: str, appeal_id: int, voucher_id: int | None = None
) -> None:
    notifications.appeal_notify(
        user_id=user_id, kind=kind, template=template, appeal_id=appeal_id, voucher_id=voucher_id
    )


# Idempotent: each decision is expired by a conditional state change, so a rerun finds nothing.
@shared_task(acks_late=True)
def expire_decisions() -> int:
    return services.decisions_expire_due()
