"""Statements of reasons for the EU DSA Transparency Database, written from the decision ledger.

Every decision that restricts something gives a statement when it is made; a reversal gives a
second, new statement (its own ``puid``) reporting that the restriction ended that day, so a
statement already reported is never edited. A warning restricts nothing and has no statement
(Art. 17 DSA is about restrictions; the database has no value for "warned"), nor does a decision
whose territorial scope leaves out the EU/EEA.

The mapping from Sunlight's decisions to the database's values is written once, below. The text is
in English, the database's working language, and carries no personal data: ``scrub`` takes the
creator's email addresses, display name and handle-like mentions out of the recorded facts.
``statements_collect`` writes the statements of new decision events (idempotent: one per event);
``statements_export`` and ``portal.submission`` read them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import User
from appeals.models import Automation, Decision, DecisionEvent
from notes.models import Comment, Note, NoteImage
from portal import dsa
from portal.models import DsaStatement

Kind = Decision.Kind
Rule = Decision.RuleCode

# What each kind of decision restricts: (the statement's decision field, its value).
RESTRICTIONS: dict[str, tuple[str, str]] = {
    Kind.LABEL_CONFIRMED: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_LABELLED"),
    Kind.LABEL_SUSPECTED: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_LABELLED"),
    Kind.REDUCED_DISTRIBUTION: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_DEMOTED"),
    Kind.ACCOUNT_MEASURE: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_DEMOTED"),
    Kind.REMOVAL: ("decision_visibility", "DECISION_VISIBILITY_CONTENT_REMOVED"),
    Kind.BONUS_WITHDRAWN: ("decision_visibility", "DECISION_VISIBILITY_OTHER"),
    Kind.POSTING_RESTRICTED: ("decision_provision", "DECISION_PROVISION_PARTIAL_SUSPENSION"),
    Kind.SUSPENSION: ("decision_account", "DECISION_ACCOUNT_SUSPENDED"),
    Kind.BAN: ("decision_account", "DECISION_ACCOUNT_TERMINATED"),
}
END_DATE_FIELD = {
    "decision_visibility": "end_date_visibility_restriction",
    "decision_provision": "end_date_service_restriction",
    "decision_account": "end_date_account_restriction",
}
VISIBILITY_OTHER = (
    "Withdrawal of the reach bonus the platform gives to declared AI-assisted work of good quality"
)
# What the platform did, in plain words (the start of decision_facts).
WHAT = {
    Kind.LABEL_CONFIRMED: (
        "The platform labelled the content as made with AI (confirmed): readers see the label on the "
        "content, which otherwise stays available."
    ),
    Kind.LABEL_SUSPECTED: (
        "The platform labelled the content as suspected to be made with AI: readers see the label on the "
        "content, which otherwise stays available."
    ),
    Kind.REDUCED_DISTRIBUTION: (
        "The platform reduced the content's distribution in feeds; it stays available at its address, "
        "with its labels."
    ),
    Kind.ACCOUNT_MEASURE: "The platform reduced the distribution in feeds of all content the account posts.",
    Kind.REMOVAL: "The platform removed the content: no one but its author can see it.",
    Kind.BONUS_WITHDRAWN: (
        "The platform withdrew the reach bonus it had given the content as declared AI work of good "
        "quality; the content keeps its normal distribution."
    ),
    Kind.POSTING_RESTRICTED: (
        "The platform restricted the account from posting: it cannot publish, upload, comment or like, "
        "and can still sign in, read and appeal."
    ),
    Kind.SUSPENSION: "The platform suspended the account.",
    Kind.BAN: "The platform terminated the account.",
}
# DSA category per guideline: deception first; every other guideline is a terms-and-conditions matter.
CATEGORY = {
    Rule.AI_FORGERY: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
    Rule.AI_MANAGED_ACCOUNT: "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
}
DEFAULT_CATEGORY = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
KEYWORDS = {Rule.AI_MANAGED_ACCOUNT: ["KEYWORD_INAUTHENTIC_ACCOUNTS"]}
# Guidelines about AI-made content: their statements name synthetic media as a content type.
SYNTHETIC_RULES = {Rule.AI_LABEL_MISSING, Rule.AI_FORGERY, Rule.AI_MANAGED_ACCOUNT, Rule.LOW_QUALITY_AI}
SOURCE = {
    Decision.Source.OWN_INITIATIVE: "SOURCE_VOLUNTARY",
    Decision.Source.USER_REPORT: "SOURCE_ARTICLE_16",
    Decision.Source.TRUSTED_FLAGGER: "SOURCE_TRUSTED_FLAGGER",
}
AUTOMATED_DECISION = {
    Automation.FULLY: "AUTOMATED_DECISION_FULLY",
    Automation.PARTIALLY: "AUTOMATED_DECISION_PARTIALLY",
    Automation.NOT_AUTOMATED: "AUTOMATED_DECISION_NOT_AUTOMATED",
}
AUTOMATED_DETECTION = {Automation.FULLY: "Yes", Automation.PARTIALLY: "Yes", Automation.NOT_AUTOMATED: "No"}
CONTENT_TYPE = {
    Decision.ContentType.SYNTHETIC_MEDIA: "CONTENT_TYPE_SYNTHETIC_MEDIA",
    Decision.ContentType.IMAGE: "CONTENT_TYPE_IMAGE",
    Decision.ContentType.TEXT: "CONTENT_TYPE_TEXT",
    Decision.ContentType.VIDEO: "CONTENT_TYPE_VIDEO",
    Decision.ContentType.ACCOUNT: "CONTENT_TYPE_OTHER",
}
ACCOUNT_CONTENT = "A user account and the content it posts"

# Starts only where a local part can start: tried from every position, a long word took seconds.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION = re.compile(r"(?<![\w@])@[\w.\-]{2,}")


def scrub(text: str, identifiers: Iterable[str]) -> str:
    """``text`` without personal data: any email address, each of ``identifiers`` (names, handles,
    email addresses and their local parts, given by ``people_identifiers``) and @mentions."""
    text = _EMAIL.sub("[email address removed]", text)
    for identifier in sorted({i.strip() for i in identifiers if i and i.strip()}, key=len, reverse=True):
        text = re.sub(re.escape(identifier), "[a person]", text, flags=re.IGNORECASE)
    return _MENTION.sub("[account]", text)


def _long_enough(identifier: str) -> bool:
    """Two characters name a person in Chinese (李明); Latin text needs three to be a name, not a word."""
    identifier = identifier.strip()
    if any(ord(char) > 0x2E7F for char in identifier):  # CJK and other ideographic scripts
        return len(identifier) >= 2
    return len(identifier) >= 3


def people_identifiers(*users: User | None) -> list[str]:
    """Everything about these people (the creator, the staff who acted) that identifies them and may
    appear in recorded text: email addresses and their local parts, display and public names, ids."""
    found: list[str] = []
    for user in users:
        if user is None:
            continue
        emails = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
        public = str(user.public_id)
        found += [
            *emails,
            *(email.split("@", 1)[0] for email in emails),
            user.display_name,
            str(user.public_name),
        ]
        found += [public, public[:8], public.replace("-", "")]
    return [identifier for identifier in found if identifier and _long_enough(identifier)]


def puid_for(decision: Decision, kind: str) -> str:
    """The statement's platform unique identifier: stable, so a retry or a re-export never makes a second."""
    suffix = "" if kind == DsaStatement.Kind.DECISION else "-reversal"
    return f"sunlight-{decision.public_id.hex}{suffix}"


