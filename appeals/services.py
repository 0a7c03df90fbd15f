"""Writes for the governance ledger. Decisions change only here."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import User
from appeals import effects, evidence
from appeals.evidence import MAX_EVIDENCE_FILES
from appeals.models import Appeal, AppealEvent, AppealEvidence, CompensationVoucher, Decision


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


# --- Appeals ---------------------------------------------------------------------


def _notify_after_commit(
    user_id: int, kind: str, template: str, appeal_id: int, voucher_id: int | None = None
) -> None:
    from appeals.tasks import notify_appeal

    transaction.on_commit(lambda: notify_appeal.delay(user_id, kind, template, appeal_id, voucher_id))


def further_redress_text() -> str:
    """What an upheld appeal tells the creator about redress beyond the platform (DSA Art. 21)."""
    return settings.SUNLIGHT_REDRESS_TEXT or _(
        "If you disagree, you may refer the dispute to a certified out-of-court dispute settlement body "
        "or to the courts; this appeal does not affect those rights."
    )


def appeal_window_ends(decision: Decision) -> datetime:
    return decision.created_at + timedelta(days=settings.SUNLIGHT_APPEAL_WINDOW_DAYS)


def decision_appealable(decision: Decision, *, now: datetime | None = None) -> str | None:
    """Why this decision cannot be appealed now (a message), or None when it can."""
    now = now or timezone.now()
    if decision.state != Decision.State.IN_FORCE:
        return _("This decision is no longer in force, so there is nothing to appeal.")
    if now > appeal_window_ends(decision):
        return _("The appeal window for this decision closed on %(date)s.") % {
            "date": date_format(timezone.localtime(appeal_window_ends(decision)), "DATE_FORMAT")
        }
    if decision.appeals.filter(state__in=Appeal.OPEN_STATES).exists():
        return _("This decision already has an open appeal.")
    return None


def _store_evidence(appeal: Appeal, files: list[tuple[str, bytes]], written: list[tuple[object, str]]) -> int:
    existing = appeal.evidence.count()
    if existing + len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(
            _("An appeal has at most %(n)s evidence files.") % {"n": MAX_EVIDENCE_FILES},
            code="too_many_files",
            field="evidence",
        )
    for name, data in files:
        try:
            checked = evidence.check(data)
        except evidence.EvidenceRejected as exc:
            raise DomainError(
                f"{name}: {evidence_message(exc.code)}", code=f"evidence_{exc.code}", field="evidence"
            ) from exc
        item = AppealEvidence(
            appeal=appeal,
            original_name=(name or "evidence")[:200],
            content_type=checked.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        item.file.save("evidence", ContentFile(data), save=False)
        written.append((item.file.storage, item.file.name))
        item.save()
    return len(files)


def evidence_message(code: str) -> str:
    if code == "empty":
        return _("The file is empty.")
    if code == "too_large":
        return _("The file is larger than %(max_mb)s MB.") % {
            "max_mb": evidence.MAX_EVIDENCE_BYTES // (1024 * 1024)
        }
    if code == "corrupt":
        return _("The file is damaged and cannot be opened.")
    return _("Only images (JPEG, PNG, WebP) and PDF documents can be attached.")


def _with_file_cleanup(work):  # noqa: ANN001, ANN202
    """Run ``work(written)``; if it fails, delete every file it wrote. No orphan files."""
    written: list[tuple[object, str]] = []
    try:
        return work(written)
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def appeal_file(
    *, decision: Decision, appellant: User, reason: str, files: list[tuple[str, bytes]] | None = None
) -> Appeal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell us why you think the decision is wrong.")})
    if len(reason) > 5000:
        raise ValidationError({"reason": _("At most 5000 characters.")})
    files = files or []
    if len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(
            _("An appeal has at most %(n)s evidence files.") % {"n": MAX_EVIDENCE_FILES},
            code="too_many_files",
            field="evidence",
        )

    def work(written: list) -> Appeal:
        with transaction.atomic():
            locked = Decision.objects.select_for_update().get(pk=decision.pk)
            if locked.subject_owner_id != appellant.pk:
                raise DomainError(_("Not found."), code="not_found", status=404)
            problem = decision_appealable(locked)
            if problem:
                raise DomainError(problem, code="not_appealable", status=409)
            now = timezone.now()
            try:
                with transaction.atomic():
                    appeal = Appeal.objects.create(
                        decision=locked,
                        appellant=appellant,
                        reason=reason,
                        submitted_at=now,
                        due_at=now + timedelta(days=settings.SUNLIGHT_APPEAL_SLA_DAYS),
                    )
            except IntegrityError as exc:  # a concurrent second filing lost the race
                raise DomainError(
                    _("This decision already has an open appeal."), code="not_appealable", status=409
                ) from exc
            AppealEvent.objects.create(
                appeal=appeal, kind=AppealEvent.Kind.SUBMITTED, actor=appellant, at=now
            )
            if files:
                _store_evidence(appeal, files, written)
                AppealEvent.objects.create(
                    appeal=appeal,
                    kind=AppealEvent.Kind.EVIDENCE,
                    actor=appellant,
                    at=now,
                    message=", ".join(name for name, _data in files),
                )
            _notify_after_commit(appellant.pk, "appeal_received", "appeals/email/appeal_received", appeal.pk)
            return appeal

    return _with_file_cleanup(work)


def appeal_evidence_add(*, appeal: Appeal, acting_user: User, files: list[tuple[str, bytes]]) -> Appeal:
    def work(written: list) -> Appeal:
        with transaction.atomic():
            locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
            if locked.appellant_id != acting_user.pk:
                raise DomainError(_("Not found."), code="not_found", status=404)
            if not locked.is_open:
                raise DomainError(
                    _("Evidence can only be added while the appeal is open."),
                    code="appeal_closed",
                    status=409,
                )
            _store_evidence(locked, files, written)
            AppealEvent.objects.create(
                appeal=locked,
                kind=AppealEvent.Kind.EVIDENCE,
                actor=acting_user,
                message=", ".join(name for name, _data in files),
            )
            return locked

    return _with_file_cleanup(work)


def appeal_withdraw(*, appeal: Appeal, acting_user: User) -> Appeal:
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.appellant_id != acting_user.pk:
            raise DomainError(_("Not found."), code="not_found", status=404)
        if locked.state == Appeal.State.WITHDRAWN:
            return locked
        if not locked.is_open:
            raise DomainError(
                _("This appeal was already decided and can no longer be withdrawn."),
                code="appeal_closed",
                status=409,
            )
        locked.state = Appeal.State.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["state", "withdrawn_at"])
        AppealEvent.objects.create(appeal=locked, kind=AppealEvent.Kind.WITHDRAWN, actor=acting_user)
    return locked


def _require_staff(user: User | None) -> User:
    # Only a person decides an appeal: there is no automated caller, and none is accepted.
    if user is None or not user.is_authenticated or not user.is_staff or not user.is_active:
        raise PermissionDenied(_("Only staff members can review appeals."))
    return user


def appeal_assign(*, appeal: Appeal, acting_user: User, assignee: User | None = None) -> Appeal:
    acting_user = _require_staff(acting_user)
    assignee = _require_staff(assignee or acting_user)
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if not locked.is_open:
            raise DomainError(_("This appeal is already closed."), code="appeal_closed", status=409)
        if locked.state == Appeal.State.IN_REVIEW and locked.assigned_to_id == assignee.pk:
            return locked
        locked.state = Appeal.State.IN_REVIEW
        locked.assigned_to = assignee
        locked.save(update_fields=["state", "assigned_to"])
        AppealEvent.objects.create(appeal=locked, kind=AppealEvent.Kind.ASSIGNED, actor=acting_user)
    return locked


class Outcome:
    UPHOLD = "upheld"
    OVERTURN = "overturned"
    CHOICES = ((UPHOLD, "upheld"), (OVERTURN, "overturned"))


def voucher_size(decision: Decision, *, reversed_at: datetime) -> int:
    """Compensation scaled by how long the decision was in force (started days count as whole)."""
    seconds = max(0.0, (reversed_at - decision.created_at).total_seconds())
    days = max(1, math.ceil(seconds / 86400))
    size = settings.SUNLIGHT_VOUCHER_BASE_IMPRESSIONS + settings.SUNLIGHT_VOUCHER_IMPRESSIONS_PER_DAY * days
    return min(size, settings.SUNLIGHT_VOUCHER_MAX_IMPRESSIONS)


_REACH_COSTING_KINDS = {
    Decision.Kind.LABEL_CONFIRMED,
    Decision.Kind.LABEL_SUSPECTED,
    Decision.Kind.REDUCED_DISTRIBUTION,
}


def decision_reverse(*, decision: Decision, acting_user: User) -> Decision:
    """Reverse a decision; every effect derived from it follows in the same transaction."""
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.state == Decision.State.REVERSED:
            return locked
        locked.state = Decision.State.REVERSED
        locked.reversed_at = timezone.now()
        locked.save(update_fields=["state", "reversed_at"])
        effects.apply(locked)
    return locked


def appeal_decide(
    *, appeal: Appeal, outcome: str, acting_user: User, reply: str, internal_note: str = ""
) -> Appeal:
    """A staff member decides an appeal, with a written reply to the creator.

    Two staff deciding at once: the row lock serialises them and the second is told the
    appeal was already decided. Overturning reverses the decision and issues the voucher
    exactly once.
    """
    acting_user = _require_staff(acting_user)
    reply = (reply or "").strip()
    if outcome not in (Outcome.UPHOLD, Outcome.OVERTURN):
        raise ValidationError({"outcome": _("Choose whether the decision stands or is overturned.")})
    if not reply:
        raise ValidationError(
            {"reply": _("Write a reply to the creator: every decision on an appeal gives reasons.")}
        )
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
        if locked.state in Appeal.DECIDED_STATES:
            raise DomainError(
                _("This appeal was already decided (%(state)s) by another staff member.")
                % {"state": locked.get_state_display()},
                code="already_decided",
                status=409,
            )
        if locked.state == Appeal.State.WITHDRAWN:
            raise DomainError(_("The creator withdrew this appeal."), code="appeal_closed", status=409)
        now = timezone.now()
        locked.state = outcome
        locked.reply = reply
        locked.decided_at = now
        locked.decided_by = acting_user
        if locked.assigned_to_id is None:
            locked.assigned_to = acting_user
        locked.save(update_fields=["state", "reply", "decided_at", "decided_by", "assigned_to"])
        if internal_note.strip():
            AppealEvent.objects.create(
                appeal=locked,
                kind=AppealEvent.Kind.INTERNAL_NOTE,
                actor=acting_user,
                message=internal_note.strip(),
                internal=True,
                at=now,
            )
        AppealEvent.objects.create(
            appeal=locked,
            kind=AppealEvent.Kind.OVERTURNED if outcome == Outcome.OVERTURN else AppealEvent.Kind.UPHELD,
            actor=acting_user,
            message=reply,
            at=now,
        )
        voucher = None
        if outcome == Outcome.OVERTURN:
            decision = decision_reverse(decision=locked.decision, acting_user=acting_user)
            if decision.kind in _REACH_COSTING_KINDS:
                voucher, created = CompensationVoucher.objects.get_or_create(
                    decision=decision,
                    defaults={
                        "owner": locked.appellant,
                        "appeal": locked,
                        "impressions": voucher_size(decision, reversed_at=decision.reversed_at or now),
                        "issued_at": now,
                        "expires_at": now + timedelta(days=settings.SUNLIGHT_VOUCHER_VALID_DAYS),
                    },
                )
                if created:
                    _notify_after_commit(
                        locked.appellant_id,
                        "voucher_issued",
                        "appeals/email/voucher_issued",
                        locked.pk,
                        voucher.pk,
                    )
                    AppealEvent.objects.create(
                        appeal=locked,
                        kind=AppealEvent.Kind.VOUCHER,
                        actor=acting_user,
                        at=now,
                        message=str(voucher.impressions),
                    )
        _notify_after_commit(
            locked.appellant_id,
            "appeal_decided",
            "appeals/email/appeal_decided",
            locked.pk,
            voucher.pk if voucher is not None else None,
        )
    return locked


def appeal_notify(*, user_id: int, kind: str, template: str, appeal_id: int, voucher_id: int | None) -> None:
    from django.urls import reverse

    from accounts.services import user_notify

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
    )
