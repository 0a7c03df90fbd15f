"""Writes for the creator's declaration of AI use, with its history after publishing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.tasks import enqueue_on_commit
from notes.labels import video_answer
from notes.models import (
    MAX_TOOLS,
    TOOL_NAME_MAX,
    USAGE_NOTE_MAX,
    AudioPart,
    Declaration,
    DeclarationChange,
    Degree,
    Note,
    NoteImage,
    NoteVideo,
)
from notes.selectors import note_evidence
from notes.services.effects import note_effects_sync
from notes.services.notes import lock_note, require_editable

_DEGREE_RANK = {Degree.NONE: 0, Degree.ASSISTED: 1, Degree.GENERATED: 2}


@dataclass(frozen=True)
class DeclarationInput:
    degree: str
    text_degree: str | None = None
    image_degrees: dict[str, str] | None = None  # image public id (str) -> degree
    tools: tuple[str, ...] = ()
    usage_note: str = ""
    video: VideoDeclarationInput | None = None


@dataclass(frozen=True)
class VideoDeclarationInput:
    """The answer per modality of a video note (its text is ``DeclarationInput.text_degree``)."""

    visual_degree: str | None = None
    audio_degree: str | None = None
    audio_parts: tuple[str, ...] = ()
    visual_tools: tuple[str, ...] = ()
    audio_tools: tuple[str, ...] = ()
    # "AI-animated from my own artwork", with the creator's own note (and, optionally, its image).
    animated_from_own: bool = False
    animated_from_note: str | None = None
    animated_from_image: str | None = None


def _declaration_snapshot(
    declaration: Declaration | None, images: list[NoteImage], video: NoteVideo | None = None
) -> dict | None:
    if declaration is None:
        return None
    snapshot = {
        "degree": declaration.degree,
        "text_degree": declaration.text_degree,
        "images": {str(i.public_id): i.ai_degree for i in images},
        "tools": list(declaration.tools),
        "usage_note": declaration.usage_note,
    }
    if video is not None:
        snapshot["video"] = video_answer(video)
    return snapshot


def _video_answer(
    *, note: Note, video: NoteVideo, given: VideoDeclarationInput | None, none: bool
) -> tuple[dict, list[str]]:
    """The video's fields to store and the degrees they declare, checked; raises ValidationError."""
    valid = set(Degree.values)
    given = given or VideoDeclarationInput()
    if none:
        return (
            {
                "visual_degree": Degree.NONE,
                "audio_degree": Degree.NONE,
                "audio_parts": [],
                "visual_tools": [],
                "audio_tools": [],
                "animated_from_own": False,
                "animated_from_note": None,
                "animated_from_image": None,
            },
            [],
        )
    if given.visual_degree not in valid:
        raise ValidationError({"visual_degree": _("Say whether AI took part in the video's picture.")})
    audio_degree = given.audio_degree
    if not video.has_audio:
        audio_degree = Degree.NONE  # nothing to answer for a silent video
    elif audio_degree not in valid:
        raise ValidationError({"audio_degree": _("Say whether AI took part in the video's sound.")})
    parts = list(dict.fromkeys(given.audio_parts))
    if set(parts) - set(AudioPart.values):
        raise ValidationError({"audio_parts": _("Choose what AI did in the sound from the list.")})
    if audio_degree == Degree.NONE:
        parts = []
    source_note = source_image = None
    if given.animated_from_own:
        if given.visual_degree == Degree.NONE:
            raise ValidationError(
                {
                    "animated_from_own": _(
                        "A video animated with AI cannot say that AI took no part in its picture."
                    )
                }
            )
        if given.animated_from_note:
            source_note = (
                Note.objects.filter(author=note.author, public_id=_uuid_or_none(given.animated_from_note))
                .exclude(pk=note.pk)
                .exclude(state=Note.State.REMOVED)
                .first()
            )
            if source_note is None:
                raise ValidationError(
                    {"animated_from_note": _("Link one of your own notes: that note is not one of yours.")}
                )
        if given.animated_from_image:
            if source_note is None:
                raise ValidationError({"animated_from_image": _("Choose the note the image is in first.")})
            source_image = source_note.images.filter(
                public_id=_uuid_or_none(given.animated_from_image)
            ).first()
            if source_image is None:
                raise ValidationError(
                    {"animated_from_image": _("That image is not part of the linked note.")}
                )
    elif given.animated_from_note or given.animated_from_image:
        raise ValidationError(
            {"animated_from_own": _("Tick “animated from my own artwork” to link the artwork.")}
        )
    fields = {
        "visual_degree": given.visual_degree,
        "audio_degree": audio_degree,
        "audio_parts": parts,
        "visual_tools": _clean_tools(given.visual_tools) if given.visual_degree != Degree.NONE else [],
        "audio_tools": _clean_tools(given.audio_tools) if audio_degree != Degree.NONE else [],
        "animated_from_own": given.animated_from_own,
        "animated_from_note": source_note,
        "animated_from_image": source_image,
    }
    return fields, [given.visual_degree, audio_degree]


