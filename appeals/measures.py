"""Gradient measures against accounts: the ladder, escalation, decay (README "Account measures").

A measure is a ``Decision`` about an account. The next measure for an account follows from the
measures it already had (reversed ones never count):

* the ladder: warning → reduced distribution → posting restricted → suspended → banned;
* escalation: a new violation takes the account one rung above the highest it reached;
* decay: every full ``DECAY_DAYS`` without a measure lowers that rung by one, and after
  ``REPEAT_WINDOW_DAYS`` without one the account starts again from a warning;
* a prior warning: no suspension or ban without a warning first, except by the clearest rule.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from appeals.models import Decision

K = Decision.Kind
LADDER = (K.ACCOUNT_WARNING, K.ACCOUNT_MEASURE, K.POSTING_RESTRICTED, K.SUSPENSION, K.BAN)
# What an account may not do while a measure of each kind is in force.
BLOCKS_POSTING = frozenset({K.POSTING_RESTRICTED, K.SUSPENSION, K.BAN})
HIDES_CONTENT = frozenset({K.SUSPENSION, K.BAN})
LIMITS_REACH = frozenset({K.ACCOUNT_MEASURE})


def conf() -> dict:
    return settings.SUNLIGHT_MEASURES


def duration(kind: str) -> timedelta | None:
    """How long a measure of ``kind`` lasts; None: until reversed (a warning is a record, a ban is final)."""
    days = {
        K.ACCOUNT_MEASURE: conf()["REDUCED_DAYS"],
        K.POSTING_RESTRICTED: conf()["RESTRICTED_DAYS"],
        K.SUSPENSION: conf()["SUSPENSION_DAYS"],
    }.get(kind)
    return timedelta(days=days) if days else None


def history(account_id: int) -> list[Decision]:
    """The account's measures that count (not reversed), oldest first."""
    return list(
        Decision.objects.filter(
            subject_type=Decision.SubjectType.ACCOUNT, subject_owner_id=account_id, kind__in=LADDER
        )
        .exclude(state=Decision.State.REVERSED)
        .order_by("created_at", "pk")
    )


def level(measures: list[Decision], *, now: datetime) -> int:
    """The rung the account stands on now (-1: none), after decay. Clean time counts from the end of
    a measure, not its start (time spent suspended is not good behaviour), and nothing decays while a
    measure other than a warning is still in force."""
    rung, last = -1, None
    for measure in measures:
        if last is not None:
            rung = _decayed(rung, measure.created_at - last)
        rung = max(rung, LADDER.index(measure.kind))
        last = max(last or measure.created_at, _clean_from(measure, now))
    if last is not None:
        rung = _decayed(rung, now - last)
    return rung


def _clean_from(measure: Decision, now: datetime) -> datetime:
    if measure.kind == K.ACCOUNT_WARNING:
        return measure.created_at
    end = measure.expired_at or measure.ends_at
    if end is None:
        return now if measure.state == Decision.State.IN_FORCE else measure.created_at
    return min(end, now)


def warned(account_id: int) -> bool:
    """A warning on record (not reversed): the step before any suspension."""
    return any(m.kind == K.ACCOUNT_WARNING for m in history(account_id))


def _decayed(rung: int, clean: timedelta) -> int:
    if clean >= timedelta(days=conf()["REPEAT_WINDOW_DAYS"]):
        return -1
    return max(-1, rung - int(clean / timedelta(days=conf()["DECAY_DAYS"])))


def next_measure(account_id: int, *, now: datetime | None = None, clearest_rule: bool = False) -> str:
    """The measure a new violation by this account brings.

    The clearest rule (every public action machine-driven by every signal) goes straight to a
    suspension, or to a ban from a suspension; anything else climbs one rung, and never reaches a
    suspension without a warning on record.
    """
    now = now or timezone.now()
    measures = history(account_id)
    rung = level(measures, now=now) + 1
    if clearest_rule:
        rung = max(rung, LADDER.index(K.SUSPENSION))
    kind = LADDER[min(rung, len(LADDER) - 1)]
    warned = any(m.kind == K.ACCOUNT_WARNING for m in measures)
    if kind in (K.SUSPENSION, K.BAN) and not clearest_rule and not warned:
        return K.ACCOUNT_WARNING
    return kind


def in_force(account_id: int, *, now: datetime | None = None) -> list[Decision]:
    """The account's measures in force now, most severe first."""
    measures = Decision.objects.in_force(now).filter(
        subject_type=Decision.SubjectType.ACCOUNT, subject_owner_id=account_id, kind__in=LADDER
    )
    return sorted(measures, key=lambda m: -LADDER.index(m.kind))