@dataclass(frozen=True)
class Subject:
    """What a statement needs to know about the decision's subject."""

    posted_on: date
    has_images: bool = False


def _subjects(decisions: list[Decision]) -> dict[int, Subject]:
    """Each decision's subject, looked up in three queries for a whole batch."""
    by_type: dict[str, set] = {}
    for decision in decisions:
        by_type.setdefault(decision.subject_type, set()).add(decision.subject_id)
    notes = {
        row["public_id"]: row
        for row in Note.objects.filter(public_id__in=by_type.get(Decision.SubjectType.NOTE, ())).values(
            "id", "public_id", "published_at", "created_at"
        )
    }
    with_images = set(
        NoteImage.objects.filter(note_id__in=[row["id"] for row in notes.values()]).values_list(
            "note_id", flat=True
        )
    )
    comments = dict(
        Comment.objects.filter(public_id__in=by_type.get(Decision.SubjectType.COMMENT, ())).values_list(
            "public_id", "created_at"
        )
    )
    subjects = {}
    for decision in decisions:
        posted: datetime = decision.created_at
        has_images = False
        if decision.subject_type == Decision.SubjectType.NOTE and decision.subject_id in notes:
            row = notes[decision.subject_id]
            posted = row["published_at"] or row["created_at"]
            has_images = row["id"] in with_images
        elif decision.subject_type == Decision.SubjectType.COMMENT and decision.subject_id in comments:
            posted = comments[decision.subject_id]
        elif decision.subject_type == Decision.SubjectType.ACCOUNT:
            posted = decision.subject_owner.date_joined
        subjects[decision.pk] = Subject(
            posted_on=_utc_day(min(posted, decision.created_at)), has_images=has_images
        )
    return subjects


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def territorial_scope(decision: Decision) -> list[str]:
    """The EU/EEA countries the decision applies in (``*`` is everywhere the service is offered)."""
    codes = decision.territorial_scope or ["*"]
    if "*" in codes:
        return list(dsa.EEA_COUNTRY_CODES)
    return sorted(code for code in set(codes) if code in dsa.EEA_COUNTRY_CODES)


