"""Writes for notes themselves: drafts, topics, publishing, deletion."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from appeals.models import Decision
from core.errors import DomainError
from core.files import delete_on_commit
from core.tasks import enqueue_on_commit
from notes.models import MAX_TOPICS, TOPIC_NAME_MAX, Declaration, Note, NoteVideo, Topic
from notes.rendering import render_markdown
from notes.selectors import note_evidence
from notes.services.distribution import note_distribution_sync
from notes.services.effects import note_effects_sync
from notes.services.rules import note_rules_check
from notes.services.standing import require_can_post


def lock_note(note: Note) -> Note:
    return Note.objects.select_for_update().get(pk=note.pk)


def require_editable(note: Note) -> None:
    if note.state == Note.State.REMOVED:
        raise DomainError(
            _("This note was deleted and can no longer be changed."), code="note_removed", status=409
        )


def _topics_from_names(names: Iterable[str]) -> list[Topic]:
    cleaned: list[str] = []
    for raw in names:
        name = re.sub(r"\s+", " ", raw.strip().lstrip("#")).strip()
        if name and name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name[:TOPIC_NAME_MAX])
    if len(cleaned) > MAX_TOPICS:
        raise ValidationError({"topics": _("At most %(n)s topics.") % {"n": MAX_TOPICS}})
    return [_topic_get_or_create(name) for name in cleaned]


def _topic_get_or_create(name: str) -> Topic:
    """Two creators adding the same new topic at once: get_or_create's savepoint lets the loser
    of the insert race fetch the winner's row instead of failing the whole request."""
    slug = slugify(name, allow_unicode=True) or name.lower()
    try:
        topic, _created = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
    except IntegrityError:
        # The same name under another slug (names are unique too): use that topic.
        topic = Topic.objects.get(name=name)
    return topic


def note_create(
    *, author: User, title: str, body: str = "", topics: Iterable[str] = (), client: str = "web"
) -> Note:
    require_can_post(author)
    note = Note(author=author, title=title.strip(), body=body, client=client)
    note.body_html = render_markdown(note.body)
    note.full_clean(exclude=["body_html"])
    with transaction.atomic():
        note.save()
        note.topics.set(_topics_from_names(topics))
    return note


def note_update(
    *,
    note: Note,
    acting_user: User,
    title: str | None = None,
    body: str | None = None,
    topics: Iterable[str] | None = None,
) -> Note:
    require_can_post(acting_user)
    with transaction.atomic():
        note = lock_note(note)
        require_editable(note)
        fields = ["updated_at"]
        if title is not None:
            note.title = title.strip()
            fields.append("title")
        if body is not None:
            note.body = body
            note.body_html = render_markdown(body)
            fields += ["body", "body_html"]
        note.full_clean(exclude=["body_html"])
        note.updated_at = timezone.now()
        note.save(update_fields=fields)
        if topics is not None:
            note.topics.set(_topics_from_names(topics))
        if note.state == Note.State.PUBLISHED and (body is not None or title is not None):
            note_distribution_sync(note=note)  # the originality check reads the text
            note_rules_check(note=note)
    return note


def note_publish(*, note: Note, acting_user: User) -> Note:
    require_can_post(acting_user)
    with transaction.atomic():
        note = lock_note(note)
        if note.state == Note.State.PUBLISHED:
            return note  # a second click, or a retry: nothing to do
        require_editable(note)
        images = list(note.images.all())
        video = NoteVideo.objects.filter(note=note).first()
        if not note.title.strip():
            raise ValidationError({"title": _("Give the note a title.")})
        if video is not None:
            _require_video_ready(video)
        elif not images:
            raise DomainError(
                _("Add at least one image or a video before publishing."), code="no_images", field="images"
            )
        declaration = Declaration.objects.filter(note=note).first()
        if declaration is None:
            raise DomainError(
                _("Say whether AI took part before publishing: the declaration is required."),
                code="declaration_required",
                field="declaration",
            )
        if any(image.ai_degree is None for image in images):
            raise DomainError(
                _("Your declaration does not cover every image yet. Answer for each image."),
                code="declaration_incomplete",
                field="declaration",
            )
        if video is not None and (
            video.visual_degree is None or (video.has_audio and video.audio_degree is None)
        ):
            raise DomainError(
                _("Your declaration does not cover the video yet. Answer for its picture and its sound."),
                code="declaration_incomplete",
                field="declaration",
            )
        # What the publish form showed (Art. 6(4) reminder): kept as the record that the
        # creator saw the evidence and published anyway.
        uncovered = [item for item in note_evidence(note=note) if not item["covered"]]
        now = timezone.now()
        note.state = Note.State.PUBLISHED
        note.published_at = now
        note.updated_at = now
        note.evidence_shown = (
            {
                "at": now.isoformat(),
                "images": [
                    {k: i[k] for k in ("position", "media", "tier", "kind") if k in i} for i in uncovered
                ],
            }
            if uncovered
            else None
        )
        note.save(update_fields=["state", "published_at", "updated_at", "evidence_shown"])
        note_effects_sync(note=note)
        note_rules_check(note=note)
        enqueue_on_commit("notes.tasks.apply_provenance", note.pk)
    return note


def _require_video_ready(video: NoteVideo) -> None:
    if video.status == NoteVideo.Status.FAILED:
        raise DomainError(
            _("The video could not be processed. Remove it and upload another file to publish."),
            code="video_failed",
            field="video",
        )
    if video.status != NoteVideo.Status.READY:
        raise DomainError(
            _("The video is still being processed. Publish once it is ready; your draft is kept."),
            code="video_processing",
            field="video",
            status=409,
        )


def note_delete(*, note: Note, acting_user: User) -> None:
    """The creator deletes a note: it leaves every public page; its ledger stays."""
    with transaction.atomic():
        note = lock_note(note)
        if note.state == Note.State.REMOVED:
            return
        note.state = Note.State.REMOVED
        note.updated_at = timezone.now()
        note.save(update_fields=["state", "updated_at"])
        note_effects_sync(note=note)
        _files_of_deleted_note_delete(note)


def _files_of_deleted_note_delete(note: Note) -> None:
    """Once the deletion commits, the copies readers saw go (no one may see a deleted note's media). The
    untouched originals go too, unless a decision was made about the note: then they are the ledger's
    evidence and stay, private, for appeals and statements of reasons."""
    files = []
    for image in note.images.all():
        files += [image.display, image.thumbnail, image.download]
    video = getattr(note, "video", None)
    if video is not None:
        files += [video.rendition, video.poster, video.download]
    keep_originals = Decision.objects.filter(subject_id=note.public_id).exists()
    if not keep_originals:
        files += [image.original for image in note.images.all()]
        if video is not None:
            files.append(video.original)
    delete_on_commit(*files)
