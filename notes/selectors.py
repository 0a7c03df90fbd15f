from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from notes.evidence_text import describe
from notes.models import Degree, ImageScan, Label, Note, NoteImage, ProvenanceSignal, Topic


def _with_card_data(notes: QuerySet[Note]) -> QuerySet[Note]:
    """Everything a note card shows, in a fixed number of queries whatever the page size."""
    return notes.select_related("author", "declaration").prefetch_related(
        Prefetch("labels", queryset=Label.objects.current().order_by("tier", "id")),
        Prefetch("images", queryset=NoteImage.objects.order_by("position", "id")),
        "topics",
    )


def note_public() -> QuerySet[Note]:
    """Published notes no removal decision withholds: what readers may open."""
    return _with_card_data(Note.objects.filter(state=Note.State.PUBLISHED).not_withheld()).order_by(
        "-published_at", "-id"
    )


def note_feed() -> QuerySet[Note]:
    """The home feed recommends only notes whose reach no decision reduces; they stay reachable
    by their URL and on topic pages."""
    return note_public().full_reach()


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
    """A note page: published notes for everyone; the author also sees their own draft and a note
    a decision removed (with the decision), nobody else does."""
    notes = _with_card_data(Note.objects.all()).prefetch_related("declaration_changes")
    try:
        note = notes.get(public_id=note_id)
    except (Note.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    if note.state == Note.State.PUBLISHED and not note.withheld_now():
        return note
    if (
        note.state in (Note.State.DRAFT, Note.State.PUBLISHED)
        and viewer is not None
        and viewer.is_authenticated
        and viewer.pk == note.author_id
    ):
        return note
    raise Http404


def note_get_for_viewer(*, note_id: object, viewer: User | None = None) -> Note:
    """A note page, its images and downloads: whoever may open the note, and staff reviewing a note a
    decision removed (permission to view notes, and MFA as for the admin)."""
    try:
        return note_get_public(note_id=note_id, viewer=viewer)
    except Http404:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import is_mfa_enabled

        if viewer is None or not viewer.is_authenticated or not viewer.is_staff:
            raise
        if not viewer.has_perm("notes.view_note") or not is_mfa_enabled(viewer, [Authenticator.Type.TOTP]):
            raise
        published = _with_card_data(Note.objects.filter(state=Note.State.PUBLISHED))
        note = published.prefetch_related("declaration_changes").filter(public_id=note_id).first()
        if note is None or not note.withheld_now():
            raise
        return note


def note_feed_for_topic(*, topic: Topic) -> QuerySet[Note]:
    return note_public().filter(topics=topic)


def topic_get(*, slug: str) -> Topic:
    try:
        return Topic.objects.get(slug=slug)
    except Topic.DoesNotExist as exc:
        raise Http404 from exc


def topic_suggestions(limit: int = 30) -> list[str]:
    return list(
        Topic.objects.annotate(n=Count("notes")).order_by("-n", "name").values_list("name", flat=True)[:limit]
    )


def _signal_dict(signal: ProvenanceSignal) -> dict:
    return {
        "kind": signal.kind,
        "location": signal.location,
        "value": signal.value,
        "ai": signal.ai,
        "tier": signal.tier,
        "readable": signal.readable,
        "details": signal.details,
    }


def _covered(image: NoteImage) -> bool:
    """The creator's declaration covers this image when it says AI took part in it."""
    return image.ai_degree in (Degree.ASSISTED, Degree.GENERATED)


def note_evidence(*, note: Note) -> list[dict]:
    """Per image with AI evidence: its position, tier, kind, signals and whether the declaration covers it."""
    found = []
    images = note.images.select_related("scan").prefetch_related("signals").order_by("position", "id")
    for image in images:
        scan = getattr(image, "scan", None)
        if scan is None or scan.status != ImageScan.Status.DONE or scan.tier in ("", "none"):
            continue
        signals = [s for s in image.signals.all() if s.tier != "none"]
        found.append(
            {
                "image_id": image.pk,
                "position": image.position + 1,
                "tier": scan.tier,
                "kind": scan.kind,
                "covered": _covered(image),
                "signals": [_signal_dict(s) for s in signals],
                "sentences": [describe(s, image.position + 1) for s in signals],
            }
        )
    return found