def _uuid_or_none(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _clean_tools(tools: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tool in tools:
        tool = tool.strip()[:TOOL_NAME_MAX]
        if tool and tool.lower() not in {t.lower() for t in cleaned}:
            cleaned.append(tool)
    if len(cleaned) > MAX_TOOLS:
        raise ValidationError({"tools": _("At most %(n)s tools.") % {"n": MAX_TOOLS}})
    return cleaned


def note_declare(*, note: Note, acting_user: User, declaration: DeclarationInput) -> Declaration:
    """Record the creator's answer on AI use. After publishing, every change is kept as history.

    ``degree`` "none" answers for every part; otherwise the text and each image are answered
    one by one and the overall degree must be the highest of them.
    """
    valid = set(Degree.values)
    if declaration.degree not in valid:
        raise ValidationError({"degree": _("Say whether AI took part.")})
    with transaction.atomic():
        note = lock_note(note)
        require_editable(note)
        images = list(note.images.order_by("position", "id"))
        video = (
            NoteVideo.objects.select_related("animated_from_note", "animated_from_image")
            .filter(note=note)
            .first()
        )
        video_fields: dict = {}
        if declaration.degree == Degree.NONE:
            text_degree = Degree.NONE
            image_degrees = {str(i.public_id): Degree.NONE for i in images}
            if video is not None:
                video_fields, _video_degrees = _video_answer(note=note, video=video, given=None, none=True)
        else:
            text_degree = declaration.text_degree
            if text_degree not in valid:
                raise ValidationError({"text_degree": _("Say whether AI took part in the text.")})
            given = declaration.image_degrees or {}
            unknown = set(given) - {str(i.public_id) for i in images}
            if unknown:
                raise ValidationError({"image_degrees": _("That image is not part of this note.")})
            missing = [i for i in images if given.get(str(i.public_id)) not in valid]
            if missing:
                raise ValidationError(
                    {
                        "image_degrees": _("Say whether AI took part in image %(n)s.")
                        % {"n": missing[0].position + 1}
                    }
                )
            image_degrees = {str(i.public_id): given[str(i.public_id)] for i in images}
            video_degrees: list[str] = []
            if video is not None:
                video_fields, video_degrees = _video_answer(
                    note=note, video=video, given=declaration.video, none=False
                )
            highest = max(
                [text_degree, *image_degrees.values(), *video_degrees], key=_DEGREE_RANK.__getitem__
            )
            if highest == Degree.NONE:
                raise ValidationError(
                    {
                        "degree": _("You said AI took part; mark the video's picture or sound, or the text.")
                        if video is not None
                        else _("You said AI took part; mark the text or an image that AI worked on.")
                    }
                )
            if highest != declaration.degree:
                raise ValidationError(
                    {
                        "degree": _(
                            "The overall answer must match the most AI use in the video and the text."
                        )
                        if video is not None
                        else _("The overall answer must match the most AI use among the text and images.")
                    }
                )
        tools = _clean_tools(declaration.tools)
        usage_note = declaration.usage_note.strip()
        if len(usage_note) > USAGE_NOTE_MAX:
            raise ValidationError({"usage_note": _("At most %(n)s characters.") % {"n": USAGE_NOTE_MAX}})

        current = Declaration.objects.filter(note=note).first()
        before = _declaration_snapshot(current, images, video)
        now = timezone.now()
        if current is None:
            current = Declaration(note=note, declared_by=acting_user, declared_at=now)
        current.degree = declaration.degree
        current.text_degree = text_degree
        current.tools = tools
        current.usage_note = usage_note
        current.updated_at = now
        current.save()
        for image in images:
            wanted = image_degrees[str(image.public_id)]
            if image.ai_degree != wanted:
                image.ai_degree = wanted
                image.save(update_fields=["ai_degree"])
        if video is not None and video_fields:
            for name, value in video_fields.items():
                setattr(video, name, value)
            video.save(update_fields=list(video_fields))
        after = _declaration_snapshot(current, images, video)
        if note.state == Note.State.PUBLISHED and before != after:
            DeclarationChange.objects.create(
                note=note, changed_by=acting_user, changed_at=now, before=before, after=after
            )
            # A lowered declaration may leave AI evidence uncovered: look again.
            enqueue_on_commit("notes.tasks.apply_provenance", note.pk)
        note_effects_sync(note=note)
    return current


def note_declare_from_evidence(*, note: Note, acting_user: User) -> Declaration:
    """Fill the declaration from what the scanner found (the pre-publish warning's "declare it"):
    every file with evidence of AI is declared as the evidence says (generated, or assisted where it
    says "edited with AI"); every other answer the creator gave is kept, and unanswered parts say
    no AI. The generators the files name join the tools. The creator reviews it before publishing.
    """
    evidence = note_evidence(note=note)
    if not evidence:
        raise DomainError(_("The files carry no AI evidence to declare."), code="no_evidence", status=409)
    current = Declaration.objects.filter(note=note).first()
    images = list(note.images.order_by("position", "id"))
    video = NoteVideo.objects.filter(note=note).first()
    found = {item.get("image_id"): item for item in evidence if item.get("image_id")}

    def degree_for(kind: str) -> str:
        return Degree.ASSISTED if kind == "edited" else Degree.GENERATED

    image_degrees = {
        str(i.public_id): degree_for(found[i.pk]["kind"]) if i.pk in found else (i.ai_degree or Degree.NONE)
        for i in images
    }
    tools = list(current.tools) if current is not None else []
    for item in evidence:
        for signal in item["signals"]:
            name = (signal.get("details") or {}).get("generator")
            if name and name not in tools:
                tools.append(name)
    video_input = None
    if video is not None:
        video_item = next((item for item in evidence if item.get("media") == "video"), None)
        visual = degree_for(video_item["kind"]) if video_item else (video.visual_degree or Degree.NONE)
        video_input = VideoDeclarationInput(
            visual_degree=visual if video.visual_degree in (None, Degree.NONE) else video.visual_degree,
            audio_degree=video.audio_degree or Degree.NONE,
            audio_parts=tuple(video.audio_parts),
            visual_tools=tuple(video.visual_tools),
            audio_tools=tuple(video.audio_tools),
            animated_from_own=video.animated_from_own,
            animated_from_note=str(video.animated_from_note.public_id) if video.animated_from_note else None,
            animated_from_image=str(video.animated_from_image.public_id)
            if video.animated_from_image
            else None,
        )
    text_degree = current.text_degree if current is not None else Degree.NONE
    degrees = [text_degree, *image_degrees.values()]
    if video_input is not None:
        degrees += [video_input.visual_degree, video_input.audio_degree]
    return note_declare(
        note=note,
        acting_user=acting_user,
        declaration=DeclarationInput(
            degree=max(degrees, key=_DEGREE_RANK.__getitem__),
            text_degree=text_degree,
            image_degrees=image_degrees,
            tools=tuple(tools[:MAX_TOOLS]),
            usage_note=current.usage_note if current is not None else "",
            video=video_input,
        ),
    )
