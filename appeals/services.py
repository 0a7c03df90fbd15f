"""Writes for the governance ledger. Decisions and appeals change only here.

A decision is made (``decision_create``), reversed (``decision_reverse``, or an overturned appeal
in ``appeal_decide``) and expired (``decision_expire``) here alone; each change writes its
``DecisionEvent`` and calls ``effects.decision_changed`` in the same transaction.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from appeals import effects, evidence, measures, notifications
from appeals.evidence import MAX_EVIDENCE_FILES
from appeals.models import (
    APPEAL_REASON_MAX,
    STATEMENT_MAX,
    SUBJECT_TITLE_MAX,
    Appeal,
    AppealEvent,
    AppealEvidence,
    Automation,
    CompensationVoucher,
    Decision,
    DecisionEvent,
)
from core.errors import DomainError
from core.files import WrittenFiles, deleted_on_failure
from core.permissions import require_staff_permission
from core.uploads import UploadRejected, check_declared_size, rejection_error


@dataclass(frozen=True)
class Statement:
    """A decision's statement of reasons, captured when it is made (the ledger cannot look it up later)."""

    summary: str
    facts: str
    rule_code: str
    rule: str = ""
    ground: str = Decision.Ground.INCOMPATIBLE
    content_type: str = Decision.ContentType.SYNTHETIC_MEDIA
    source: str = Decision.Source.OWN_INITIATIVE
    automated_detection: str = Automation.NOT_AUTOMATED
    automated_decision: str = Automation.NOT_AUTOMATED
    territorial_scope: tuple[str, ...] = ()
    evidence: list = field(default_factory=list)


_require_permission = require_staff_permission


def _clean_statement(statement: Statement) -> dict:
    errors: dict[str, str] = {}
    summary, facts = statement.summary.strip(), statement.facts.strip()
    if not summary:
        errors["summary"] = _("Say what was decided: every decision gives reasons.")
    if not facts:
        errors["facts"] = _("Give the facts and evidence the decision rests on.")
    for name, value in (("summary", summary), ("facts", facts)):
        if len(value) > STATEMENT_MAX:
            errors[name] = _("At most %(n)s characters.") % {"n": STATEMENT_MAX}
    choices = {
        "rule_code": Decision.RuleCode.values,
        "ground": Decision.Ground.values,
        "content_type": Decision.ContentType.values,
        "source": Decision.Source.values,
        "automated_detection": Automation.values,
        "automated_decision": Automation.values,
    }
    for name, allowed in choices.items():
        if getattr(statement, name) not in allowed:
            errors[name] = _("Choose one of the listed values.")
    scope = [code.strip().upper() for code in statement.territorial_scope if code.strip()] or list(
        settings.SUNLIGHT_TERRITORIAL_SCOPE
    )
    if any(code != "*" and not (len(code) == 2 and code.isalpha()) for code in scope):
        errors["territorial_scope"] = _("Use two-letter country codes, or * for everywhere.")
    if statement.rule_code == Decision.RuleCode.OTHER and not statement.rule.strip():
        errors["rule"] = _("Name the guideline the decision applies.")
    if errors:
        raise ValidationError(errors)
    return {
        "summary": summary,
        "facts": facts,
        "rule": statement.rule.strip()[:200],
        "rule_code": statement.rule_code,
        "ground": statement.ground,
        "content_type": statement.content_type,
        "source": statement.source,
        "automated_detection": statement.automated_detection,
        "automated_decision": statement.automated_decision,
        "territorial_scope": scope,
        "evidence": statement.evidence or [],
    }