def reportable(decision: Decision) -> bool:
    return decision.kind in RESTRICTIONS and bool(territorial_scope(decision))


def _content_types(decision: Decision, subject: Subject) -> tuple[list[str], str | None]:
    types = {CONTENT_TYPE[decision.content_type]}
    if decision.kind in (Kind.LABEL_CONFIRMED, Kind.LABEL_SUSPECTED) or decision.rule_code in SYNTHETIC_RULES:
        types.add("CONTENT_TYPE_SYNTHETIC_MEDIA")
    if decision.subject_type == Decision.SubjectType.NOTE:
        types.add("CONTENT_TYPE_TEXT")
        if subject.has_images:
            types.add("CONTENT_TYPE_IMAGE")
    elif decision.subject_type == Decision.SubjectType.COMMENT:
        types.add("CONTENT_TYPE_TEXT")
    else:
        types.add("CONTENT_TYPE_OTHER")  # the database has no "account" content type
    other = ACCOUNT_CONTENT if "CONTENT_TYPE_OTHER" in types else None
    return sorted(types), other


def _english_rule(decision: Decision) -> str:
    if decision.rule_code and decision.rule_code != Rule.OTHER:
        with translation.override("en"):
            return str(Rule(decision.rule_code).label)
    return decision.rule


def render(
    decision: Decision,
    subject: Subject,
    *,
    identifiers: Iterable[str] = (),
    reversal: DecisionEvent | None = None,
) -> dict:
    """The statement for ``decision`` as made, or, given its ``reversal`` event, the new statement
    reporting the restriction's end. Only fields the decision fixed when it was made are read, so a
    later reversal never changes what the first statement says."""
    identifiers = list(identifiers)
    field, value = RESTRICTIONS[decision.kind]
    applied = _utc_day(decision.created_at)
    rule = scrub(_english_rule(decision), identifiers)
    facts = [WHAT[decision.kind], f"Guideline applied: {rule}."]
    facts.append(f"Facts relied on: {scrub(decision.facts, identifiers)}")
    ends = _utc_day(decision.ends_at) if decision.ends_at else None
    automated = AUTOMATED_DECISION[decision.automated_decision]
    if reversal is not None:
        # The restriction ended at the reversal, or earlier if the decision had already run out.
        ended_at = min(moment for moment in (reversal.at, decision.ends_at, decision.expired_at) if moment)
        ends = max(_utc_day(ended_at), applied)
        how = (
            "after the creator's appeal (internal complaint handling, Art. 20 DSA)"
            if reversal.appeal_id
            else (
                "by the platform's automated re-check" if reversal.actor_id is None else "by a staff review"
            )
        )
        ended = (
            "and its restriction ended that day."
            if ended_at == reversal.at
            else f"after its restriction had already ended on {ends.isoformat()}."
        )
        facts.insert(
            0,
            f"Reversal: the decision reported in statement {puid_for(decision, DsaStatement.Kind.DECISION)} "
            f"was reversed on {_utc_day(reversal.at).isoformat()} {how}, {ended} "
            f"Reason given: {scrub(reversal.reason, identifiers)}",
        )
        automated = (
            "AUTOMATED_DECISION_FULLY" if reversal.actor_id is None else "AUTOMATED_DECISION_NOT_AUTOMATED"
        )
    content_types, content_other = _content_types(decision, subject)
    statement: dict = {
        field: [value] if field == "decision_visibility" else value,
        "decision_ground": (
            "DECISION_GROUND_ILLEGAL_CONTENT"
            if decision.ground == Decision.Ground.ILLEGAL
            else "DECISION_GROUND_INCOMPATIBLE_CONTENT"
        ),
        "decision_ground_reference_url": f"{settings.SUNLIGHT_BASE_URL.rstrip('/')}/guidelines/",
        "content_type": content_types,
        "category": CATEGORY.get(decision.rule_code, DEFAULT_CATEGORY),
        "territorial_scope": territorial_scope(decision),
        "content_date": max(subject.posted_on, dsa.CONTENT_FROM).isoformat(),
        "application_date": applied.isoformat(),
        "decision_facts": " ".join(facts)[:5000],
        "source_type": SOURCE[decision.source],
        "automated_detection": AUTOMATED_DETECTION[decision.automated_detection],
        "automated_decision": automated,
        "puid": puid_for(decision, DsaStatement.Kind.REVERSAL if reversal else DsaStatement.Kind.DECISION),
    }
    if value == "DECISION_VISIBILITY_OTHER":
        statement["decision_visibility_other"] = VISIBILITY_OTHER
    if content_other:
        statement["content_type_other"] = content_other
    if decision.rule_code in KEYWORDS:
        statement["category_specification"] = KEYWORDS[decision.rule_code]
    explanation = scrub(decision.summary, identifiers)[:2000]
    if decision.ground == Decision.Ground.ILLEGAL:
        statement["illegal_content_legal_ground"] = rule[:500]
        statement["illegal_content_explanation"] = explanation
    else:
        statement["incompatible_content_ground"] = f"Sunlight community guidelines: {rule}"[:500]
        statement["incompatible_content_explanation"] = explanation
        statement["incompatible_content_illegal"] = "No"
    if ends is not None and ends <= dsa.LAST_DAY:  # the database takes no later day: leave it open-ended
        statement[END_DATE_FIELD[field]] = max(ends, applied).isoformat()
    return statement


