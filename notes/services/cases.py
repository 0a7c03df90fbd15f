"""Automation cases: the periodic scan scores active accounts (notes.automation.signals) and opens a
case for staff above the threshold; only the clearest rule acts without a person."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from accounts.models import User
from appeals import measures
from appeals import services as ledger
from appeals.models import Automation, Decision
from core.errors import DomainError
from core.permissions import require_staff_permission
from notes.automation import signals
from notes.models import AutomationCase, Comment, Like, Note


def account_events(account: User, *, since: datetime, until: datetime) -> list[signals.Event]:
    """The account's public actions in the window, as the signals read them (times in UTC)."""
    key = str(account.public_id)
    events = [
        signals.Event(key, "note", n.published_at, n.client, text=f"{n.title}\n{n.body}")
        for n in Note.objects.filter(author=account, published_at__gte=since, published_at__lt=until)
    ]
    for c in Comment.objects.filter(
        author=account, created_at__gte=since, created_at__lt=until
    ).select_related("note"):
        others = c.note.author_id != account.pk
        events.append(
            signals.Event(
                key,
                "comment",
                c.created_at,
                c.client,
                text=c.body,
                target=str(c.note.public_id),
                target_at=c.note.published_at if others else None,
            )
        )
    for like in Like.objects.filter(user=account, created_at__gte=since, created_at__lt=until).select_related(
        "note"
    ):
        others = like.note.author_id != account.pk
        events.append(
            signals.Event(
                key,
                "like",
                like.created_at,
                like.client,
                target=str(like.note.public_id),
                target_at=like.note.published_at if others else None,
            )
        )
    return events


def automation_scan(*, now: datetime | None = None) -> dict[str, int]:
    """Score every non-staff account active in the window; open or refresh cases; let the clearest
    rule act where settings allow. Returns counts for the task's log."""
    now = now or timezone.now()
    conf = settings.SUNLIGHT_AUTOMATION
    since = now - timedelta(hours=conf["WINDOW_HOURS"])
    active = (
        set(Note.objects.filter(published_at__gte=since).values_list("author_id", flat=True))
        | set(Comment.objects.filter(created_at__gte=since).values_list("author_id", flat=True))
        | set(Like.objects.filter(created_at__gte=since).values_list("user_id", flat=True))
    )
    counts = {"scored": 0, "cases": 0, "acted": 0}
    for account in User.objects.filter(pk__in=active, is_staff=False, is_active=True):
        if any(m.kind in measures.BLOCKS_POSTING for m in measures.in_force(account.pk, now=now)):
            continue  # it cannot act now; what it did before is decided already
        # Activity a decided case already judged is never judged again: only what came after it.
        decided = (
            AutomationCase.objects.filter(account=account)
            .exclude(state=AutomationCase.State.OPEN)
            .order_by("-window_end")
            .values_list("window_end", flat=True)
            .first()
        )
        start = max(since, decided) if decided else since
        result = signals.score(str(account.public_id), account_events(account, since=start, until=now), conf)
        counts["scored"] += 1
        if not result.case:
            continue
        case = _case_open_or_refresh(account, result, since=start, until=now)
        counts["cases"] += 1
        if result.clearest and conf["CLEAREST_RULE_ACTS"] and case.state == AutomationCase.State.OPEN:
            _clearest_rule(case, result)
            counts["acted"] += 1
    return counts


def case_open_for(account: User, *, now: datetime | None = None) -> AutomationCase:
    """Open (or refresh) a case for one account whatever its score — when reports say it may be run by a
    machine — so staff see its signals and recent activity in the queue."""
    if account.is_staff:
        raise DomainError(
            _("Staff accounts are not put in the automation queue."), code="subject_is_staff", status=409
        )
    now = now or timezone.now()
    since = now - timedelta(hours=settings.SUNLIGHT_AUTOMATION["WINDOW_HOURS"])
    result = signals.score(
        str(account.public_id), account_events(account, since=since, until=now), settings.SUNLIGHT_AUTOMATION
    )
    return _case_open_or_refresh(account, result, since=since, until=now)


def _case_open_or_refresh(
    account: User, result: signals.Result, *, since: datetime, until: datetime
) -> AutomationCase:
    fields = {
        "score": result.score,
        "clearest": result.clearest,
        "signals": [s.as_dict() for s in result.signals],
        "window_start": since,
        "window_end": until,
    }
    with transaction.atomic():
        case = (
            AutomationCase.objects.select_for_update()
            .filter(account=account, state=AutomationCase.State.OPEN)
            .first()
        )
        if case is not None:
            AutomationCase.objects.filter(pk=case.pk).update(**fields)
            case.refresh_from_db()
            return case
        try:
            with transaction.atomic():
                return AutomationCase.objects.create(account=account, **fields)
        except IntegrityError:  # another scan opened it meanwhile
            return AutomationCase.objects.get(account=account, state=AutomationCase.State.OPEN)


