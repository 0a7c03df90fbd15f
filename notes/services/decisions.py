"""Decisions about a note made by a person (staff), through the one ledger in ``appeals``."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from appeals import services as ledger
from appeals.models import Automation, Decision
from notes.models import Comment, Label, Note

# What staff may decide about a note (account measures arrive with their own issue).
STAFF_NOTE_KINDS = (
    Decision.Kind.LABEL_CONFIRMED,
    Decision.Kind.LABEL_SUSPECTED,
    Decision.Kind.REDUCED_DISTRIBUTION,
    Decision.Kind.REMOVAL,
    Decision.Kind.BONUS_WITHDRAWN,
)


def note_decide(
    *,
    note: Note,
    acting_user: User,
    kind: str,
    statement: ledger.Statement,
    label_kind: str = Label.Kind.GENERATED,
    ends_at: datetime | None = None,
    internal_note: str = "",
    dedupe_key: str | None = None,
) -> Decision:
    """A staff member decides about a note, with a statement of reasons; effects follow the ledger."""
    if kind not in STAFF_NOTE_KINDS:
        raise ValidationError({"kind": _("Choose what to decide about this note.")})
    if note.state != Note.State.PUBLISHED:
        raise ValidationError({"kind": _("Only published notes can be decided on.")})
    if label_kind not in Label.Kind.values:
        raise ValidationError({"label_kind": _("Choose one of the listed values.")})
    if statement.automated_decision == Automation.FULLY:
        raise ValidationError(
            {"automated_decision": _("A person takes this decision: it is not fully automated.")}
        )
    evidence = statement.evidence or []
    if kind in (Decision.Kind.LABEL_CONFIRMED, Decision.Kind.LABEL_SUSPECTED):
        evidence = [*evidence, {"kind": label_kind, "by": "staff"}]
    decision, _created = ledger.decision_create(
        subject_owner=note.author,
        subject_type=Decision.SubjectType.NOTE,
        subject_id=note.public_id,
        subject_title=note.title,
        kind=kind,
        statement=ledger.Statement(**{**statement.__dict__, "evidence": evidence}),
        decided_by=acting_user,
        ends_at=ends_at,
        internal_note=internal_note,
        dedupe_key=dedupe_key,
    )
    return decision


def comment_remove(
    *, comment: Comment, acting_user: User, statement: ledger.Statement, dedupe_key: str | None = None
) -> Decision:
    """Staff remove a comment: a removal decision about it, with reasons; its author can appeal."""
    decision, _created = ledger.decision_create(
        subject_owner=comment.author,
        subject_type=Decision.SubjectType.COMMENT,
        subject_id=comment.public_id,
        subject_title=comment.body[:80],
        kind=Decision.Kind.REMOVAL,
        statement=statement,
        decided_by=acting_user,
        dedupe_key=dedupe_key,
    )
    return decision