_KINDS = {
    DecisionEvent.Kind.CREATED: DsaStatement.Kind.DECISION,
    DecisionEvent.Kind.REVERSED: DsaStatement.Kind.REVERSAL,
}


def statements_collect(*, chunk: int = 500) -> int:
    """Write the statement of every decision event that has none yet; returns how many were written.

    Idempotent and safe to run beside itself: an event has at most one statement (a unique link),
    a statement's ``puid`` is derived from its decision, and a lost race is skipped.
    """
    written = 0
    last_id = 0
    while True:
        events = list(
            DecisionEvent.objects.filter(
                id__gt=last_id,
                kind__in=(DecisionEvent.Kind.CREATED, DecisionEvent.Kind.REVERSED),
                dsa_statement__isnull=True,
                decision__kind__in=list(RESTRICTIONS),
            )
            .select_related("decision", "decision__subject_owner", "decision__decided_by", "actor")
            .order_by("id")[:chunk]
        )
        if not events:
            return written
        last_id = events[-1].id
        decisions = [event.decision for event in events if reportable(event.decision)]
        subjects = _subjects(decisions)
        people: dict[int, list[str]] = {}
        for event in events:
            decision = event.decision
            if decision.pk not in subjects:
                continue
            payload = render_event(event, subjects[decision.pk], people)
            try:
                with transaction.atomic():
                    DsaStatement.objects.create(
                        puid=payload["puid"],
                        kind=_KINDS[event.kind],
                        decision=decision,
                        event=event,
                        payload=payload,
                        effective_on=_utc_day(event.at),
                    )
            except IntegrityError:
                continue  # another run wrote it first
            written += 1


