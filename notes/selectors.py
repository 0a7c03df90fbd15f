from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from notes.models import Label, Note, NoteImage


def _with_card_data(notes: QuerySet[Note]) -> QuerySet[Note]:
    """Everything a note card shows, in a fixed number of queries whatever the page size."""
    return notes.select_related("author", "declaration").prefetch_related(
        Prefetch("labels", queryset=Label.objects.order_by("tier", "id")),
        Prefetch("images", queryset=NoteImage.objects.order_by("position", "id")),
        "topics",
    )


def note_feed() -> QuerySet[Note]:
    return _with_card_data(Note.objects.filter(state=Note.State.PUBLISHED)).order_by("-published_at", "-id")


def note_list_for_author(*, user: User) -> QuerySet[Note]:
    return _with_card_data(Note.objects.filter(author=user).exclude(state=Note.State.REMOVED)).order_by(
        "-updated_at", "-id"
    )
