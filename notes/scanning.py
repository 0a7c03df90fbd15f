"""Writes for the provenance pipeline: scan originals, store signals, decide on undeclared AI.

Every function here is safe to run twice: a retried task after a worker was killed finds
either nothing done (one transaction each) or everything done, and completes or returns.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from appeals import services as appeal_services
from appeals.models import Automation, Decision
from notes import provenance
from notes.models import ImageScan, Note, NoteImage, NoteVideo, ProvenanceSignal
from notes.selectors import note_evidence

_RANK = {"none": 0, "suspected": 1, "confirmed": 2}
RULE = "All content made with AI must be actively marked"


def _trust() -> provenance.TrustConfig:
    return provenance.TrustConfig.shipped(tuple(settings.PROVENANCE_EXTRA_TRUST_ANCHORS))


def image_scan(*, image_id: int) -> ImageScan | None:
    """Read the image's original bytes and store what was found. Same bytes twice: no change."""
    image = NoteImage.objects.filter(pk=image_id).first()
    if image is None:
        return None  # removed before the task ran
    with image.original.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        row, _created = ImageScan.objects.get_or_create(image=image)
        if row.status == ImageScan.Status.DONE and row.sha256 == digest:
            return row
        handle.seek(0)
        # The file, not its bytes: the reader walks metadata segments and never holds the photo.
        result = provenance.scan(handle, trust=_trust())
    with transaction.atomic():
        row = ImageScan.objects.select_for_update().filter(pk=row.pk).first()
        if row is None:
            return None  # the image was removed while it was read
        if row.status == ImageScan.Status.DONE and row.sha256 == digest:
            return row
        ProvenanceSignal.objects.filter(image=image).delete()
        ProvenanceSignal.objects.bulk_create(
            ProvenanceSignal(
                image=image,
                kind=s.kind,
                location=s.location,
                value=s.value,
                ai=s.ai or "",
                tier=s.tier,
                readable=s.readable,
                details=s.details,
            )
            for s in result.signals
        )
        row.status = ImageScan.Status.DONE
        row.tier = result.tier
        row.kind = result.kind or ""
        row.sha256 = digest
        row.scanned_at = timezone.now()
        row.error = ""
        row.save(update_fields=["status", "tier", "kind", "sha256", "scanned_at", "error"])
    return row


def video_scan(*, video_id: int) -> NoteVideo | None:
    """Read the video's original file box by box and keep what was found with it. Same file twice:
    no change. The reader never holds the media data (a 200 MB upload costs what a 2 MB one does)."""
    video = NoteVideo.objects.filter(pk=video_id).first()
    if video is None:
        return None  # removed before the task ran
    with video.original.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if video.scan_status == ImageScan.Status.DONE and video.scan_sha256 == digest:
            return video
        handle.seek(0)
        result = provenance.scan(handle, trust=_trust())
    with transaction.atomic():
        video = NoteVideo.objects.select_for_update().filter(pk=video_id).first()
        if video is None or (video.scan_status == ImageScan.Status.DONE and video.scan_sha256 == digest):
            return video
        video.signals = [s.to_dict() for s in result.signals]
        video.scan_status = ImageScan.Status.DONE
        video.scan_tier = result.tier
        video.scan_kind = result.kind or ""
        video.scan_sha256 = digest
        video.scanned_at = timezone.now()
        video.save(
            update_fields=["signals", "scan_status", "scan_tier", "scan_kind", "scan_sha256", "scanned_at"]
        )
    return video


def note_scan_pending(*, note: Note) -> None:
    """Scan any file of the note not scanned yet (a publish right after an upload)."""
    for image_id in note.images.exclude(scan__status=ImageScan.Status.DONE).values_list("pk", flat=True):
        image_scan(image_id=image_id)
    video_id = (
        NoteVideo.objects.filter(note=note)
        .exclude(scan_status=ImageScan.Status.DONE)
        .values_list("pk", flat=True)
        .first()
    )
    if video_id is not None:
        video_scan(video_id=video_id)


def note_provenance_apply(*, note_id: int) -> Decision | None:
    """Label undeclared AI: one automated decision per note and tier, with its statement of reasons.

    Where the declaration already covers every image with evidence, nothing is decided
    against the creator; the evidence is still shown with the note.
    """
    note = Note.objects.select_related("author").filter(pk=note_id).first()
    if note is None or note.state != Note.State.PUBLISHED:
        return None
    if note.author.is_staff:
        # The pipeline never decides about staff accounts (the ledger refuses); their evidence is
        # still shown with the note, and a person can decide in the admin.
        return None
    note_scan_pending(note=note)
    # The statement of reasons is a letter to the creator: written in their language.
    with translation.override(note.author.language or settings.LANGUAGE_CODE):
        uncovered = [item for item in note_evidence(note=note) if not item["covered"]]
    if not uncovered:
        return None
    tier = max((item["tier"] for item in uncovered), key=_RANK.__getitem__)
    top = [item for item in uncovered if item["tier"] == tier]
    with translation.override(note.author.language or settings.LANGUAGE_CODE), transaction.atomic():
        facts = "\n".join(sentence for item in top for sentence in item["sentences"])
        positions = ", ".join(str(item["position"]) for item in top)
        if tier == "confirmed" and any(item.get("media") == "video" for item in top):
            kind = Decision.Kind.LABEL_CONFIRMED
            summary = _(
                "The label “AI-generated content” was added to your note: the metadata of its video says "
                "AI made or edited it, and your declaration did not say so."
            )
        elif any(item.get("media") == "video" for item in top):
            kind = Decision.Kind.LABEL_SUSPECTED
            summary = _(
                "The label “Suspected AI-generated content” was added to your note: its video carries "
                "traces of AI generation, and your declaration did not say so."
            )
        elif tier == "confirmed":
            kind = Decision.Kind.LABEL_CONFIRMED
            summary = _(
                "The label “AI-generated content” was added to your note: the metadata of image(s) "
                "%(positions)s says AI made or edited it, and your declaration did not say so."
            ) % {"positions": positions}
        else:
            kind = Decision.Kind.LABEL_SUSPECTED
            summary = _(
                "The label “Suspected AI-generated content” was added to your note: image(s) "
                "%(positions)s carry traces of AI generation, and your declaration did not say so."
            ) % {"positions": positions}
        # The label follows from the decision through the ledger's hook, in this transaction.
        decision, _created = appeal_services.decision_create(
            subject_owner=note.author,
            subject_type=Decision.SubjectType.NOTE,
            subject_id=note.public_id,
            subject_title=note.title,
            kind=kind,
            statement=appeal_services.Statement(
                summary=summary,
                facts=facts,
                rule=_(RULE),
                rule_code=Decision.RuleCode.AI_LABEL_MISSING,
                ground=Decision.Ground.INCOMPATIBLE,
                content_type=Decision.ContentType.SYNTHETIC_MEDIA,
                source=Decision.Source.OWN_INITIATIVE,
                automated_detection=Automation.FULLY,
                automated_decision=Automation.FULLY,
                evidence=[
                    {k: item[k] for k in ("position", "media", "tier", "kind", "signals") if k in item}
                    for item in top
                ],
            ),
            dedupe_key=f"provenance:{note.public_id}:{tier}",
        )
    return decision