def render_event(event: DecisionEvent, subject: Subject, people: dict[int, list[str]] | None = None) -> dict:
    """The statement of one decision event (made, or reversed), with every person involved scrubbed."""
    people = {} if people is None else people
    decision = event.decision
    users = [user for user in (decision.subject_owner, decision.decided_by, event.actor) if user is not None]
    for user in users:
        if user.pk not in people:
            people[user.pk] = people_identifiers(user)
    known = [identifier for user in users for identifier in people[user.pk]]
    reversal = event if event.kind == DecisionEvent.Kind.REVERSED else None
    return render(decision, subject, identifiers=known, reversal=reversal)


def statement_rerender(row: DsaStatement) -> bool:
    """Write a statement's payload again from its decision (after a fix), keeping its ``puid``;
    False when the decision or event is gone and the frozen payload must stay as it is."""
    if row.event_id is None or row.decision_id is None:
        return False
    event = DecisionEvent.objects.select_related(
        "decision", "decision__subject_owner", "decision__decided_by", "actor"
    ).get(pk=row.event_id)
    row.payload = render_event(event, _subjects([event.decision])[event.decision.pk])
    row.save(update_fields=["payload"])
    return True


def on_decision_changed(decision: Decision) -> None:
    """The ledger's hook (``appeals.effects``): write the new statements as soon as the change commits,
    while the people named in it are as they were; the periodic submission task catches up on any
    that a crash left out."""
    transaction.on_commit(statements_collect, robust=True)


class WindowError(ValueError):
    """An export window that cannot be read: the message says what to type instead."""


def parse_day(value: str | None, name: str) -> date | None:
    """A ``YYYY-MM-DD`` day from a command line or a form, or None when not given."""
    if value in (None, ""):
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise WindowError(
            f"--{name} must be a day written YYYY-MM-DD, e.g. 2026-11-01; got {value!r}."
        ) from None


def check_window(since: date | None, until: date | None) -> None:
    if since and until and until < since:
        raise WindowError(
            f"The window ends ({until.isoformat()}) before it starts ({since.isoformat()}): "
            "give an end on or after the start."
        )


def statements_export(since: date | None = None, until: date | None = None) -> list[dict]:
    """Every statement whose change took effect in the window (both days included), oldest first,
    exactly as it is (or will be) submitted. New decision events are written up first."""
    check_window(since, until)
    statements_collect()
    rows = DsaStatement.objects.order_by("effective_on", "id")
    if since:
        rows = rows.filter(effective_on__gte=since)
    if until:
        rows = rows.filter(effective_on__lte=until)
    return [row.payload for row in rows.only("payload").iterator(chunk_size=1000)]
