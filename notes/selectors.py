from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from notes.models import Label, Note, NoteImage, Topic


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


def note_get_for_author(*, user: User, note_id: object) -> Note:
    """The one access helper for a creator's own notes: anything else is a 404."""
    try:
        return Note.objects.exclude(state=Note.State.REMOVED).get(public_id=note_id, author=user)
    except (Note.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def note_get_public(*, note_id: object, viewer: User | None = None) -> Note:
    """A note page: published notes for everyone; the author also sees their own draft."""
    notes = _with_card_data(Note.objects.all()).prefetch_related("declaration_changes")
    try:
        note = notes.get(public_id=note_id)
    except (Note.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if note.state == Note.State.PUBLISHED:
        return note
    if (
        note.state == Note.State.DRAFT
        and viewer is not None
        and viewer.is_authenticated
        and viewer.pk == note.author_id
    ):
        return note
    raise Http404


def note_feed_for_topic(*, topic: Topic) -> QuerySet[Note]:
    return note_feed().filter(topics=topic)


def topic_get(*, slug: str) -> Topic:
    try:
        return Topic.objects.get(slug=slug)
    except Topic.DoesNotExist as exc:
        raise Http404 from exc


def topic_suggestions(limit: int = 30) -> list[str]:
    return list(
        Topic.objects.annotate(n=Count("notes")).order_by("-n", "name").values_list("name", flat=True)[:limit]
    )
