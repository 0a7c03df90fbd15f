"""A video note with real workers: the upload is checked in the request, the scan runs on the default
queue and the transcode on the media queue, each in its own worker process."""

from __future__ import annotations

import av
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals.models import Decision
from notes.models import Label, Note, NoteVideo
from tests.notes.videos import ai_clip
from tests.support import wait_for

pytestmark = pytest.mark.integration


def test_real_workers_scan_and_transcode_a_video_and_label_undeclared_ai(celery_workers, client, creator):
    scanner = celery_workers.start(queues=("default", "scans", "mail", "periodic"))
    transcoder = celery_workers.start(queues=("media",))
    creator.language = "en"  # the statement of reasons is written in the creator's language
    creator.save(update_fields=["language"])
    client.force_login(creator)
    note = Note.objects.create(author=creator, title="The crane takes flight")
    response = client.post(
        f"/notes/{note.public_id}/video/", {"video": SimpleUploadedFile("crane.mp4", ai_clip())}
    )
    assert response.status_code == 302

    # The request only stored the original and enqueued the work.
    wait_for(
        lambda: NoteVideo.objects.filter(note=note, status="ready", scan_status="done").exists(), timeout=60
    )
    video = NoteVideo.objects.get(note=note)
    assert client.get(f"/notes/{note.public_id}/video/status/").json()["progress"] == 100
    with av.open(video.rendition.path) as rendition:
        assert rendition.streams.video[0].codec_context.name == "h264"
    # Each task ran in the worker of its queue (the banners list every task; the "Task …[id]" lines
    # are the runs).
    assert "Task notes.tasks.process_video[" in transcoder.log.read_text()
    assert "Task notes.tasks.process_video[" not in scanner.log.read_text()
    assert "Task notes.tasks.scan_video[" in scanner.log.read_text()

    client.post(
        f"/notes/{note.public_id}/declaration/",
        {"degree": "none", "text_degree": "none", "visual_degree": "none", "audio_degree": "none"},
    )
    assert client.post(f"/notes/{note.public_id}/publish/").status_code == 302
    wait_for(lambda: Label.objects.filter(note=note, tier="confirmed").exists())
    decision = Decision.objects.get(subject_id=note.public_id)
    assert decision.kind == "label_confirmed" and "its video" in decision.summary
    page = client.get(f"/notes/{note.public_id}/").content.decode()
    assert 'class="video-label label label-confirmed"' in page
