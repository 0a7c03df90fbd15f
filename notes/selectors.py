from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from appeals.models import Appeal, Decision
from core.pagination import FEED_PAGE_SIZE
from notes.evidence_text import (
    action_word,
    describe,
    history_text,
    source_type_text,
    tool_name,
    transient_signal,
)
from notes.models import (
    Boost,
    Degree,
    DistributionFactor,
    ImageScan,
    ImpressionDay,
    Label,
    Note,
    NoteImage,
    NoteVideo,
    ProvenanceSignal,
    Topic,
)


def _with_card_data(notes: QuerySet[Note]) -> QuerySet[Note]:
    """Everything a note card shows, in a fixed number of queries whatever the page size."""
    return notes.select_related(
        "author", "declaration", "video", "video__animated_from_note", "video__animated_from_image"
    ).prefetch_related(
        Prefetch("labels", queryset=Label.objects.current().order_by("tier", "id")),
        Prefetch("images", queryset=NoteImage.objects.order_by("position", "id")),
        "topics",
    )


def _published_readable() -> QuerySet[Note]:
    return Note.objects.filter(state=Note.State.PUBLISHED).not_withheld()


def note_public() -> QuerySet[Note]:
    """Published notes no removal decision withholds: what readers may open."""
    return _with_card_data(Note.objects.filter(state=Note.State.PUBLISHED).not_withheld()).order_by(
        "-published_at", "-id"
    )


RANKED = "ranked"
LATEST = "latest"
FEED_ORDERS = (RANKED, LATEST)
# Each order is a keyset over an index (Note.Meta.indexes): the cursor is the last card's key.
_ORDER_FIELDS = {RANKED: ("-rank_score", "-id"), LATEST: ("-published_at", "-id")}


def note_feed(order: str = RANKED) -> QuerySet[Note]:
    """The public feed: published notes a decision does not withhold, ranked (notes.ranking: weight ×
    freshness) or latest first. A note with reduced reach ranks lower but stays in it and on its URL."""
    return note_public().order_by(*_ORDER_FIELDS[order])


@dataclass
class FeedPage:
    """One page of a feed: the cards in order, where each came from, and the next page's cursor."""

    notes: list[Note]
    sources: dict[int, str] = field(default_factory=dict)
    next_cursor: str | None = None
    order: str = RANKED

    @property
    def boosted(self) -> set[int]:
        return {pk for pk, source in self.sources.items() if source == "boost"}


def _after(notes: QuerySet[Note], order: str, cursor: str) -> QuerySet[Note]:
    """Notes after the note ``cursor`` names (its public id) in ``order``. The cursor is the last card's
    public id, never its score: a score would let anyone compute a note's private weight. A cursor
    that names no note raises ValueError."""
    try:
        last = (
            Note.objects.filter(public_id=uuid.UUID(cursor))
            .values("pk", "rank_score", "published_at")
            .first()
        )
    except ValueError as exc:
        raise ValueError(cursor) from exc
    if last is None:
        raise ValueError(cursor)
    if order == RANKED:
        value = last["rank_score"]
        return notes.filter(rank_score__lte=value).exclude(rank_score=value, pk__gte=last["pk"])
    moment = last["published_at"]
    if moment is None:
        raise ValueError(cursor)
    return notes.filter(published_at__lte=moment).exclude(published_at=moment, pk__gte=last["pk"])


def boosted_note_ids(
    *, count: int, exclude: set[int] | frozenset[int] = frozenset(), now: datetime | None = None
) -> list[int]:
    """Notes of the least-delivered active boosts that still owe impressions, for ``count`` reserved slots."""
    if count <= 0:
        return []
    now = now or timezone.now()
    return list(
        Boost.objects.filter(
            state=Boost.State.ACTIVE,
            ends_at__gt=now,
            delivered__lt=F("target"),
            note__state=Note.State.PUBLISHED,
        )
        .filter(Q(note__withheld=False) | Q(note__withheld_until__lte=now))
        .exclude(note_id__in=exclude)
        .order_by(F("delivered") * 1.0 / F("target"), "started_at", "pk")
        .values_list("note_id", flat=True)[:count]
    )


