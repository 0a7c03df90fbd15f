"""Writes for a note's images: the original bytes kept untouched, derivatives, no orphan files."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.files import delete_on_commit, deleted_on_failure, replace_file
from core.renderlock import render_once
from core.tasks import enqueue_on_commit
from core.uploads import UploadRejected, check_declared_size, rejection_error
from notes import credentials, media, propagation, similarity
from notes.models import ALT_TEXT_MAX, MAX_IMAGES, ImageScan, Note, NoteImage, NoteVideo
from notes.services.copies import credentials_label, image_has_credentials
from notes.services.notes import lock_note, require_editable
from notes.services.standing import require_can_post


def note_image_check_size(*, size: int, field: str = "image", name: str | None = None) -> None:
    """Refuse an oversized upload from its declared size, before its bytes are read (413)."""
    check_declared_size(size=size, max_bytes=media.MAX_UPLOAD_BYTES, prefix="image", field=field, name=name)


def note_image_add(
    *, note: Note, acting_user: User, data: bytes, filename: str, alt_text: str = ""
) -> NoteImage:
    """Validate and store one image: the original bytes untouched, plus its derivatives.

    Files are written before the row; if anything fails, the files written so far are
    deleted, so a failed upload leaves neither a row nor an orphan file.
    """
    require_can_post(acting_user)
    try:
        processed = media.process_image(data)
    except UploadRejected as exc:
        raise rejection_error(exc, prefix="image", field="image") from exc
    if len(alt_text) > ALT_TEXT_MAX:
        raise ValidationError({"alt_text": _("At most %(n)s characters.") % {"n": ALT_TEXT_MAX}})
    # For the quality bonus's originality check, from the thumbnail every image has (outside any lock).
    phash = similarity.phash_of(processed.thumbnail.data)

    with deleted_on_failure() as written, transaction.atomic():
        note = lock_note(note)
        require_editable(note)
        if note.state != Note.State.DRAFT:
            raise DomainError(
                _("Images can only be changed while the note is a draft."),
                code="note_not_draft",
                status=409,
            )
        if NoteVideo.objects.filter(note=note).exists():
            raise DomainError(
                _("A note carries images or one video, not both. Remove the video to add images."),
                code="images_and_video",
                field="image",
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
            phash=phash,
        )
        image.original.save("original", ContentFile(data), save=False)
        written.add(image.original)
        ext = "webp" if processed.display.data[:4] == b"RIFF" else "jpg"
        image.display.save(
            f"{image.public_id.hex}-display.{ext}", ContentFile(processed.display.data), save=False
        )
        written.add(image.display)
        image.thumbnail.save(
            f"{image.public_id.hex}-thumb.{ext}", ContentFile(processed.thumbnail.data), save=False
        )
        written.add(image.thumbnail)
        image.save()
        ImageScan.objects.create(image=image)
        Note.objects.filter(pk=note.pk).update(updated_at=timezone.now())
        enqueue_on_commit("notes.tasks.scan_image", image.pk)
    return image


def note_image_alt_set(*, note: Note, acting_user: User, image_id: object, alt_text: str) -> NoteImage:
    """Describe an image for people who cannot see it (screen readers read it); draft or published."""
    alt_text = " ".join((alt_text or "").split())
    with transaction.atomic():
        note = lock_note(note)
        require_editable(note)
        image = note.images.filter(public_id=image_id).first()
        if image is None:
            raise DomainError(
                _("This image is no longer part of the note."), code="image_not_found", status=404
            )
        if len(alt_text) > ALT_TEXT_MAX:
            raise ValidationError(
                {
                    "alt_text": _("The description of %(name)s is too long: at most %(n)s characters.")
                    % {"name": image.original_name, "n": ALT_TEXT_MAX}
                }
            )
        image.alt_text = alt_text
        image.save(update_fields=["alt_text"])
    return image


def note_image_remove(*, note: Note, acting_user: User, image_id: object) -> None:
    with transaction.atomic():
        note = lock_note(note)
        require_editable(note)
        if note.state != Note.State.DRAFT:
            raise DomainError(
                _("Images can only be changed while the note is a draft."), code="note_not_draft", status=409
            )
        image = note.images.filter(public_id=image_id).first()
        if image is None:
            return  # already gone: a repeated click is harmless
        image.delete()
        delete_on_commit(image.original, image.display, image.thumbnail, image.download)
        for position, remaining in enumerate(note.images.order_by("position", "id")):
            if remaining.position != position:
                remaining.position = position
                remaining.save(update_fields=["position"])
        Note.objects.filter(pk=note.pk).update(updated_at=timezone.now())


# How long concurrent first requests for a download wait for the one rendering it.
RENDER_LOCK_SECONDS = 30


def note_image_download(*, note: Note, image: NoteImage) -> tuple[FieldFile, str]:
    """The original-size file a reader downloads, with the GB 45438 label its note carries now.

    Rendered once per label state and stored (a decode of the full image is the costly part), then
    served as stored bytes. A label change (decision, declaration) names a new state and the stale
    file is deleted after commit.
    """
    tier = propagation.image_label_tier(image=image, labels=list(note.labels.all()))
    aigc = (
        propagation.aigc_json(tier=tier, note=note, image=image, propagator=settings.SUNLIGHT_PROPAGATOR_CODE)
        if tier is not None
        else None
    )
    signed = image_has_credentials(image)
    key = propagation.download_key(
        image=image, aigc=aigc, signer=credentials.signer_fingerprint() if signed else ""
    )
    content_type = propagation.CONTENT_TYPES[image.original_format]
    if image.download_key == key and image.download:
        return image.download, content_type

    def made() -> FieldFile | None:
        stored = NoteImage.objects.filter(pk=image.pk, download_key=key).first()
        return stored.download if stored is not None and stored.download else None

    # The full-size render (the costly decode) runs outside any database lock, so it never blocks
    # other writes. A short-lived cache lock lets one request render while concurrent first requests
    # wait for its file (bounded): four requests at once decode the image once, not four times.
    with render_once(f"sunlight:render:{image.pk}:{key}", seconds=RENDER_LOCK_SECONDS, made=made) as done:
        if done is not None:
            return done, content_type
        data, content_type = propagation.render_download(
            image=image, xmp=propagation.xmp_packet(aigc) if aigc is not None else None
        )
        if signed:
            with image.original.open("rb") as original:
                data, did_sign = credentials.sign_copy(
                    data=data,
                    mime=content_type,
                    original=original,
                    original_mime=propagation.CONTENT_TYPES[image.original_format],
                    original_name=image.original_name,
                    actions=[
                        {"action": "c2pa.transcoded", "description": "re-encoded at full size"},
                        {
                            "action": "c2pa.edited.metadata",
                            "description": "camera, location and text metadata removed; label written",
                        },
                    ],
                    label=credentials_label(note=note, tier=tier),
                )
            if not did_sign:
                # Stored under the unsigned state's key, so the next request with a working
                # certificate renders a signed copy instead of serving this one for good.
                key = propagation.download_key(image=image, aigc=aigc, signer="")
        with deleted_on_failure() as written, transaction.atomic():
            locked = NoteImage.objects.select_for_update().select_related("note").filter(pk=image.pk).first()
            if locked is None:
                # Removed while it was rendered: nothing is written, and the reader gets a "not found".
                raise Http404
            if locked.download_key == key and locked.download:
                return locked.download, content_type
            extension = content_type.split("/")[1].replace("jpeg", "jpg")
            replace_file(
                locked.download,
                name=f"{locked.public_id.hex}-{key[:16]}.{extension}",
                content=ContentFile(data),
                written=written,
            )
            locked.download_key = key
            locked.save(update_fields=["download", "download_key"])
    return locked.download, content_type
