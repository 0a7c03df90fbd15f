"""Video notes in the browser's pages: the edit page's upload and progress, playback with the label,
the feed's poster with a play mark, seeking (byte ranges) and the labelled download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notes import services
from notes.models import NoteVideo
from tests.notes.conftest import make_published
from tests.notes.videos import clip, declare_video, eight_k, make_video_draft, make_video_published

pytestmark = pytest.mark.django_db


def test_a_creator_uploads_a_video_and_sees_it_processed(client, creator, django_capture_on_commit_callbacks):
    client.force_login(creator)
    note = services.note_create(author=creator, title="The crane takes flight")
    edit = client.get(f"/notes/{note.public_id}/edit/").content.decode()
    assert "Images or a video" in edit and 'accept="video/mp4,video/quicktime,video/webm"' in edit
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/notes/{note.public_id}/video/", {"video": SimpleUploadedFile("crane.mp4", clip())}
        )
    assert response.status_code == 302 and response["Location"].endswith("/edit/#h-images")
    status = client.get(f"/notes/{note.public_id}/video/status/").json()
    assert (status["status"], status["progress"], status["error"]) == ("ready", 100, "")
    page = client.get(f"/notes/{note.public_id}/edit/").content.decode()
    assert "<video controls" in page and "crane.mp4" in page
    assert 'name="visual_degree"' in page and 'name="audio_degree"' in page
    assert 'name="animated_from_own"' in page
    # The image upload is gone while the note has a video.
    assert f"/notes/{note.public_id}/images/" not in page


def test_the_edit_page_shows_progress_while_processing(client, creator):
    client.force_login(creator)
    note = services.note_create(author=creator, title="Still processing")
    from tests.notes.videos import add_video

    video = add_video(note, clip())  # tasks not run
    NoteVideo.objects.filter(pk=video.pk).update(status="processing", progress=42)
    page = client.get(f"/notes/{note.public_id}/edit/").content.decode()
    assert 'data-video-state="processing"' in page and 'value="42"' in page and "42%" in page
    publish = client.post(f"/notes/{note.public_id}/publish/", follow=True).content.decode()
    assert "still being processed" in publish


def test_a_refused_upload_says_why_on_the_edit_page(client, creator):
    client.force_login(creator)
    note = services.note_create(author=creator, title="Too big")
    response = client.post(
        f"/notes/{note.public_id}/video/", {"video": SimpleUploadedFile("big.mp4", eight_k())}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("/edit/#h-images")
    assert (
        "big.mp4: The video is 7680 × 4320 pixels; at most 4096 × 2160 is accepted."
        in response.content.decode()
    )
    assert not NoteVideo.objects.exists()


def test_readers_see_the_video_with_its_label_over_it(client, creator):
    painting = make_published(creator, images=1, title="Cranes in clouds")
    note = make_video_draft(creator)
    declare_video(note, animated_from_own=True, animated_from_note=str(painting.public_id))
    services.note_publish(note=note, acting_user=creator)
    page = client.get(f"/notes/{note.public_id}/").content.decode()
    assert '<video controls preload="metadata" playsinline poster="' in page
    assert 'class="video-label label label-declared"' in page
    assert "Creator declared: contains AI-generated content" in page
    assert "AI-animated from the creator's own painting" in page
    assert f'href="/notes/{painting.public_id}/"' in page
    feed = client.get("/").content.decode()
    assert 'class="play-mark"' in feed and "-poster.jpg" in feed
    zh = client.get(f"/notes/{note.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "作者声明：笔记含AI合成内容" in zh


def test_the_rendition_is_served_in_ranges_for_seeking(client, creator):
    note = make_video_published(creator)
    url = NoteVideo.objects.get(note=note).rendition.url
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    body = b"".join(whole.streaming_content)
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(body)}"
    assert b"".join(part.streaming_content) == body[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == body[-10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(body)}-").status_code == 416


def test_the_download_is_labelled(client, creator):
    note = make_video_published(creator)
    response = client.get(f"/notes/{note.public_id}/video/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"TC260:AIGC" in b"".join(response.streaming_content)


def test_a_draft_video_is_private(client, creator, outsider):
    note = make_video_draft(creator)
    video = NoteVideo.objects.get(note=note)
    client.force_login(outsider)
    assert client.get(video.rendition.url).status_code == 404
    assert client.get(video.poster.url).status_code == 404
    assert client.get(f"/notes/{note.public_id}/video/download/").status_code == 404


def test_a_video_note_page_runs_a_fixed_number_of_queries(client, creator, assert_app_queries):
    note = make_video_published(creator)
    # The video comes with the note (one join), not in a query of its own; no image scans to read.
    with assert_app_queries(7):
        response = client.get(f"/notes/{note.public_id}/")
    assert response.status_code == 200


def test_an_oversized_browser_upload_is_refused_before_its_body_is_read(client, creator, settings):
    settings.SUNLIGHT_VIDEO = {**settings.SUNLIGHT_VIDEO, "MAX_MB": 1}
    client.force_login(creator)
    note = services.note_create(author=creator, title="Too big")
    response = client.post(
        f"/notes/{note.public_id}/video/",
        data=b"not even multipart",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "larger than 1 MB" in response.content.decode()
    assert not NoteVideo.objects.exists()
