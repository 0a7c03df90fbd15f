"""Writes for the creator's declaration of AI use, with its history after publishing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.tasks import enqueue_on_commit
from notes.models import (
    MAX_TOOLS,
    TOOL_NAME_MAX,
    USAGE_NOTE_MAX,
    Declaration,
    DeclarationChange,
    Degree,
    Note,
    NoteImage,
)
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


def _declaration_snapshot(declaration: Declaration | None, images: list[NoteImage]) -> dict | None:
    if declaration is None:
        return None
    return {
        "degree": declaration.degree,
        "text_degree": declaration.text_degree,
        "images": {str(i.public_id): i.ai_degree for i in images},
        "tools": list(declaration.tools),
        "usage_note": declaration.usage_note,
    }


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
        if declaration.degree == Degree.NONE:
            text_degree = Degree.NONE
            image_degrees = {str(i.public_id): Degree.NONE for i in images}
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
            highest = max([text_degree, *image_degrees.values()], key=_DEGREE_RANK.__getitem__)
            if highest == Degree.NONE:
                raise ValidationError(
                    {"degree": _("You said AI took part; mark the text or an image that AI worked on.")}
                )
            if highest != declaration.degree:
                raise ValidationError(
                    {"degree": _("The overall answer must match the most AI use among the text and images.")}
                )
        tools = _clean_tools(declaration.tools)
        usage_note = declaration.usage_note.strip()
        if len(usage_note) > USAGE_NOTE_MAX:
            raise ValidationError({"usage_note": _("At most %(n)s characters.") % {"n": USAGE_NOTE_MAX}})

        current = Declaration.objects.filter(note=note).first()
        before = _declaration_snapshot(current, images)
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
        after = _declaration_snapshot(current, images)
        if note.state == Note.State.PUBLISHED and before != after:
            DeclarationChange.objects.create(
                note=note, changed_by=acting_user, changed_at=now, before=before, after=after
            )
            # A lowered declaration may leave AI evidence uncovered: look again.
            enqueue_on_commit("notes.tasks.apply_provenance", note.pk)
        note_effects_sync(note=note)
    return current
