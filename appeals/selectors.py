from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from appeals import measures
from appeals.models import Appeal, AppealEvent, CompensationVoucher, Decision, DecisionEvent


def decision_list_for_user(*, user: User) -> QuerySet[Decision]:
    open_appeals = Appeal.objects.filter(state__in=Appeal.OPEN_STATES)
    return Decision.objects.filter(subject_owner=user).prefetch_related(
        Prefetch("appeals", queryset=open_appeals, to_attr="open_appeals")
    )


def decision_get_for_user(*, user: User, decision_id: object) -> Decision:
    """The one access helper for decisions: a creator sees only decisions about them (else 404)."""
    try:
        return Decision.objects.prefetch_related(
            Prefetch("events", queryset=DecisionEvent.objects.order_by("at", "id"))
        ).get(public_id=decision_id, subject_owner=user)
    except (Decision.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def appeal_list_for_user(*, user: User) -> QuerySet[Appeal]:
    return Appeal.objects.filter(appellant=user).select_related("decision")


def appeal_get_for_user(*, user: User, appeal_id: object) -> Appeal:
    """The one access helper for appeals: a creator sees only their own (else 404)."""
    try:
        return (
            Appeal.objects.select_related("decision", "decided_by")
            .prefetch_related(
                Prefetch(
                    "events", queryset=AppealEvent.objects.filter(internal=False).select_related("actor")
                ),
                "evidence",
                "vouchers",
            )
            .get(public_id=appeal_id, appellant=user)
        )
    except (Appeal.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def voucher_list_for_user(*, user: User) -> QuerySet[CompensationVoucher]:
    # "boost" is the reverse side of notes.Boost.voucher (a redeemed voucher's delivery): named as a
    # relation only, so the wallet shows delivery progress without appeals importing notes.
    return CompensationVoucher.objects.filter(owner=user).select_related("decision", "appeal", "boost__note")


def voucher_balance(*, user: User, now: datetime | None = None) -> int:
    """Impressions the creator can still spend: vouchers neither redeemed nor expired."""
    now = now or timezone.now()
    total = CompensationVoucher.objects.filter(
        owner=user, redeemed_at__isnull=True, expires_at__gt=now
    ).aggregate(total=Sum("impressions"))["total"]
    return total or 0


def appeal_overdue_count() -> int:
    return Appeal.objects.filter(state__in=Appeal.OPEN_STATES, due_at__lt=timezone.now()).count()


def account_standing(*, user: User, now: datetime | None = None) -> dict:
    """ "My standing": measures in force with their end, the account's measure history, where it
    stands on the ladder and what another violation would bring."""
    now = now or timezone.now()
    history = list(
        Decision.objects.filter(
            subject_type=Decision.SubjectType.ACCOUNT, subject_owner=user, kind__in=measures.LADDER
        )
        .prefetch_related(Prefetch("appeals", queryset=Appeal.objects.order_by("-submitted_at")))
        .order_by("-created_at", "-pk")
    )
    counting = sorted(
        (m for m in history if m.state != Decision.State.REVERSED), key=lambda m: (m.created_at, m.pk)
    )
    rung = measures.level(counting, now=now)
    in_force = [m for m in history if m.is_in_force]
    return {
        "in_force": sorted(in_force, key=lambda m: -measures.LADDER.index(m.kind)),
        "history": history,
        "level": rung,
        "ladder": [
            {
                "kind": kind,
                "label": Decision.Kind(kind).label,
                "reached": index <= rung,
                "current": index == rung,
            }
            for index, kind in enumerate(measures.LADDER)
        ],
        "next": measures.next_measure(user.pk, now=now),
        "good_standing": not [m for m in in_force if m.kind != Decision.Kind.ACCOUNT_WARNING],
    }