def decision_create(
    *,
    subject_owner: User,
    subject_type: str,
    subject_id: object,
    subject_title: str,
    kind: str,
    statement: Statement,
    decided_by: User | None = None,
    ends_at: datetime | None = None,
    dedupe_key: str | None = None,
    internal_note: str = "",
) -> tuple[Decision, bool]:
    """Record a decision with its statement of reasons; its effects follow in the same transaction
    (``effects.decision_changed``), its audit row too, and the creator is told after commit.

    A fully automated decision has no ``decided_by``; any other needs a staff member allowed to
    decide. The pipeline never decides about a staff account. With a ``dedupe_key`` the call is
    idempotent: a retry returns the decision already made (``created`` False), even when two
    workers race.
    """
    fields = _clean_statement(statement)
    if not fields["rule"]:
        # The statement is a letter to the creator: the guideline is quoted in their language.
        with translation.override(subject_owner.language or settings.LANGUAGE_CODE):
            fields["rule"] = str(Decision.RuleCode(fields["rule_code"]).label)
    if kind not in Decision.Kind.values or subject_type not in Decision.SubjectType.values:
        raise ValidationError({"kind": _("Choose one of the listed values.")})
    automated = fields["automated_decision"] == Automation.FULLY
    if automated:
        if decided_by is not None:
            raise ValidationError(
                {"automated_decision": _("A person took part: the decision is not fully automated.")}
            )
        if subject_owner.is_staff:
            raise DomainError(
                _("Automated decisions are not made about staff accounts; a person must review this."),
                code="subject_is_staff",
                status=409,
            )
    else:
        decided_by = _require_permission(
            decided_by, "appeals.decide", _("You are not allowed to make decisions.")
        )
    now = timezone.now()
    if ends_at is not None and ends_at <= now:
        raise ValidationError({"ends_at": _("The end of a timed decision must be in the future.")})
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
                subject_title=subject_title[:SUBJECT_TITLE_MAX],
                kind=kind,
                decided_by=decided_by,
                created_at=now,
                ends_at=ends_at,
                dedupe_key=dedupe_key,
                **fields,
            )
            DecisionEvent.objects.create(
                decision=decision,
                kind=DecisionEvent.Kind.CREATED,
                actor=decided_by,
                reason=fields["summary"],
                internal_note=internal_note.strip(),
                at=now,
            )
            effects.decision_changed(decision)
            notifications.decision_notify_on_commit(decision=decision)
    except IntegrityError:
        if not dedupe_key:
            raise
        return Decision.objects.get(dedupe_key=dedupe_key), False
    return decision, True


def account_measure(
    *,
    account: User,
    statement: Statement,
    acting_user: User | None = None,
    kind: str | None = None,
    clearest_rule: bool = False,
    dedupe_key: str | None = None,
    internal_note: str = "",
) -> Decision:
    """Take a measure against an account: the next rung of the ladder unless staff name one.

    ``acting_user`` None is the pipeline (the clearest rule only): a fully automated decision, never
    about a staff account. Timed measures end on their own (``appeals.measures.duration``); the
    effects — reach, posting, visibility, sessions — follow from the decision while it is in force.
    """
    if acting_user is None and not clearest_rule:
        raise DomainError(_("Only the clearest rule acts without a person."), code="needs_person", status=409)
    if acting_user is not None and account.pk == acting_user.pk:
        raise DomainError(
            _("You cannot take a measure against your own account."), code="own_account", status=409
        )
    with transaction.atomic():
        # One measure at a time per account: the next rung is read and taken under the account's lock,
        # so two staff members (or a scan and a person) at once climb one rung each, in order.
        User.objects.select_for_update().get(pk=account.pk)
        banned = [m for m in measures.in_force(account.pk) if m.kind == Decision.Kind.BAN]
        if banned:
            return banned[0]  # a ban in force is the last rung: nothing is added to it
        if kind is None:
            kind = measures.next_measure(account.pk, clearest_rule=clearest_rule)
        if kind not in measures.LADDER:
            raise ValidationError({"kind": _("Choose one of the listed measures.")})
        if (
            kind in (Decision.Kind.SUSPENSION, Decision.Kind.BAN)
            and not clearest_rule
            and not measures.warned(account.pk)
        ):
            raise DomainError(
                _("Warn the account first: no suspension or ban without a warning on record."),
                code="warning_first",
                status=409,
            )
        length = measures.duration(kind)
        decision, _created = decision_create(
            subject_owner=account,
            subject_type=Decision.SubjectType.ACCOUNT,
            subject_id=account.public_id,
            subject_title=str(account.public_name),
            kind=kind,
            statement=statement,
            decided_by=acting_user,
            ends_at=timezone.now() + length if length else None,
            dedupe_key=dedupe_key,
            internal_note=internal_note,
        )
    return decision


_REACH_COSTING_KINDS = {
    Decision.Kind.LABEL_CONFIRMED,
    Decision.Kind.LABEL_SUSPECTED,
    Decision.Kind.REDUCED_DISTRIBUTION,
    Decision.Kind.REMOVAL,
    Decision.Kind.BONUS_WITHDRAWN,
    # Account measures cost every note of the account its reach (or its audience).
    Decision.Kind.ACCOUNT_MEASURE,
    Decision.Kind.POSTING_RESTRICTED,
    Decision.Kind.SUSPENSION,
    Decision.Kind.BAN,
}


def voucher_size(decision: Decision, *, reversed_at: datetime) -> int:
    """Compensation scaled by how long the decision was in force (started days count as whole):
    until it was reversed, or until it ended on its own if that came first."""
    ended = min(t for t in (reversed_at, decision.expired_at, decision.ends_at) if t is not None)
    seconds = max(0.0, (ended - decision.created_at).total_seconds())
    days = max(1, math.ceil(seconds / 86400))
    size = settings.SUNLIGHT_VOUCHER_BASE_IMPRESSIONS + settings.SUNLIGHT_VOUCHER_IMPRESSIONS_PER_DAY * days
    return min(size, settings.SUNLIGHT_VOUCHER_MAX_IMPRESSIONS)