# The signals' names in the creator's language (the pure module stays in English, for logs and the command).
SIGNAL_LABELS = {
    "regularity": gettext_lazy("Actions evenly spaced in time"),
    "spread_over_day": gettext_lazy("Activity spread over every hour of the day"),
    "reaction_latency": gettext_lazy("Seconds between others' notes and the reaction"),
    "near_duplicate_texts": gettext_lazy("Share of texts that repeat each other"),
    "bursts": gettext_lazy("Most actions within one minute"),
    "api_share": gettext_lazy("Share of actions sent by a script"),
}


def signal_facts(signals_: list[dict]) -> str:
    """The fired signals as lines a person can read, in the active language."""
    return "\n".join(
        _("%(signal)s: %(value)s (threshold %(threshold)s)")
        % {
            "signal": SIGNAL_LABELS.get(s["name"], s["name"]),
            "value": s["value"],
            "threshold": s["threshold"],
        }
        for s in signals_
        if s.get("fired")
    )


def _signal_facts(case: AutomationCase) -> str:
    return signal_facts(case.signals)


def _clearest_rule(case: AutomationCase, result: signals.Result) -> None:
    with transaction.atomic():
        # Staff may be deciding the same case this very moment: the lock lets one of them act.
        case = AutomationCase.objects.select_for_update().select_related("account").get(pk=case.pk)
        if case.state != AutomationCase.State.OPEN:
            return
        _clearest_rule_locked(case, result)


def _clearest_rule_locked(case: AutomationCase, result: signals.Result) -> None:
    account = case.account
    with override(account.language or None):
        statement = ledger.Statement(
            summary=_("Every public action of this account in the last %(hours)s hours was machine-driven.")
            % {"hours": settings.SUNLIGHT_AUTOMATION["WINDOW_HOURS"]},
            facts=_("All automation signals fired:") + "\n" + _signal_facts(case),
            rule_code=Decision.RuleCode.AI_MANAGED_ACCOUNT,
            content_type=Decision.ContentType.ACCOUNT,
            automated_detection=Automation.FULLY,
            automated_decision=Automation.FULLY,
            evidence=[s.as_dict() for s in result.signals],
        )
    try:
        decision = ledger.account_measure(
            account=account,
            statement=statement,
            clearest_rule=True,
            dedupe_key=f"clearest-rule:{case.pk}",
        )
    except DomainError:
        return  # e.g. became staff meanwhile: the case stays open for a person
    AutomationCase.objects.filter(pk=case.pk).update(
        state=AutomationCase.State.ACTED, decision=decision, decided_at=timezone.now()
    )


def _require_reviewer(user: User) -> None:
    require_staff_permission(user, "appeals.decide", _("You are not allowed to decide automation cases."))


def case_escalate(
    *, case: AutomationCase, acting_user: User, statement: ledger.Statement, kind: str | None = None
) -> Decision:
    """A person escalates a case to a measure (the next rung unless they name one)."""
    _require_reviewer(acting_user)
    with transaction.atomic():
        case = AutomationCase.objects.select_for_update().get(pk=case.pk)
        if case.state != AutomationCase.State.OPEN:
            raise DomainError(_("This case has been decided already."), code="case_decided", status=409)
        decision = ledger.account_measure(
            account=case.account,
            acting_user=acting_user,
            statement=statement,
            kind=kind,
            dedupe_key=f"case:{case.pk}",
        )
        AutomationCase.objects.filter(pk=case.pk).update(
            state=AutomationCase.State.ESCALATED,
            decision=decision,
            decided_by=acting_user,
            decided_at=timezone.now(),
        )
    return decision


def case_dismiss(*, case: AutomationCase, acting_user: User, note: str) -> AutomationCase:
    """A person dismisses a case, saying why (kept for staff)."""
    _require_reviewer(acting_user)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the case is dismissed.")})
    with transaction.atomic():
        case = AutomationCase.objects.select_for_update().get(pk=case.pk)
        if case.state != AutomationCase.State.OPEN:
            raise DomainError(_("This case has been decided already."), code="case_decided", status=409)
        case.state = AutomationCase.State.DISMISSED
        case.staff_note = note
        case.decided_by = acting_user
        case.decided_at = timezone.now()
        case.save(update_fields=["state", "staff_note", "decided_by", "decided_at"])
    return case
