"""What the ledger tells creators: in-app and by email, in their language, after commit."""

from __future__ import annotations

from django.urls import reverse
from django.utils.functional import lazy

from accounts.models import Notification
from accounts.services import user_notify
from appeals.models import Appeal, CompensationVoucher, Decision
from appeals.redress import further_redress_text
from core.tasks import enqueue_on_commit


def decision_notify_on_commit(*, decision: Decision, template: str = "appeals/email/decision") -> None:
    enqueue_on_commit("appeals.tasks.notify_decision", decision.pk, template)


def appeal_notify_on_commit(
    *, user_id: int, kind: str, template: str, appeal_id: int, voucher_id: int | None = None
) -> None:
    enqueue_on_commit("appeals.tasks.notify_appeal", user_id, kind, template, appeal_id, voucher_id)


def decision_notify(*, decision: Decision, template: str = "appeals/email/decision") -> None:
    voucher = CompensationVoucher.objects.filter(decision=decision).first()
    user_notify(
        user=decision.subject_owner,
        kind="decision_reversed" if template.endswith("decision_reversed") else "decision",
        template=template,
        context={"decision": decision, "voucher": voucher},
        url=reverse("appeals:decision", args=[decision.public_id]),
        params={
            "decision": str(decision.public_id),
            "kind": decision.kind,
            "title": decision.subject_title,
            # Reversed before this (queued) notice was sent: it offers no appeal either.
            "reversed": decision.state == Decision.State.REVERSED,
        },
    )


def decision_notifications_mark_reversed(decision: Decision) -> None:
    """The creator's earlier "decision" notifications stop offering an appeal once it is reversed.

    Marked when the decision changes (a handful of rows, in the reversing transaction), so reading
    the notification centre needs no look-up per row.
    """
    earlier = Notification.objects.filter(
        recipient_id=decision.subject_owner_id, kind="decision", params__decision=str(decision.public_id)
    )
    for notification in earlier:
        notification.params = {**notification.params, "reversed": True}
        notification.save(update_fields=["params"])


def appeal_notify(*, user_id: int, kind: str, template: str, appeal_id: int, voucher_id: int | None) -> None:
    appeal = Appeal.objects.select_related("decision", "appellant").filter(pk=appeal_id).first()
    if appeal is None or appeal.appellant_id != user_id:
        return
    voucher = CompensationVoucher.objects.filter(pk=voucher_id).first() if voucher_id else None
    user_notify(
        user=appeal.appellant,
        kind=kind,
        template=template,
        context={
            "appeal": appeal,
            "decision": appeal.decision,
            "voucher": voucher,
            # Lazy: rendered inside the creator's language, not the worker's.
            "redress_text": lazy(further_redress_text, str)(),
        },
        url=reverse("appeals:appeal", args=[appeal.public_id]),
        params={
            "appeal": str(appeal.public_id),
            "decision": str(appeal.decision.public_id),
            "title": appeal.decision.subject_title,
            "outcome": appeal.state,
            "voucher": str(voucher.public_id) if voucher is not None else None,
            "impressions": voucher.impressions if voucher is not None else 0,
        },
    )
