"""Video notes: upload, processing on the media queue, per-modality declaration, provenance, download."""

from __future__ import annotations

import hashlib
import os

import av
import pytest
from django.core.exceptions import ValidationError

from accounts.models import Notification
from appeals.models import Decision
from core.errors import DomainError
from notes import provenance, services
from notes.evidence_text import label_explanation
from notes.models import Label, Note, NoteVideo
from tests.images import jpeg_bytes
from tests.notes.conftest import make_published
from tests.notes.videos import (
    add_video,
    ai_clip,
    animated_gif,
    audio_only,
    clip,
    declare_video,
    declared_ten_hours,
    eight_k,
    faststart_clip,
    phone_clip,
    stored_files,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(creator) -> Note:
    return services.note_create(author=creator, title="The crane takes flight")


def _processed(note: Note, data: bytes, capture, name: str = "clip.mp4") -> NoteVideo:
    with capture(execute=True):
        video = add_video(note, data, name)
    video.refresh_from_db()
    return video


def test_it_keeps_the_original_and_makes_a_clean_rendition_and_poster(
    note, django_capture_on_commit_callbacks
):
    data = phone_clip()
    video = _processed(note, data, django_capture_on_commit_callbacks, "IMG_0042.MOV")
    assert (video.status, video.progress, video.error) == ("ready", 100, "")
    assert (video.original_format, video.width, video.height, video.has_audio) == ("MP4", 160, 120, True)
    assert video.duration == pytest.approx(2.0, abs=0.1)
    # The original is kept byte for byte, privately.
    with video.original.open("rb") as handle:
        assert handle.read() == data
    assert video.sha256 == hashlib.sha256(data).hexdigest()
    assert video.original.storage is not video.rendition.storage
    # The rendition plays in a browser and carries nothing from the upload's metadata.
    with av.open(video.rendition.path) as rendition:
        assert rendition.streams.video[0].codec_context.name == "h264"
        assert rendition.streams.audio[0].codec_context.name == "aac"
        tags = {**rendition.metadata, **{k: v for s in rendition.streams for k, v in s.metadata.items()}}
    assert not any("location" in key.lower() or "iphone" in str(value).lower() for key, value in tags.items())
    assert b"+31.2304+121.4737" not in video.rendition.open("rb").read()
    assert video.poster.open("rb").read()[:3] == b"\xff\xd8\xff"
    assert video.rendition_size == video.rendition.size


@pytest.mark.parametrize(
    ("make", "name", "code"),
    [
        (lambda: b"This is not a video at all. " * 40, "notes.mp4", "video_not_a_video"),
        (lambda: clip()[:4000], "cut.mp4", "video_corrupt"),
        (lambda: b"", "empty.mp4", "video_empty"),
        (audio_only, "voice.mp4", "video_no_picture"),
        (animated_gif, "dance.mp4", "video_not_a_video"),
        (eight_k, "huge.mp4", "video_too_big"),
        (declared_ten_hours, "long.mp4", "video_too_long"),
        (lambda: clip().replace(b"moov", b"mxxv"), "moov.mp4", "video_corrupt"),
        (lambda: jpeg_bytes() + clip(), "polyglot.mp4", "video_not_a_video"),
    ],
)
def test_bad_files_get_a_clear_error_and_leave_nothing_behind(note, make, name, code):
    with pytest.raises(DomainError) as caught:
        add_video(note, make(), name)
    assert caught.value.code == code
    assert caught.value.message.startswith(f"{name}: ")
    assert not NoteVideo.objects.exists()
    assert stored_files(note) == []


def test_messages_are_in_the_users_language(note):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(DomainError) as caught:
        add_video(note, audio_only(), "voice.mp4")
    assert "视频" in caught.value.message or "画面" in caught.value.message


def test_a_second_video_and_images_beside_a_video_are_refused(note, django_capture_on_commit_callbacks):
    _processed(note, clip(), django_capture_on_commit_callbacks)
    before = stored_files(note)
    with pytest.raises(DomainError) as caught:
        add_video(note, clip(), "second.mp4")
    assert caught.value.code == "video_exists"
    with pytest.raises(DomainError) as caught:
        services.note_image_add(note=note, acting_user=note.author, data=jpeg_bytes(), filename="still.jpg")
    assert caught.value.code == "images_and_video"
    assert NoteVideo.objects.count() == 1 and not note.images.exists()
    assert stored_files(note) == before


def test_a_video_beside_images_is_refused(creator):
    note = services.note_create(author=creator, title="Stills")
    services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="still.jpg")
    with pytest.raises(DomainError) as caught:
        add_video(note, clip())
    assert caught.value.code == "images_and_video"
    assert not NoteVideo.objects.exists()


