"""Writes for a note's video: the upload kept byte for byte, the rendition made on the media queue.

The request checks the file (``video_media.probe``: its header and first picture) and stores the
original; the slow part (transcoding, the poster) runs in ``notes.tasks.process_video`` and records
its progress on the row, which the edit page and the API poll. A failed transcode says why on the
row and leaves the draft as it was, so the creator removes the video and tries another file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from core.files import copy_to, delete_on_commit, deleted_on_failure, local_copy, replace_file
from core.renderlock import render_once
from core.storage import StorageUnavailable
from core.tasks import enqueue_on_commit
from core.uploads import MEGABYTE, UploadRejected, check_declared_size, rejection_error, rejection_message
from notes import propagation, video_media
from notes.models import Note, NoteVideo
from notes.services.notes import lock_note, require_editable
from notes.services.standing import require_can_post

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024


def video_limits() -> video_media.Limits:
    conf = settings.SUNLIGHT_VIDEO
    return video_media.Limits(
        max_bytes=conf["MAX_MB"] * MEGABYTE,
        max_seconds=conf["MAX_SECONDS"],
        max_long_edge=conf["MAX_LONG_EDGE"],
        max_short_edge=conf["MAX_SHORT_EDGE"],
    )


def note_video_check_size(*, size: int, name: str | None = None) -> None:
    """Refuse an oversized video from its declared size, before its bytes are read (413)."""
    check_declared_size(
        size=size, max_bytes=video_limits().max_bytes, prefix="video", field="video", name=name
    )


@contextmanager
def _spooled(upload: IO[bytes]) -> Iterator[tuple[Path, str, int]]:
    """The upload in a temporary file (PyAV reads a path), with its SHA-256 and size; removed after."""
    handle, name = tempfile.mkstemp(prefix="sunlight-video-", suffix=".upload")
    digest = hashlib.sha256()
    size = 0
    limit = video_limits().max_bytes
    try:
        with os.fdopen(handle, "wb") as out:
            upload.seek(0)
            while chunk := upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    # A client that understated its size is stopped as soon as it passes the limit.
                    raise UploadRejected("too_large", max_mb=limit // MEGABYTE)
                digest.update(chunk)
                out.write(chunk)
        yield Path(name), digest.hexdigest(), size
    finally:
        Path(name).unlink(missing_ok=True)


def _refuse_if_taken(note: Note) -> None:
    if note.state != Note.State.DRAFT:
        raise DomainError(
            _("The video can only be changed while the note is a draft."), code="note_not_draft", status=409
        )
    if NoteVideo.objects.filter(note=note).exists():
        raise DomainError(
            _("A note has one video. Remove the one it has to upload another."),
            code="video_exists",
            field="video",
            status=409,
        )
    if note.images.exists():
        raise DomainError(
            _("A note carries images or one video, not both. Remove the images to add a video."),
            code="images_and_video",
            field="video",
            status=409,
        )


def note_video_add(*, note: Note, acting_user: User, upload: IO[bytes], filename: str) -> NoteVideo:
    """Check one uploaded video and keep it; the rendition follows on the media queue.

    The file is checked (container, streams, limits, a first picture) before anything is stored;
    the original is written before the row and deleted again if the row cannot be written, so a
    refused or failed upload leaves neither a row nor a stray file.
    """
    require_can_post(acting_user)
    # Cheap refusals first: no need to read 200 MB for a note that cannot take a video.
    _refuse_if_taken(note)
    name = (filename or "video")[:200]
    try:
        with _spooled(upload) as (path, sha256, size):
            probe = video_media.probe(path, limits=video_limits())
            with deleted_on_failure() as written, transaction.atomic():
                note = lock_note(note)
                require_editable(note)
                _refuse_if_taken(note)
                video = NoteVideo(
                    note=note,
                    original_name=name,
                    original_format=probe.format,
                    original_size=size,
                    sha256=sha256,
                    width=probe.width,
                    height=probe.height,
                    duration=probe.duration,
                    has_audio=probe.has_audio,
                )
                with path.open("rb") as handle:
                    video.original.save("original", File(handle), save=False)
                written.add(video.original)
                try:
                    with transaction.atomic():
                        video.save()
                except IntegrityError as exc:
                    # Two uploads at once: the database's one-video rule let the other one in.
                    raise DomainError(
                        _("A note has one video. Remove the one it has to upload another."),
                        code="video_exists",
                        field="video",
                        status=409,
                    ) from exc
                Note.objects.filter(pk=note.pk).update(updated_at=timezone.now())
                enqueue_on_commit("notes.tasks.scan_video", video.pk)
                enqueue_on_commit("notes.tasks.process_video", video.pk)
    except UploadRejected as exc:
        raise rejection_error(exc, prefix="video", field="video", name=name) from exc
    return video


def note_video_remove(*, note: Note, acting_user: User) -> None:
    """Remove the draft's video and its files (after commit). Removing a video that is gone is harmless."""
    with transaction.atomic():
        note = lock_note(note)
        require_editable(note)
        if note.state != Note.State.DRAFT:
            raise DomainError(
                _("The video can only be changed while the note is a draft."),
                code="note_not_draft",
                status=409,
            )
        # Locked: a transcode attaching its files waits, or this waits for it and sees its files.
        video = NoteVideo.objects.select_for_update().filter(note=note).first()
        if video is None:
            return
        video.delete()
        delete_on_commit(video.original, video.rendition, video.poster, video.download)
        Note.objects.filter(pk=note.pk).update(updated_at=timezone.now())


