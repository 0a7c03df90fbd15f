"""The display copies of images whose upload carried Content Credentials: signed by the platform for
the label each image carries, and signed again when that label changes (``notes.credentials``).

Kept apart from ``notes.services.images`` so the ledger's hook (``notes.services.effects``) can queue
a refresh without importing the note services that call it.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction

from core.files import deleted_on_failure
from core.tasks import enqueue_on_commit
from notes import credentials, media, propagation
from notes.models import Note, NoteImage


def image_has_credentials(image: NoteImage) -> bool:
    """Whether the upload carried a readable C2PA manifest (its copies then get the platform's)."""
    return image.signals.filter(kind="c2pa", location="c2pa:active", readable=True).exists()


def credentials_label(*, note: Note, tier: str | None) -> dict:
    return {"note": str(note.public_id), "label": tier or "none", "labelled_by": "Sunlight"}


def _display_state(
    image: NoteImage, signer: credentials.PlatformSigner | None, labels: list | None = None
) -> tuple[str | None, str]:
    """The label the image carries now and the key of its display copy for it ("" : unsigned).
    ``labels``: the note's labels, when the caller already has them."""
    labels = list(image.note.labels.all()) if labels is None else labels
    tier = propagation.image_label_tier(image=image, labels=labels)
    if signer is None:
        return tier, ""
    return tier, hashlib.sha256(f"{tier}:{signer.fingerprint}".encode()).hexdigest()


def image_display_credentials_sync(*, image_id: int) -> bool:
    """Render the display copy of an image whose upload carried Content Credentials again, signed for
    the label it carries now (unsigned when no certificate works); nothing when it already is.
    Returns whether the copy was replaced."""
    image = NoteImage.objects.select_related("note").filter(pk=image_id).first()
    if image is None or not image_has_credentials(image):
        return False
    signer = credentials.platform_signer()
    tier, key = _display_state(image, signer)
    if image.display_key == key:
        return False
    with image.original.open("rb") as original:
        display = media.process_image(original.read()).display
        ext = "webp" if display.data[:4] == b"RIFF" else "jpg"
        data, did_sign = display.data, False
        if signer is not None:
            data, did_sign = credentials.sign_copy(
                data=display.data,
                mime=f"image/{'webp' if ext == 'webp' else 'jpeg'}",
                original=original,
                original_mime=propagation.CONTENT_TYPES[image.original_format],
                original_name=image.original_name,
                actions=[
                    {"action": "c2pa.resized", "description": "scaled for display"},
                    {"action": "c2pa.transcoded", "description": "re-encoded for the web"},
                    {
                        "action": "c2pa.edited.metadata",
                        "description": "camera, location and text metadata removed",
                    },
                ],
                label=credentials_label(note=image.note, tier=tier),
            )
    if not did_sign:
        key = ""
    with deleted_on_failure() as written, transaction.atomic():
        locked = NoteImage.objects.select_for_update().select_related("note").filter(pk=image.pk).first()
        if locked is None:
            return False  # the image was removed while its copy was rendered: nothing was written
        # The label may have changed while this copy was rendered: then it is already stale.
        if _display_state(locked, signer)[0] != tier:
            enqueue_on_commit("notes.tasks.sign_display", locked.pk)
            return False
        if locked.display_key == key:
            return False
        stale = (locked.display.storage, locked.display.name)
        suffix = f"-display-{key[:12]}" if key else "-display"
        locked.display.save(f"{locked.public_id.hex}{suffix}.{ext}", ContentFile(data), save=False)
        written.add(locked.display)
        locked.display_key = key
        locked.save(update_fields=["display", "display_key"])
        storage, name = stale
        if name != locked.display.name:
            transaction.on_commit(lambda: storage.delete(name))
    return True


def note_display_credentials_sync_later(*, note: Note) -> None:
    """After this transaction commits, bring up to date the display copies of the note's images that
    carried Content Credentials and whose label state changed (nothing to do without a certificate and
    no signed copy left)."""
    images = list(
        note.images.filter(signals__kind="c2pa", signals__location="c2pa:active", signals__readable=True)
        .select_related("note")
        .distinct()
    )
    if not images:
        return
    signer = credentials.platform_signer()
    labels = list(note.labels.all())  # once for the note, not once per image
    for image in images:
        if image.display_key != _display_state(image, signer, labels)[1]:
            enqueue_on_commit("notes.tasks.sign_display", image.pk)