def test_an_understated_size_is_stopped_at_the_limit(note, settings):
    settings.SUNLIGHT_VIDEO = {**settings.SUNLIGHT_VIDEO, "MAX_MB": 1}
    with pytest.raises(DomainError) as caught:
        services.note_video_check_size(size=2 * 1024 * 1024, name="big.mp4")
    assert (caught.value.code, caught.value.status) == ("video_too_large", 413)
    big = faststart_clip(seconds=4)  # ~400 KB of noise: over a quarter-megabyte limit
    settings.SUNLIGHT_VIDEO = {**settings.SUNLIGHT_VIDEO, "MAX_MB": 0}
    with pytest.raises(DomainError) as caught:
        add_video(note, big, "big.mp4")
    assert caught.value.code == "video_too_large"
    assert stored_files(note) == []


def test_a_failed_transcode_says_why_and_keeps_the_draft(note, django_capture_on_commit_callbacks):
    data = faststart_clip()
    cut = data[: len(data) * 6 // 10]  # the index is whole, the pictures stop early
    video = _processed(note, cut, django_capture_on_commit_callbacks, "cut.mp4")
    assert (video.status, video.error, video.rendition.name) == ("failed", "video_truncated", "")
    assert "stops before its end" in services.video_error_text(video)
    note.refresh_from_db()
    assert note.state == Note.State.DRAFT and note.title == "The crane takes flight"
    declare_video(note)
    with pytest.raises(DomainError) as caught:
        services.note_publish(note=note, acting_user=note.author)
    assert caught.value.code == "video_failed"
    # Removing it frees the note for another file; its files go after commit.
    with django_capture_on_commit_callbacks(execute=True):
        services.note_video_remove(note=note, acting_user=note.author)
    assert stored_files(note) == []
    assert _processed(note, clip(), django_capture_on_commit_callbacks).status == "ready"


def test_processing_twice_is_harmless(note, django_capture_on_commit_callbacks):
    from notes.services.videos import video_process

    video = _processed(note, clip(), django_capture_on_commit_callbacks)
    rendition = video.rendition.name
    again = video_process(video_id=video.pk)
    assert (again.status, again.rendition.name) == ("ready", rendition)


def test_publishing_waits_for_the_rendition(note):
    add_video(note, clip())  # the tasks are not run: still waiting
    declare_video(note)
    with pytest.raises(DomainError) as caught:
        services.note_publish(note=note, acting_user=note.author)
    assert (caught.value.code, caught.value.status) == ("video_processing", 409)


def test_the_declaration_answers_per_modality(note, django_capture_on_commit_callbacks):
    _processed(note, clip(), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        declare_video(note, visuals=None)
    assert "visual_degree" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        declare_video(note, audio=None)
    assert "audio_degree" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        declare_video(note, degree="assisted", visuals="generated")
    assert "degree" in caught.value.message_dict
    declare_video(
        note,
        degree="generated",
        visuals="assisted",
        audio="generated",
        audio_parts=("voice_synthetic", "music"),
        visual_tools=("Kling",),
        audio_tools=("Suno",),
    )
    video = NoteVideo.objects.get(note=note)
    assert (video.visual_degree, video.audio_degree, video.audio_parts) == (
        "assisted",
        "generated",
        ["voice_synthetic", "music"],
    )
    services.note_publish(note=note, acting_user=note.author)
    label = Label.objects.get(note=note, tier="declared")
    assert label.kind == "generated"
    lines = label_explanation(label)
    assert "Picture: AI-assisted (Kling)" in lines
    assert "Sound: AI-generated (a synthesised voice, generated music, Suno)" in lines


def test_a_silent_video_needs_no_answer_for_sound(note, django_capture_on_commit_callbacks):
    _processed(note, clip(audio=False), django_capture_on_commit_callbacks)
    declare_video(note, visuals="generated", audio=None)
    assert NoteVideo.objects.get(note=note).audio_degree == "none"


def test_animated_from_own_artwork_links_only_the_creators_own_notes(
    note, creator, outsider, django_capture_on_commit_callbacks
):
    _processed(note, clip(), django_capture_on_commit_callbacks)
    painting = make_published(creator, title="Cranes in clouds, silk")
    theirs = make_published(outsider, title="Not yours")
    with pytest.raises(ValidationError) as caught:
        declare_video(note, animated_from_own=True, animated_from_note=str(theirs.public_id))
    assert "animated_from_note" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        declare_video(note, animated_from_note=str(painting.public_id))
    assert "animated_from_own" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        declare_video(
            note,
            animated_from_own=True,
            animated_from_note=str(painting.public_id),
            animated_from_image=str(theirs.images.first().public_id),
        )
    assert "animated_from_image" in caught.value.message_dict
    image = painting.images.order_by("position").first()
    declare_video(
        note,
        animated_from_own=True,
        animated_from_note=str(painting.public_id),
        animated_from_image=str(image.public_id),
    )
    video = NoteVideo.objects.get(note=note)
    assert (video.animated_from_note, video.animated_from_image) == (painting, image)
    services.note_publish(note=note, acting_user=note.author)
    label = Label.objects.get(note=note, tier="declared")
    assert "AI-animated from the creator's own artwork." in label_explanation(label)
    assert label.evidence["video"]["animated_from_note"] == str(painting.public_id)


def test_animated_work_counts_for_the_quality_bonus(note, creator, django_capture_on_commit_callbacks):
    from notes.models import DistributionFactor

    _processed(note, clip(), django_capture_on_commit_callbacks)
    painting = make_published(creator, title="Cranes in clouds, silk")
    declare_video(
        note,
        degree="assisted",
        visuals="assisted",
        animated_from_own=True,
        animated_from_note=str(painting.public_id),
    )
    services.note_publish(note=note, acting_user=note.author)
    bonus = DistributionFactor.objects.get(note=note, name="quality_bonus")
    assert bonus.reason == "eligible" and bonus.value > 1
    assert bonus.details["animated_from"] == str(painting.public_id)


def test_undeclared_ai_in_a_video_gets_a_reasoned_label_and_a_notification(
    note, creator, django_capture_on_commit_callbacks
):
    creator.language = "en"
    creator.save(update_fields=["language"])
    video = _processed(note, ai_clip(), django_capture_on_commit_callbacks)
    assert (video.scan_status, video.scan_tier) == ("done", "confirmed")
    assert any(s["kind"] == "aigc" for s in video.signals)
    declare_video(note, degree="none", visuals="none")
    with django_capture_on_commit_callbacks(execute=True):
        services.note_publish(note=note, acting_user=note.author)
    note.refresh_from_db()
    assert note.evidence_shown["images"][0]["media"] == "video"
    decision = Decision.objects.get(subject_id=note.public_id)
    assert decision.kind == Decision.Kind.LABEL_CONFIRMED
    assert "the metadata of its video says AI made or edited it" in decision.summary
    assert "The video carries the implicit AI label of GB 45438-2025" in decision.facts
    label = Label.objects.get(note=note, tier="confirmed")
    assert label.decision == decision
    assert Notification.objects.filter(recipient=creator).exists()


def test_a_declared_video_with_ai_signals_is_not_decided_against(note, django_capture_on_commit_callbacks):
    _processed(note, ai_clip(), django_capture_on_commit_callbacks)
    declare_video(note)
    with django_capture_on_commit_callbacks(execute=True):
        services.note_publish(note=note, acting_user=note.author)
    assert not Decision.objects.filter(subject_id=note.public_id).exists()
    assert list(note.labels.values_list("tier", flat=True)) == ["declared"]


def test_the_download_is_original_quality_and_carries_the_platform_label(
    note, settings, django_capture_on_commit_callbacks
):
    data = clip() + b"PK\x03\x04" + b"\0" * 64  # a zip stuck on the end is not passed on
    _processed(note, data, django_capture_on_commit_callbacks)
    declare_video(note)
    services.note_publish(note=note, acting_user=note.author)
    video = NoteVideo.objects.get(note=note)
    stored = services.note_video_download(note=note, video=video)
    body = stored.open("rb").read()
    assert b"PK\x03\x04" not in body
    found = provenance.scan(body)
    aigc = next(s for s in found.signals if s.kind == "aigc")
    assert aigc.details["label"] == "2"  # declared
    assert (aigc.details["propagator"], aigc.details["propagate_id"]) == (
        settings.SUNLIGHT_PROPAGATOR_CODE,
        str(note.public_id),
    )
    with av.open(stored.path) as copy:
        # Original quality: the upload's own H.264 stream, copied, not re-encoded.
        assert copy.streams.video[0].codec_context.width == 160
    # Served stored the second time.
    assert services.note_video_download(note=note, video=NoteVideo.objects.get(note=note)).name == stored.name


def test_a_video_without_a_label_downloads_without_one(note, django_capture_on_commit_callbacks):
    _processed(note, clip(), django_capture_on_commit_callbacks)
    declare_video(note, degree="none", visuals="none", audio="none")
    services.note_publish(note=note, acting_user=note.author)
    stored = services.note_video_download(note=note, video=NoteVideo.objects.get(note=note))
    assert provenance.scan(stored.open("rb").read()).tier == "none"


def test_a_portrait_phone_video_is_shown_upright(note, django_capture_on_commit_callbacks):
    from PIL import Image

    from tests.notes.videos import portrait_phone_clip

    video = _processed(note, portrait_phone_clip(), django_capture_on_commit_callbacks, "portrait.mp4")
    assert (video.width, video.height) == (96, 160)
    with av.open(video.rendition.path) as rendition:
        frame = next(rendition.decode(video=0))
        assert (frame.width, frame.height, frame.rotation) == (96, 160, 0)
    assert Image.open(video.poster.open("rb")).size == (96, 160)


def test_declare_it_marks_the_video_picture_as_the_file_says(note, django_capture_on_commit_callbacks):
    _processed(note, ai_clip(), django_capture_on_commit_callbacks)
    services.note_declare_from_evidence(note=note, acting_user=note.author)
    video = NoteVideo.objects.get(note=note)
    assert (video.visual_degree, video.audio_degree) == ("generated", "none")
    assert note.declaration.degree == "generated"
    services.note_publish(note=note, acting_user=note.author)
    assert not Decision.objects.filter(subject_id=note.public_id).exists()


def test_a_picture_in_a_codec_ffmpeg_cannot_decode_is_refused_not_a_crash(note):
    from tests.notes.videos import recorded_webm

    doctored = recorded_webm().replace(b"V_VP9", b"V_ZZ9")
    with pytest.raises(DomainError) as caught:
        add_video(note, doctored, "odd.webm")
    assert caught.value.code == "video_corrupt"
    assert stored_files(note) == []


def test_a_browser_recording_without_a_duration_is_measured(note, django_capture_on_commit_callbacks):
    from tests.notes.videos import recorded_webm

    video = _processed(note, recorded_webm(seconds=2), django_capture_on_commit_callbacks, "recording.webm")
    assert video.original_format == "WEBM" and video.duration == pytest.approx(2.0, abs=0.2)
    assert video.status == "ready"


def test_slow_motion_is_played_at_the_renditions_frame_rate(note, django_capture_on_commit_callbacks):
    from tests.notes.videos import slow_motion

    video = _processed(note, slow_motion(seconds=1, fps=240), django_capture_on_commit_callbacks)
    with av.open(video.rendition.path) as rendition:
        frames = sum(1 for _frame in rendition.decode(video=0))
    assert 55 <= frames <= 61, frames


def test_a_video_removed_while_it_is_transcoded_leaves_no_files(
    note, monkeypatch, django_capture_on_commit_callbacks
):
    from notes import video_media
    from notes.services import videos as video_services

    video = add_video(note, clip())
    real = video_media.transcode

    def transcode_then_removed(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            services.note_video_remove(note=note, acting_user=note.author)
        return result

    monkeypatch.setattr(video_services.video_media, "transcode", transcode_then_removed)
    assert video_services.video_process(video_id=video.pk) is None
    assert not NoteVideo.objects.exists()
    assert stored_files(note) == []


def test_a_store_failure_gives_the_claim_back_so_the_retry_runs_at_once(note):
    """The original cannot be read (the store or the disk failed): the task raises for its retry, and
    the video waits again instead of being held by a dead run until its 90-minute lease ends."""
    from notes.services import videos as video_services

    video = add_video(note, clip())
    stored = video.original.path
    kept = stored + ".kept"
    os.rename(stored, kept)
    with pytest.raises(OSError):
        video_services.video_process(video_id=video.pk)
    waiting = NoteVideo.objects.get(pk=video.pk)
    assert (waiting.status, waiting.attempts) == ("waiting", 1)
    os.rename(kept, stored)
    assert video_services.video_process(video_id=video.pk).status == "ready"
    assert NoteVideo.objects.get(pk=video.pk).attempts == 2


def test_a_run_holds_the_video_until_its_lease_ends(note, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from notes.services import videos as video_services

    video = add_video(note, clip())
    now = timezone.now()
    NoteVideo.objects.filter(pk=video.pk).update(status="processing", started_at=now, attempts=1)
    # A second delivery of the message while the first run works: it leaves the video alone.
    assert video_services.video_process(video_id=video.pk).status == "processing"
    assert NoteVideo.objects.get(pk=video.pk).attempts == 1
    # The first run died: after its lease the sweep sends it again, and a run finishes it.
    NoteVideo.objects.filter(pk=video.pk).update(started_at=now - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert video_services.videos_resume() == 1
    assert NoteVideo.objects.get(pk=video.pk).status == "ready"
    # A video every attempt failed on is marked failed, not left spinning.
    NoteVideo.objects.filter(pk=video.pk).update(
        status="processing", started_at=now - timedelta(hours=2), attempts=3
    )
    assert video_services.videos_resume() == 0
    failed = NoteVideo.objects.get(pk=video.pk)
    assert (failed.status, failed.error) == ("failed", "processing_error")


def test_only_the_picture_answer_covers_the_files_evidence(note, django_capture_on_commit_callbacks):
    _processed(note, ai_clip(), django_capture_on_commit_callbacks)
    declare_video(note, degree="generated", visuals="none", audio="generated", audio_parts=("music",))
    with django_capture_on_commit_callbacks(execute=True):
        services.note_publish(note=note, acting_user=note.author)
    assert Label.objects.filter(note=note, tier="confirmed").exists()