# --- processing (the media queue) ------------------------------------------------------------


# A run that has not finished in this long is presumed dead (its worker killed, say by the kernel
# on a 4K decode): the next run may take the video over. Longer than the task's own time limit.
PROCESSING_LEASE = timedelta(minutes=90)
MAX_ATTEMPTS = 3


class _Abandoned(Exception):
    """This run no longer holds the video: it was removed, or a later run took it over."""


def _claim(video_id: int, now: datetime) -> bool:
    """Take a waiting video, or one whose run's lease ran out, for this run only (a conditional
    update: two deliveries of the same message never transcode at once)."""
    claimable = Q(status=NoteVideo.Status.WAITING) | Q(
        status=NoteVideo.Status.PROCESSING, started_at__lt=now - PROCESSING_LEASE
    )
    claimed = NoteVideo.objects.filter(claimable, pk=video_id, attempts__lt=MAX_ATTEMPTS).update(
        status=NoteVideo.Status.PROCESSING,
        progress=0,
        error="",
        started_at=now,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def video_process(*, video_id: int) -> NoteVideo | None:
    """Transcode the original into the web rendition and take the poster frame; record why it failed.

    Safe to run twice: a ready or failed video is left as it is, and one another run holds is left
    to it; one a killed worker left in "processing" is done again once its lease has run out. The
    files of a run that lost the video (removed meanwhile) are deleted, never attached.
    """
    video = NoteVideo.objects.select_related("note").filter(pk=video_id).first()
    claim = timezone.now()
    if video is None or not _claim(video_id, claim):
        return video
    mine = NoteVideo.objects.filter(pk=video_id, status=NoteVideo.Status.PROCESSING, started_at=claim)
    last = {"percent": -1}

    def progress(share: float) -> None:
        percent = int(share * 100)
        if percent != last["percent"]:
            last["percent"] = percent
            if mine.update(progress=min(percent, 99)) == 0:
                raise _Abandoned  # removed while transcoding: stop now instead of finishing for nothing

    try:
        with local_copy(video.original, prefix="sunlight-transcode-") as work:
            target = work / "rendition.mp4"
            try:
                result = video_media.transcode(
                    work / "original", target, limits=video_limits(), progress=progress
                )
            except UploadRejected as exc:
                _fail(video_id, claim=claim, code=exc.code)
                return NoteVideo.objects.filter(pk=video_id).first()
            except _Abandoned:
                return NoteVideo.objects.filter(pk=video_id).first()
            except Exception:
                # A fault of ours or of FFmpeg's (or the task's time limit), not of the file as far as we
                # know: the creator is told it failed (not left waiting), staff find the traceback in the log.
                logger.exception("video %s: transcoding failed", video_id)
                _fail(video_id, claim=claim, code="processing_error")
                return NoteVideo.objects.filter(pk=video_id).first()
            return _attach(video, claim=claim, target=target, poster=result.poster, result=result)
    except (StorageUnavailable, OSError):
        # The store or the disk failed while the original was read or the rendition stored, not the
        # video: the claim is given back, so the task's retry takes it at once instead of after the lease
        # (attempts still count: after the last one the sweep marks it failed).
        NoteVideo.objects.filter(pk=video_id, status=NoteVideo.Status.PROCESSING, started_at=claim).update(
            status=NoteVideo.Status.WAITING, progress=0
        )
        raise


def _attach(
    video: NoteVideo, *, claim: datetime, target: Path, poster: bytes, result: video_media.Rendition
) -> NoteVideo | None:
    """Store the rendition and poster, then attach them under the row lock if this run still holds
    the video. The copy into storage happens before the lock, so a removal never waits on it."""
    stem = f"{video.public_id.hex}-{uuid.uuid4().hex[:8]}"
    try:
        with deleted_on_failure() as written:
            with target.open("rb") as handle:
                video.rendition.save(f"{stem}.mp4", File(handle), save=False)
            written.add(video.rendition)
            video.poster.save(f"{stem}-poster.jpg", ContentFile(poster), save=False)
            written.add(video.poster)
            with transaction.atomic():
                locked = (
                    NoteVideo.objects.select_for_update()
                    .filter(pk=video.pk, status=NoteVideo.Status.PROCESSING, started_at=claim)
                    .first()
                )
                if locked is None:
                    raise _Abandoned
                locked.rendition = video.rendition.name
                locked.poster = video.poster.name
                locked.rendition_size = target.stat().st_size
                locked.duration = result.duration
                locked.has_audio = result.has_audio
                locked.status = NoteVideo.Status.READY
                locked.progress = 100
                locked.processed_at = timezone.now()
                locked.save(
                    update_fields=[
                        "rendition",
                        "poster",
                        "rendition_size",
                        "duration",
                        "has_audio",
                        "status",
                        "progress",
                        "processed_at",
                    ]
                )
                return locked
    except _Abandoned:
        return NoteVideo.objects.filter(pk=video.pk).first()


def videos_resume(*, now: datetime | None = None) -> int:
    """Every few minutes: a video whose processing never started (the message lost) or whose run
    died is sent again; one that failed every attempt is marked failed, so no creator waits forever."""
    now = now or timezone.now()
    stale = Q(status=NoteVideo.Status.WAITING, created_at__lt=now - timedelta(minutes=10)) | Q(
        status=NoteVideo.Status.PROCESSING, started_at__lt=now - PROCESSING_LEASE
    )
    resent = 0
    for video_id, attempts in NoteVideo.objects.filter(stale).values_list("pk", "attempts"):
        if attempts >= MAX_ATTEMPTS:
            NoteVideo.objects.filter(stale, pk=video_id).update(
                status=NoteVideo.Status.FAILED, error="processing_error", progress=0
            )
            continue
        with transaction.atomic():
            enqueue_on_commit("notes.tasks.process_video", video_id)
        resent += 1
    return resent


def _fail(video_id: int, *, claim: datetime, code: str) -> None:
    # The reason's code, not its words: the page and the API say it in the reader's language.
    logger.info("video %s not processed: %s", video_id, code)
    NoteVideo.objects.filter(pk=video_id, status=NoteVideo.Status.PROCESSING, started_at=claim).update(
        status=NoteVideo.Status.FAILED, error=code, progress=0
    )


def video_error_text(video: NoteVideo) -> str:
    """Why processing failed, in the active language; "" when it did not."""
    if video.status != NoteVideo.Status.FAILED:
        return ""
    limits = video_limits()
    return rejection_message(
        UploadRejected(
            video.error or "processing_error",
            max_minutes=limits.max_seconds // 60,
            max_mb=limits.max_bytes // MEGABYTE,
            width=video.width,
            height=video.height,
            max_long_edge=limits.max_long_edge,
            max_short_edge=limits.max_short_edge,
        )
    )


# --- the labelled download ---------------------------------------------------------------------

# Copying a 200 MB video takes seconds, not the milliseconds of an image: concurrent first requests
# wait this long for the one making the file.
VIDEO_RENDER_LOCK_SECONDS = 300


def note_video_download(*, note: Note, video: NoteVideo) -> FieldFile:
    """The video at original quality, with the GB 45438 label its note carries now in the XMP box.

    The picture and sound are copied from the upload as they are (no re-encode), into a fresh MP4
    with none of the upload's metadata (no location, no device serial); where its codecs cannot go
    into MP4, the web rendition is the copy. Made once per label state and served as stored bytes; a
    label change names a new state and the stale file is deleted after commit.
    """
    tier = propagation.video_label_tier(video=video, labels=list(note.labels.all()))
    aigc = (
        propagation.video_aigc_json(
            tier=tier, note=note, video=video, propagator=settings.SUNLIGHT_PROPAGATOR_CODE
        )
        if tier is not None
        else None
    )
    key = propagation.video_download_key(video=video, aigc=aigc)
    if video.download_key == key and video.download:
        return video.download

    def made() -> FieldFile | None:
        stored = NoteVideo.objects.filter(pk=video.pk, download_key=key).first()
        return stored.download if stored is not None and stored.download else None

    lock = f"sunlight:render-video:{video.pk}:{key}"
    with render_once(lock, seconds=VIDEO_RENDER_LOCK_SECONDS, made=made) as done:
        if done is not None:
            return done
        with local_copy(video.original, prefix="sunlight-download-") as work:
            target = work / "download.mp4"
            if not video_media.remux(work / "original", target):
                copy_to(video.rendition, target)
            if aigc is not None:
                video_media.append_xmp(target, propagation.xmp_packet(aigc))
            with deleted_on_failure() as written, transaction.atomic():
                locked = NoteVideo.objects.select_for_update().filter(pk=video.pk).first()
                if locked is None:
                    raise DomainError(_("This note has no video."), code="not_found", status=404)
                if locked.download_key == key and locked.download:
                    return locked.download
                with target.open("rb") as handle:
                    replace_file(
                        locked.download,
                        name=f"{locked.public_id.hex}-{key[:16]}.mp4",
                        content=File(handle),
                        written=written,
                    )
                locked.download_key = key
                locked.save(update_fields=["download", "download_key"])
                return locked.download
