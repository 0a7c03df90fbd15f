"""Label-removal tutorials: staff-managed rules checked when a note is published or edited and when a
comment is written. A match is a removal decision with the matched text as evidence, appealable like
any other (a false positive is overturned and compensated)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import unicodedata

import regex
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from appeals import services as ledger
from appeals.models import Automation, Decision
from core.errors import DomainError
from notes.models import Comment, Note, TutorialRule
from notes.rule_patterns import rule_search

logger = logging.getLogger(__name__)

_SPACE = re.compile(r"\s+")


def _normalise(text: str) -> str:
    """NFKC, case folded, invisible format characters (zero widths …) dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _SPACE.sub(" ", text)


def _squeeze(text: str) -> str:
    """Letters and digits only: "remove AI-label", "remove ai label" and "绕过 AI 检测" compare alike."""
    return "".join(c for c in text if c.isalnum())


def first_match(text: str) -> tuple[TutorialRule, str] | None:
    """The first active rule the text matches, with the matched words."""
    folded = _normalise(text)
    for rule in TutorialRule.objects.filter(active=True).order_by("pk"):
        if rule.kind == TutorialRule.Kind.PHRASE:
            needle = _squeeze(_normalise(rule.pattern))
            if needle and needle in _squeeze(folded):
                return rule, rule.pattern
        else:
            try:
                found = rule_search(rule.pattern, folded)
            except regex.error:
                continue
            except TimeoutError:
                # Never a hang on a creator's text; staff see the rule named in the log and fix it.
                logger.warning("tutorial rule %s took too long on a text and was skipped", rule.pk)
                continue
            if found:
                return rule, found.group(0)[:200]
    return None


def _decide(
    *,
    owner: User,
    subject_type: str,
    subject_id: object,
    title: str,
    rule: TutorialRule,
    matched: str,
    text: str,
) -> None:
    with override(owner.language or None):
        statement = ledger.Statement(
            summary=_("Removed: it reads as a tutorial on removing AI labels."),
            facts=_("The text contains “%(matched)s”, which matches a rule for label-removal tutorials.")
            % {"matched": matched},
            rule_code=Decision.RuleCode.LABEL_REMOVAL_TUTORIAL,
            content_type=Decision.ContentType.TEXT,
            automated_detection=Automation.FULLY,
            automated_decision=Automation.FULLY,
            evidence=[{"rule": rule.pattern, "kind": rule.kind, "matched": matched}],
        )
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    # Staff accounts are never decided about automatically (a DomainError): a person reviews their texts.
    with contextlib.suppress(DomainError):
        ledger.decision_create(
            subject_owner=owner,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_title=title,
            kind=Decision.Kind.REMOVAL,
            statement=statement,
            dedupe_key=f"tutorial-rule:{rule.pk}:{subject_id}:{digest}",
        )


def note_rules_check(*, note: Note) -> None:
    """A published note whose title or text matches a rule is removed by an automated decision."""
    text = f"{note.title}\n{note.body}"
    found = first_match(text)
    if found is not None:
        rule, matched = found
        _decide(
            owner=note.author,
            subject_type=Decision.SubjectType.NOTE,
            subject_id=note.public_id,
            title=note.title,
            rule=rule,
            matched=matched,
            text=text,
        )


def comment_rules_check(*, comment: Comment) -> None:
    found = first_match(comment.body)
    if found is not None:
        rule, matched = found
        _decide(
            owner=comment.author,
            subject_type=Decision.SubjectType.COMMENT,
            subject_id=comment.public_id,
            title=comment.body[:80],
            rule=rule,
            matched=matched,
            text=comment.body,
        )
