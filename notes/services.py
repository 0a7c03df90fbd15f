"""Writes for notes: drafts, images, declarations, publishing and the derived labels.

Every change to a note, its images, its declaration or its labels goes through here; web
views, API views, admin actions and tasks all call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.errors import DomainError
from accounts.models import User
from appeals.models import Decision
from notes import media
from notes.models import Declaration, DeclarationChange, Degree, ImageScan, Label, Note, NoteImage, Topic
from notes.rendering import render_markdown

MAX_IMAGES = 9
MAX_TOPICS = 10
MAX_TOOLS = 10
_DEGREE_RANK = {Degree.NONE: 0, Degree.ASSISTED: 1, Degree.GENERATED: 2}


def _enqueue_scan(image_id: int) -> None:
    from notes.tasks import scan_image

    scan_image.delay(image_id)


def _enqueue_provenance(note_id: int) -> None:
    from notes.tasks import apply_provenance

    apply_provenance.delay(note_id)


def image_rejection_message(error: media.ImageRejected) -> str:
    if error.code == "empty":
        return _("The file is empty.")
    if error.code == "too_large":
        return _("The file is larger than %(max_mb)s MB.") % {
            "max_mb": media.MAX_UPLOAD_BYTES // (1024 * 1024)
        }
    if error.code == "unsupported_format":
        return _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP image.") % {
            "format": error.params.get("format", "?")
        }
    if error.code == "too_many_pixels":
        return _("The image has too many pixels (at most %(megapixels)s megapixels).") % {
            "megapixels": media.MAX_PIXELS // 1_000_000
        }
    if error.code == "corrupt":
        return _("The image is damaged or incomplete (for example, a truncated download).")
    return _("The file is not an image we can read. Upload a JPEG, PNG or WebP image.")


def note_image_check_size(*, size: int, field: str = "image") -> None:
    """Refuse an oversized upload from its declared size, before its bytes are read."""
    if size > media.MAX_UPLOAD_BYTES:
        raise DomainError(
            image_rejection_message(media.ImageRejected("too_large")),
            code="image_too_large",
            field=field,
            status=413,
        )


def _lock(note: Note) -> Note:
    return Note.objects.select_for_update().get(pk=note.pk)


def _require_editable(note: Note) -> None:
    if note.state == Note.State.REMOVED:
        raise DomainError(
            _("This note was deleted and can no longer be changed."), code="note_removed", status=409
        )


def _topics_from_names(names: Iterable[str]) -> list[Topic]:
    cleaned: list[str] = []
    for raw in names:
        name = re.sub(r"\s+", " ", raw.strip().lstrip("#")).strip()
        if name and name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name[:40])
    if len(cleaned) > MAX_TOPICS:
        raise ValidationError({"topics": _("At most %(n)s topics.") % {"n": MAX_TOPICS}})
    topics = []
    for name in cleaned:
        slug = slugify(name, allow_unicode=True) or name.lower()
        topic = Topic.objects.filter(slug=slug).first() or Topic.objects.create(name=name, slug=slug)
        topics.append(topic)
    return topics


def note_create(*, author: User, title: str, body: str = "", topics: Iterable[str] = ()) -> Note:
    note = Note(author=author, title=title.strip(), body=body)
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
    with transaction.atomic():
        note = _lock(note)
        _require_editable(note)
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
    return note


def note_image_add(
    *, note: Note, acting_user: User, data: bytes, filename: str, alt_text: str = ""
) -> NoteImage:
    """Validate and store one image: the original bytes untouched, plus its derivatives.

    Files are written before the row; if anything fails, the files written so far are
    deleted, so a failed upload leaves neither a row nor an orphan file.
    """
    try:
        processed = media.process_image(data)
    except media.ImageRejected as exc:
        raise DomainError(image_rejection_message(exc), code=f"image_{exc.code}", field="image") from exc
    if len(alt_text) > 300:
        raise ValidationError({"alt_text": _("At most 300 characters.")})

    written: list[tuple[object, str]] = []
    try:
        with transaction.atomic():
            note = _lock(note)
            _require_editable(note)
            if note.state != Note.State.DRAFT:
                raise DomainError(
                    _("Images can only be changed while the note is a draft."),
                    code="note_not_draft",
                    status=409,
                )
            count = note.images.count()
            if count >= MAX_IMAGES:
                raise DomainError(
                    _("A note has at most %(n)s images.") % {"n": MAX_IMAGES},
                    code="too_many_images",
                    field="image",
                )
            image = NoteImage(
                note=note,
                position=count,
                original_name=filename[:200] or "image",
                original_format=processed.format,
                original_size=processed.size,
                sha256=processed.sha256,
                width=processed.width,
                height=processed.height,
                alt_text=alt_text.strip(),
            )
            image.original.save("original", ContentFile(data), save=False)
            written.append((image.original.storage, image.original.name))
            ext = "webp" if processed.display.data[:4] == b"RIFF" else "jpg"
            image.display.save(
                f"{image.public_id.hex}-display.{ext}", ContentFile(processed.display.data), save=False
            )
            written.append((image.display.storage, image.display.name))
            image.thumbnail.save(
                f"{image.public_id.hex}-thumb.{ext}", ContentFile(processed.thumbnail.data), save=False
            )
            written.append((image.thumbnail.storage, image.thumbnail.name))
            image.save()
            ImageScan.objects.create(image=image)
            Note.objects.filter(pk=note.pk).update(updated_at=timezone.now())
            image_pk = image.pk
            transaction.on_commit(lambda: _enqueue_scan(image_pk))
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return image


def _delete_files_after_commit(image: NoteImage) -> None:
    files = [(f.storage, f.name) for f in (image.original, image.display, image.thumbnail) if f.name]

    def delete() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete)


def note_image_remove(*, note: Note, acting_user: User, image_id: object) -> None:
    with transaction.atomic():
        note = _lock(note)
        _require_editable(note)
        if note.state != Note.State.DRAFT:
            raise DomainError(
                _("Images can only be changed while the note is a draft."), code="note_not_draft", status=409
            )
        image = note.images.filter(public_id=image_id).first()
        if image is None:
            return  # already gone: a repeated click is harmless
        image.delete()
        _delete_files_after_commit(image)
        for position, remaining in enumerate(note.images.order_by("position", "id")):
            if remaining.position != position:
                remaining.position = position
                remaining.save(update_fields=["position"])
        Note.objects.filter(pk=note.pk).update(updated_at=timezone.now())


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
        tool = tool.strip()[:60]
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
        note = _lock(note)
        _require_editable(note)
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
        if len(usage_note) > 1000:
            raise ValidationError({"usage_note": _("At most 1000 characters.")})

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
            note_pk = note.pk
            transaction.on_commit(lambda: _enqueue_provenance(note_pk))
        note_labels_sync(note=note)
    return current


def note_publish(*, note: Note, acting_user: User) -> Note:
    with transaction.atomic():
        note = _lock(note)
        if note.state == Note.State.PUBLISHED:
            return note  # a second click, or a retry: nothing to do
        _require_editable(note)
        images = list(note.images.all())
        if not note.title.strip():
            raise ValidationError({"title": _("Give the note a title.")})
        if not images:
            raise DomainError(
                _("Add at least one image before publishing."), code="no_images", field="images"
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
        from notes.scanning import note_evidence

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
                "images": [{k: i[k] for k in ("position", "tier", "kind")} for i in uncovered],
            }
            if uncovered
            else None
        )
        note.save(update_fields=["state", "published_at", "updated_at", "evidence_shown"])
        note_labels_sync(note=note)
        note_pk = note.pk
        transaction.on_commit(lambda: _enqueue_provenance(note_pk))
    return note


def note_delete(*, note: Note, acting_user: User) -> None:
    """The creator deletes a note: it leaves every public page; its ledger stays."""
    with transaction.atomic():
        note = _lock(note)
        if note.state == Note.State.REMOVED:
            return
        note.state = Note.State.REMOVED
        note.updated_at = timezone.now()
        note.save(update_fields=["state", "updated_at"])


def _declared_label(note: Note) -> dict | None:
    declaration = Declaration.objects.filter(note=note).first()
    if declaration is None or declaration.degree == Degree.NONE:
        return None
    images = list(note.images.order_by("position", "id"))
    degrees = [declaration.text_degree, *(i.ai_degree for i in images)]
    kind = Label.Kind.GENERATED if Degree.GENERATED in degrees else Label.Kind.EDITED
    return {
        "kind": kind,
        "evidence": {
            "text": declaration.text_degree,
            "images": [
                {"position": i.position + 1, "degree": i.ai_degree}
                for i in images
                if i.ai_degree not in (None, Degree.NONE)
            ],
            "tools": list(declaration.tools),
            "usage_note": declaration.usage_note,
        },
    }


_PLATFORM_TIERS = {
    Decision.Kind.LABEL_CONFIRMED: (Label.Tier.CONFIRMED, Label.Source.METADATA),
    Decision.Kind.LABEL_SUSPECTED: (Label.Tier.SUSPECTED, Label.Source.DETECTION),
}


def _platform_labels_sync(note: Note) -> None:
    """Platform labels exist exactly while a labelling decision about the note is in force."""
    in_force = Decision.objects.filter(
        subject_type=Decision.SubjectType.NOTE,
        subject_id=note.public_id,
        state=Decision.State.IN_FORCE,
        kind__in=list(_PLATFORM_TIERS),
    ).order_by("created_at", "id")
    wanted: dict[str, Decision] = {}
    for decision in in_force:
        tier = _PLATFORM_TIERS[decision.kind][0]
        wanted.setdefault(tier, decision)
    Label.objects.filter(note=note, tier__in=[Label.Tier.CONFIRMED, Label.Tier.SUSPECTED]).exclude(
        tier__in=list(wanted)
    ).delete()
    for tier, decision in wanted.items():
        items = decision.evidence if isinstance(decision.evidence, list) else []
        kinds = {item.get("kind") for item in items if isinstance(item, dict)}
        Label.objects.update_or_create(
            note=note,
            tier=tier,
            defaults={
                "kind": Label.Kind.GENERATED
                if Label.Kind.GENERATED in kinds or not kinds
                else Label.Kind.EDITED,
                "source": _PLATFORM_TIERS[decision.kind][1],
                "decision_id": decision.pk,
                "evidence": {"images": items, "decision": str(decision.public_id)},
            },
        )


def note_labels_sync(*, note: Note) -> None:
    """Rebuild a note's labels: the declared one from the declaration, the platform ones
    from the decisions in force. Lowering a declaration therefore never removes a platform label.
    """
    _platform_labels_sync(note)
    declared = _declared_label(note)
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
    """Called by appeals when a decision about a note changes state: labels follow the ledger."""
    note = Note.objects.filter(public_id=decision.subject_id).first()
    if note is not None:
        note_labels_sync(note=note)