def feed_page(
    *,
    order: str = RANKED,
    cursor: str | None = None,
    topic: Topic | None = None,
    size: int = FEED_PAGE_SIZE,
    boost_slots: list[int] | None = None,
    now: datetime | None = None,
) -> FeedPage:
    """A page of the home or a topic feed by keyset (never an OFFSET, never a sort of the table).

    ``boost_slots`` are the 0-based positions of the first page reserved for notes boosted by a
    compensation voucher (the home feed's ranked order): the least-delivered active boosts fill them.
    A fixed number of queries whatever the page: the boosts (first page) or the cursor's note (later
    pages), the page's keys, then the cards (notes and three prefetches).
    """
    now = now or timezone.now()
    if order not in _ORDER_FIELDS:
        raise ValueError(order)
    keys = _published_readable().order_by(*_ORDER_FIELDS[order])
    if topic is not None:
        keys = keys.filter(topics=topic)
    boosted: list[int] = []
    if boost_slots and order == RANKED and not cursor:
        boosted = boosted_note_ids(count=len(boost_slots), now=now)
        keys = keys.exclude(pk__in=boosted)
    if cursor:
        keys = _after(keys, order, cursor)
    rows = list(keys.values_list("pk", flat=True)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    cards = {n.pk: n for n in _with_card_data(Note.objects.filter(pk__in=rows + boosted))}
    notes = [cards[pk] for pk in rows if pk in cards]
    # The ranked feeds apply the bonus; the latest tab applies none.
    sources = {n.pk: ("bonus" if order == RANKED and n.weight > 1 else "organic") for n in notes}
    for position, pk in zip(sorted(boost_slots or [])[: len(boosted)], boosted, strict=False):
        if pk in cards:
            notes.insert(min(position, len(notes)), cards[pk])
            sources[pk] = "boost"
    next_cursor = str(cards[rows[-1]].public_id) if more and rows else None
    return FeedPage(notes=notes, sources=sources, next_cursor=next_cursor, order=order)


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


def note_image_files(*, note: Note) -> list[NoteImage]:
    """The note's images with their scans and provenance signals, in order (two queries)."""
    return list(note.images.select_related("scan").prefetch_related("signals").order_by("position", "id"))


def image_credentials(image: NoteImage) -> dict | None:
    """An image's Content Credentials for readers: who signed, with what, what was done and from what
    AI material, and what the platform concluded; None when the upload carried no C2PA manifest."""
    signals = [s for s in image.signals.all() if s.kind == "c2pa"]
    if not signals:
        return None
    active = next((s for s in signals if s.location == "c2pa:active"), None)
    if active is None:
        unreadable = signals[0]
        remote = (unreadable.details or {}).get("error") == "remote_manifest_not_fetched"
        return {"readable": False, "remote": remote}
    details = active.details or {}
    # The conclusion drawn from these credentials alone (other metadata has its own evidence lines).
    tier, kind = active.tier, active.ai
    conclusions = {
        ("confirmed", "generated"): _(
            "Sunlight reads this image as generated by AI, from its signed credentials."
        ),
        ("confirmed", "edited"): _(
            "Sunlight reads this image as edited with AI, from its signed credentials."
        ),
    }
    if tier in ("confirmed", "suspected"):
        conclusion = conclusions.get(
            (tier, kind),
            _("Sunlight reads this image as possibly made with AI: its credentials do not verify."),
        )
    else:
        conclusion = _(
            "Sunlight found no AI claim in these credentials (which does not prove a person made it)."
        )
    return {
        "readable": True,
        "signer": details.get("signer") or _("an unknown signer"),
        "state": details.get("validation_state", ""),
        "generator": tool_name(details.get("generator") or "") or _("an unknown tool"),
        "actions": [action_word(a) for a in details.get("actions") or [] if a not in ("c2pa.opened",)],
        "history": history_text(details, lead=False),
        "ingredients": [
            {
                "generator": tool_name((s.details or {}).get("generator") or "") or _("an unknown tool"),
                "source_type": source_type_text((s.details or {}).get("digital_source_type") or ""),
            }
            for s in signals
            if s.location == "c2pa:ingredient"
        ],
        "conclusion": conclusion,
    }


def _video_covered(video: NoteVideo) -> bool:
    """The file's metadata speaks of the video as a whole, which readers see as a picture: declaring
    only AI music does not cover a manifest that says the picture was generated."""
    return video.visual_degree in (Degree.ASSISTED, Degree.GENERATED)


def note_video(note: Note) -> NoteVideo | None:
    # RelatedObjectDoesNotExist is an AttributeError: a note without a video gives None.
    return getattr(note, "video", None)


def video_evidence(video: NoteVideo) -> dict | None:
    """The video's AI evidence as one item of ``note_evidence`` (no position: it is the whole note)."""
    if video.scan_status != ImageScan.Status.DONE or video.scan_tier in ("", "none"):
        return None
    signals = [s for s in video.signals if s.get("tier") != "none"]
    return {
        "video_id": video.pk,
        "media": "video",
        "position": None,
        "tier": video.scan_tier,
        "kind": video.scan_kind,
        "covered": _video_covered(video),
        "signals": signals,
        "sentences": [describe(transient_signal(s), None) for s in signals],
    }


def note_evidence(*, note: Note, images: list[NoteImage] | None = None) -> list[dict]:
    """Per file with AI evidence: its position, tier, kind, signals and whether the declaration covers it."""
    found = []
    video = note_video(note)
    if video is not None:
        item = video_evidence(video)
        return [item] if item is not None else []
    images = note_image_files(note=note) if images is None else images
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


TRAFFIC_DAYS = 30


def boost_slot_notes(
    *, exclude: set[int] | frozenset[int] = frozenset(), count: int, now: datetime | None = None
) -> list[Note]:
    """The cards of the least-delivered active boosts, for ``count`` reserved slots (the API feed)."""
    ids = boosted_note_ids(count=count, exclude=exclude, now=now)
    cards = {n.pk: n for n in _with_card_data(Note.objects.filter(pk__in=ids))}
    return [cards[pk] for pk in ids if pk in cards]


def note_traffic(*, note: Note, days: int = TRAFFIC_DAYS, today: date | None = None) -> dict:
    """What the creator's traffic page and API show: the weight, each factor with its reason and the
    decision (and appeal) behind it, the boosts, and daily impressions for the last ``days`` days
    (zeros included, oldest first)."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = {row.day: row for row in ImpressionDay.objects.filter(note=note, day__gte=first, day__lte=today)}
    series = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = rows.get(day)
        series.append(
            {
                "day": day,
                "organic": row.organic if row else 0,
                "bonus": row.bonus if row else 0,
                "boost": row.boost if row else 0,
            }
        )
    factors = list(
        DistributionFactor.objects.filter(note=note)
        .select_related("decision", "featuring")
        .prefetch_related(Prefetch("decision__appeals", queryset=Appeal.objects.order_by("-submitted_at")))
        .order_by("id")
    )
    for factor in factors:
        appeals = list(factor.decision.appeals.all()) if factor.decision is not None else []
        factor.appeal = appeals[0] if appeals else None
    totals = {key: sum(day[key] for day in series) for key in ("organic", "bonus", "boost")}
    return {
        "note": note,
        "weight": note.weight,
        "traffic": note.traffic,
        "factors": factors,
        "boosts": list(note.boosts.select_related("voucher").order_by("-started_at", "-id")),
        "series": series,
        "totals": totals,
        "total": sum(totals.values()),
        "labels": list(Label.objects.current().filter(note=note).order_by("tier", "id")),
    }


COMMENTS_SHOWN = 200


def comments_for_note(*, note: Note, limit: int = COMMENTS_SHOWN) -> list:
    """A note's visible comments, oldest first (the latest ``limit``), with their authors."""
    from appeals import measures
    from notes.models import Comment

    # A suspended or banned account's comments are hidden with its notes, while the measure lasts.
    hidden = (
        Decision.objects.in_force()
        .filter(subject_type=Decision.SubjectType.ACCOUNT, kind__in=measures.HIDES_CONTENT)
        .values("subject_owner_id")
    )
    latest = list(
        Comment.objects.filter(note=note, state=Comment.State.VISIBLE)
        .exclude(author_id__in=hidden)
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )
    return latest[::-1]


def comment_get(*, note: Note, comment_id: object):  # noqa: ANN201
    from notes.models import Comment

    try:
        return Comment.objects.get(note=note, public_id=comment_id)
    except (Comment.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


# How many of a creator's notes the "animated from my own artwork" choice lists (newest first).
ANIMATION_SOURCES = 50


def animation_sources(*, user: User, exclude: Note) -> list[tuple[str, str]]:
    """The creator's own notes and their images, as choices for "animated from my own artwork"."""
    notes = (
        Note.objects.filter(author=user)
        .exclude(pk=exclude.pk)
        .exclude(state=Note.State.REMOVED)
        .prefetch_related(Prefetch("images", queryset=NoteImage.objects.order_by("position", "id")))
        .order_by("-updated_at", "-id")[:ANIMATION_SOURCES]
    )
    choices: list[tuple[str, str]] = []
    notes = list(notes)
    linked = getattr(getattr(exclude, "video", None), "animated_from_note", None)
    if linked is not None and linked not in notes and linked.state != Note.State.REMOVED:
        notes.append(linked)  # an older source stays choosable, so the form can be saved again
    for note in notes:
        choices.append((f"note:{note.public_id}", note.title))
        for image in note.images.all():
            label = _("%(title)s — image %(n)s") % {"title": note.title, "n": image.position + 1}
            choices.append((f"image:{note.public_id}:{image.public_id}", label))
    return choices


def animation_source_public(video: NoteVideo) -> dict | None:
    """What readers are told about "animated from the creator's own artwork": the source note when
    they may open it (published, not removed), and its image."""
    if not video.animated_from_own:
        return None
    source = video.animated_from_note
    # From the row already loaded with the video (no query per card): published and not withheld.
    readable = source is not None and source.state == Note.State.PUBLISHED and not source.withheld_now()
    return {
        "note": source if readable else None,
        "image": video.animated_from_image if readable else None,
    }
