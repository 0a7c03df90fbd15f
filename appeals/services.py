"""Writes for the governance ledger. Decisions change only here."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.models import User
from appeals.models import Decision


def decision_create(
    *,
    subject_owner: User,
    subject_type: str,
    subject_id: object,
    subject_title: str,
    kind: str,
    summary: str,
    facts: str,
    rule: str,
    evidence: list | None = None,
    automated_detection: bool,
    automated_decision: bool,
    decided_by: User | None = None,
    ends_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> tuple[Decision, bool]:
    """Record a decision with its statement of reasons; the creator is told after commit.

    With a ``dedupe_key`` the call is idempotent: a retry returns the decision already made
    (``created`` False) instead of deciding twice, even when two workers race.
    """
    if dedupe_key:
        existing = Decision.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                subject_owner=subject_owner,
                subject_type=subject_type,
                subject_id=subject_id,
                subject_title=subject_title[:200],
                kind=kind,
                summary=summary,
                facts=facts,
                evidence=evidence or [],
                rule=rule,
                automated_detection=automated_detection,
                automated_decision=automated_decision,
                decided_by=decided_by,
                ends_at=ends_at,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        return Decision.objects.get(dedupe_key=dedupe_key), False

    from appeals.tasks import notify_decision

    decision_id = decision.pk
    transaction.on_commit(lambda: notify_decision.delay(decision_id))
    return decision, True


def decision_notify(*, decision: Decision) -> None:
    from django.urls import reverse

    from accounts.services import user_notify

    user_notify(
        user=decision.subject_owner,
        kind="decision",
        template="appeals/email/decision",
        context={"decision": decision},
        url=reverse("appeals:decision", args=[decision.public_id]),
    )
