"""The note a decision is about, as a moderator reviews it (registered with appeals.workspace)."""

from __future__ import annotations

from appeals.models import Decision
from appeals.workspace import Panel
from notes import selectors
from notes.models import Declaration, Note


def note_panel(decision: Decision) -> Panel | None:
    """The note, its images or video, what the scanner found in the files, the declaration and its
    history: the whole case on the page where the appeal is decided."""
    note = (
        Note.objects.select_related("author", "video")
        .prefetch_related("declaration_changes__changed_by", "labels")
        .filter(public_id=decision.subject_id)
        .first()
    )
    if note is None:
        return None
    images = selectors.note_image_files(note=note)
    evidence = selectors.note_evidence(note=note, images=images)
    return Panel(
        template="admin/notes/_workspace_note.html",
        context={
            "note": note,
            "images": images,
            "video": selectors.note_video(note),
            "file_evidence": evidence,
            "declaration": Declaration.objects.filter(note=note).first(),
            "history": list(note.declaration_changes.all()),
            "labels": list(note.labels.all()),
        },
    )
