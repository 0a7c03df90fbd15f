"""The effects notes show, rebuilt from their sources: the declaration and the decisions in force.

``note_effects_sync`` is the one writer of ``Label`` rows and of a note's derived ``withheld`` and
``reach_reduced`` fields; it then has ``notes.services.distribution`` rebuild the weight.
``appeals.effects.decision_changed`` calls the handlers below (registered in ``NotesConfig.ready``)
in the transaction of every decision change; the declaration and publish services call it directly
when the creator's own answer changes.
"""

from __future__ import annotations

from accounts.services import user_sessions_revoke
from appeals import measures
from appeals.models import Decision
from notes import labels
from notes.models import Declaration, Label, Note, NoteVideo
from notes.services.copies import note_display_credentials_sync_later
from notes.services.distribution import note_distribution_sync


def note_effects_sync(*, note: Note) -> None:
    """Rebuild the note's labels, removal and reach from its declaration and the decisions in force.

    Lowering a declaration therefore never removes a platform label, and reversing or expiring a
    decision removes exactly what it caused.
    """
    decisions = labels.decisions_in_force_for(note)
    _platform_labels_sync(note, decisions)
    _declared_label_sync(note)
    # A suspended or banned account's notes are withheld too, for as long as the measure lasts.
    hiding = [m for m in measures.in_force(note.author_id) if m.kind in measures.HIDES_CONTENT]
    withheld, withheld_until = labels.withheld(decisions + hiding)
    reduced, reduced_until = labels.reach_reduced(decisions)
    changed = {
        "withheld": withheld,
        "withheld_until": withheld_until,
        "reach_reduced": reduced,
        "reach_reduced_until": reduced_until,
    }
    if any(getattr(note, name) != value for name, value in changed.items()):
        Note.objects.filter(pk=note.pk).update(**changed)
        for name, value in changed.items():
            setattr(note, name, value)
    note_distribution_sync(note=note)
    # Copies signed with Content Credentials record the label: sign them again once this commits.
    note_display_credentials_sync_later(note=note)


def _platform_labels_sync(note: Note, decisions: list[Decision]) -> None:
    wanted = labels.platform_labels(decisions=decisions)
    Label.objects.filter(note=note, tier__in=[Label.Tier.CONFIRMED, Label.Tier.SUSPECTED]).exclude(
        tier__in=list(wanted)
    ).delete()
    for tier, label in wanted.items():
        Label.objects.update_or_create(
            note=note,
            tier=tier,
            defaults={
                "kind": label["kind"],
                "source": label["source"],
                "decision": label["decision"],
                "evidence": label["evidence"],
            },
        )


def _declared_label_sync(note: Note) -> None:
    declared = labels.declared_label(
        declaration=Declaration.objects.filter(note=note).first(),
        images=list(note.images.order_by("position", "id")),
        video=NoteVideo.objects.select_related("animated_from_note", "animated_from_image")
        .filter(note=note)
        .first(),
    )
    existing = Label.objects.filter(note=note, tier=Label.Tier.DECLARED).first()
    if declared is None:
        if existing is not None:
            existing.delete()
        return
    if existing is None:
        Label.objects.create(
            note=note,
            tier=Label.Tier.DECLARED,
            kind=declared["kind"],
            source=Label.Source.CREATOR,
            evidence=declared["evidence"],
        )
    elif existing.kind != declared["kind"] or existing.evidence != declared["evidence"]:
        existing.kind = declared["kind"]
        existing.evidence = declared["evidence"]
        existing.save(update_fields=["kind", "evidence"])


def note_decision_effects(decision: Decision) -> None:
    """Effect handler for decisions about a note (see ``appeals.effects``)."""
    note = Note.objects.select_for_update().filter(public_id=decision.subject_id).first()
    if note is not None:
        note_effects_sync(note=note)


def account_decision_effects(decision: Decision) -> None:
    """Effect handler for decisions about an account: every note of the account is rebuilt, since
    what a note shows rests on measures against its author (reach limits, withheld while suspended
    or banned); a ban as it is made also signs the account out everywhere. Posting blocks are read
    by the services themselves (``notes.services.standing``)."""
    for note in Note.objects.select_for_update().filter(author_id=decision.subject_owner_id).order_by("pk"):
        note_effects_sync(note=note)
    if decision.kind == Decision.Kind.BAN and decision.state == Decision.State.IN_FORCE:
        user_sessions_revoke(user=decision.subject_owner)


def comment_decision_effects(decision: Decision) -> None:
    """Effect handler for decisions about a comment: removed while a removal decision is in force."""
    from notes.models import Comment

    comment = Comment.objects.select_for_update().filter(public_id=decision.subject_id).first()
    if comment is None or comment.state == Comment.State.DELETED:
        return
    removed = (
        Decision.objects.in_force()
        .filter(
            subject_type=Decision.SubjectType.COMMENT,
            subject_id=comment.public_id,
            kind=Decision.Kind.REMOVAL,
        )
        .exists()
    )
    state = Comment.State.REMOVED if removed else Comment.State.VISIBLE
    if comment.state != state:
        Comment.objects.filter(pk=comment.pk).update(state=state)