def _compensate(
    decision: Decision, *, appeal: Appeal | None, now: datetime
) -> tuple[CompensationVoucher | None, bool]:
    """One voucher per reversed decision that had cost the creator reach (a unique constraint)."""
    if decision.kind not in _REACH_COSTING_KINDS:
        return None, False
    return CompensationVoucher.objects.get_or_create(
        decision=decision,
        defaults={
            "owner_id": decision.subject_owner_id,
            "appeal": appeal,
            "impressions": voucher_size(decision, reversed_at=decision.reversed_at or now),
            "issued_at": now,
            "expires_at": now + timedelta(days=settings.SUNLIGHT_VOUCHER_VALID_DAYS),
        },
    )


def _reverse_locked(
    locked: Decision, *, acting_user: User, reason: str, internal_note: str, appeal: Appeal | None
) -> tuple[Decision, CompensationVoucher | None, bool]:
    """Reverse a row-locked decision: state, audit row, effects, voucher.

    Returns (decision, the voucher issued now or None, whether anything changed). An expired
    decision can still be reversed: it was wrong while it was in force, and that is compensated.
    """
    if locked.state == Decision.State.REVERSED:
        return locked, None, False
    now = timezone.now()
    locked.state = Decision.State.REVERSED
    locked.reversed_at = now
    locked.save(update_fields=["state", "reversed_at"])
    DecisionEvent.objects.create(
        decision=locked,
        kind=DecisionEvent.Kind.REVERSED,
        actor=acting_user,
        reason=reason,
        internal_note=internal_note,
        appeal=appeal,
        at=now,
    )
    effects.decision_changed(locked)
    notifications.decision_notifications_mark_reversed(locked)
    voucher, created = _compensate(locked, appeal=appeal, now=now)
    return locked, voucher if created else None, True


def decision_reverse(
    *, decision: Decision, acting_user: User, reason: str, internal_note: str = ""
) -> Decision:
    """A staff member corrects a decision on their own initiative, without an appeal.

    Every effect follows in the same transaction, and the creator is compensated as after an
    overturned appeal. Reversing twice is harmless: the second call changes nothing.
    """
    acting_user = _require_permission(
        acting_user, "appeals.decide", _("You are not allowed to reverse decisions.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the decision is reversed: the creator reads it.")})
    if len(reason) > STATEMENT_MAX:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": STATEMENT_MAX}})
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.appeals.filter(state__in=Appeal.OPEN_STATES).exists():
            raise DomainError(
                _("This decision has an open appeal: decide the appeal instead."),
                code="appeal_open",
                status=409,
            )
        locked, _voucher, changed = _reverse_locked(
            locked, acting_user=acting_user, reason=reason, internal_note=internal_note.strip(), appeal=None
        )
        if changed:
            notifications.decision_notify_on_commit(
                decision=locked, template="appeals/email/decision_reversed"
            )
    return locked


def decision_expire(*, decision: Decision, now: datetime | None = None) -> Decision:
    """The system ends a timed decision at ``ends_at``.

    Anything not due, or no longer in force (reversed, expired), is left alone: no audit row.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.state != Decision.State.IN_FORCE or locked.ends_at is None or locked.ends_at > now:
            return locked
        locked.state = Decision.State.EXPIRED
        locked.expired_at = now
        locked.save(update_fields=["state", "expired_at"])
        DecisionEvent.objects.create(
            decision=locked,
            kind=DecisionEvent.Kind.EXPIRED,
            actor=None,
            reason=_("The decision was timed and ended on schedule."),
            at=now,
        )
        effects.decision_changed(locked)
    return locked


def decisions_expire_due(*, now: datetime | None = None) -> int:
    """Expire every timed decision whose end has passed; returns how many were expired now."""
    now = now or timezone.now()
    due = Decision.objects.filter(state=Decision.State.IN_FORCE, ends_at__lte=now).values_list(
        "pk", flat=True
    )
    expired = 0
    for pk in list(due[:1000]):
        decision = decision_expire(decision=Decision(pk=pk), now=now)
        expired += decision.state == Decision.State.EXPIRED and decision.expired_at == now
    return expired


# --- Appeals ---------------------------------------------------------------------


def appeal_window_ends(decision: Decision) -> datetime:
    return decision.created_at + timedelta(days=settings.SUNLIGHT_APPEAL_WINDOW_DAYS)


def decision_appealable(decision: Decision, *, now: datetime | None = None) -> str | None:
    """Why this decision cannot be appealed now (a message), or None when it can."""
    now = now or timezone.now()
    if decision.state != Decision.State.IN_FORCE or (
        decision.ends_at is not None and decision.ends_at <= now
    ):
        return _("This decision is no longer in force, so there is nothing to appeal.")
    if now > appeal_window_ends(decision):
        return _("The appeal window for this decision closed on %(date)s.") % {
            "date": date_format(timezone.localtime(appeal_window_ends(decision)), "DATE_FORMAT")
        }
    if decision.appeals.filter(state__in=Appeal.OPEN_STATES).exists():
        return _("This decision already has an open appeal.")
    return None


def _store_evidence(appeal: Appeal, files: list[tuple[str, bytes]], written: WrittenFiles) -> int:
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
        except UploadRejected as exc:
            raise rejection_error(exc, prefix="evidence", field="evidence", name=name) from exc
        item = AppealEvidence(
            appeal=appeal,
            original_name=(name or "evidence")[:200],
            content_type=checked.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        item.file.save("evidence", ContentFile(data), save=False)
        written.add(item.file)
        item.save()
    return len(files)


def evidence_check_size(*, size: int, name: str, field: str = "evidence") -> None:
    """Refuse an oversized evidence file from its declared size, before reading it (413)."""
    check_declared_size(
        size=size, max_bytes=evidence.MAX_EVIDENCE_BYTES, prefix="evidence", field=field, name=name
    )


def appeal_file(
    *, decision: Decision, appellant: User, reason: str, files: list[tuple[str, bytes]] | None = None
) -> Appeal:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell us why you think the decision is wrong.")})
    if len(reason) > APPEAL_REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": APPEAL_REASON_MAX}})
    files = files or []
    if len(files) > MAX_EVIDENCE_FILES:
        raise DomainError(
            _("An appeal has at most %(n)s evidence files.") % {"n": MAX_EVIDENCE_FILES},
            code="too_many_files",
            field="evidence",
        )

    with deleted_on_failure() as written, transaction.atomic():
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
        AppealEvent.objects.create(appeal=appeal, kind=AppealEvent.Kind.SUBMITTED, actor=appellant, at=now)
        if files:
            _store_evidence(appeal, files, written)
            AppealEvent.objects.create(
                appeal=appeal,
                kind=AppealEvent.Kind.EVIDENCE,
                actor=appellant,
                at=now,
                message=", ".join(name for name, _data in files),
            )
        notifications.appeal_notify_on_commit(
            user_id=appellant.pk,
            kind="appeal_received",
            template="appeals/email/appeal_received",
            appeal_id=appeal.pk,
        )
    return appeal


def appeal_evidence_add(*, appeal: Appeal, acting_user: User, files: list[tuple[str, bytes]]) -> Appeal:
    with deleted_on_failure() as written, transaction.atomic():
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


def _require_reviewer(user: User | None) -> User:
    # Only a person decides an appeal, and only one allowed to: there is no automated caller.
    return _require_permission(user, "appeals.decide_appeal", _("You are not allowed to review appeals."))


def appeal_assign(*, appeal: Appeal, acting_user: User, assignee: User | None = None) -> Appeal:
    acting_user = _require_reviewer(acting_user)
    assignee = _require_reviewer(assignee or acting_user)
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


def appeal_decide(
    *, appeal: Appeal, outcome: str, acting_user: User, reply: str, internal_note: str = ""
) -> Appeal:
    """A staff member decides an appeal, with a written reply to the creator.

    Two staff deciding at once: the row lock serialises them and the second is told the
    appeal was already decided. Overturning reverses the decision and issues the voucher
    exactly once.
    """
    acting_user = _require_reviewer(acting_user)
    reply = (reply or "").strip()
    if outcome not in (Outcome.UPHOLD, Outcome.OVERTURN):
        raise ValidationError({"outcome": _("Choose whether the decision stands or is overturned.")})
    if not reply:
        raise ValidationError(
            {"reply": _("Write a reply to the creator: every decision on an appeal gives reasons.")}
        )
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
        if locked.state == outcome and locked.decided_by_id == acting_user.pk:
            return locked  # the same staff member's second click: already done, nothing more
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
            decision = Decision.objects.select_for_update().get(pk=locked.decision_id)
            _decision, voucher, _changed = _reverse_locked(
                decision, acting_user=acting_user, reason=reply, internal_note="", appeal=locked
            )
            if voucher is not None:
                # One event, one notification: the voucher is told in "appeal decided" below.
                AppealEvent.objects.create(
                    appeal=locked,
                    kind=AppealEvent.Kind.VOUCHER,
                    actor=acting_user,
                    at=now,
                    message=str(voucher.impressions),
                )
        notifications.appeal_notify_on_commit(
            user_id=locked.appellant_id,
            kind="appeal_decided",
            template="appeals/email/appeal_decided",
            appeal_id=locked.pk,
            voucher_id=voucher.pk if voucher is not None else None,
        )
    return locked
