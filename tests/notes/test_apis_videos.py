"""The video API a mobile client uses: upload, processing status, per-modality declaration, reading."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notes import services
from notes.models import NoteVideo
from tests.notes.conftest import make_published
from tests.notes.videos import ai_clip, audio_only, clip, make_video_draft, make_video_published

pytestmark = pytest.mark.django_db


def _upload(client, note_id: str, data: bytes, name: str = "clip.mp4"):
    return client.post(
        f"/api/v1/notes/{note_id}/video/", {"video": SimpleUploadedFile(name, data)}, format="multipart"
    )


def test_a_mobile_client_publishes_an_animated_painting(
    creator_api, creator, api_client, django_capture_on_commit_callbacks
):
    painting = make_published(creator, images=1, title="Cranes in clouds")
    note_id = creator_api.post("/api/v1/notes/", {"title": "The cranes fly"}, format="json").json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(creator_api, note_id, ai_clip())
    assert response.status_code == 201, response.content
    video = response.json()["video"]
    assert (video["original_name"], video["has_audio"]) == ("clip.mp4", True)
    status = creator_api.get(f"/api/v1/notes/{note_id}/video/").json()
    assert (status["status"], status["progress"], status["error"]) == ("ready", 100, "")
    assert status["rendition_url"].endswith(".mp4") and status["poster_url"].endswith(".jpg")
    assert status["scan"]["tier"] == "confirmed"
    assert status["signals"][0]["description"].startswith("The video carries the implicit AI label")

    response = creator_api.put(
        f"/api/v1/notes/{note_id}/declaration/",
        {
            "degree": "generated",
            "text_degree": "none",
            "video": {
                "visual_degree": "generated",
                "audio_degree": "generated",
                "audio_parts": ["music"],
                "visual_tools": ["Kling"],
                "animated_from_own": True,
                "animated_from_note": str(painting.public_id),
            },
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["video"]["animated_from_note"] == str(painting.public_id)
    assert creator_api.post(f"/api/v1/notes/{note_id}/publish/").json()["state"] == "published"

    public = api_client.get(f"/api/v1/feed/{note_id}/").json()
    assert public["video"]["animated_from_own"] is True
    assert public["video"]["animated_from_note"] == str(painting.public_id)
    assert public["video"]["download_url"].endswith(f"/notes/{note_id}/video/download/")
    assert "signals" not in public["video"] and "original_name" not in public["video"]
    assert [label["tier"] for label in public["labels"]] == ["declared"]


def test_the_declaration_errors_name_the_video_fields(creator_api, creator):
    note = make_video_draft(creator)
    response = creator_api.put(
        f"/api/v1/notes/{note.public_id}/declaration/",
        {"degree": "generated", "text_degree": "none", "video": {"visual_degree": "generated"}},
        format="json",
    )
    assert response.status_code == 400
    assert "video.audio_degree" in response.json()["error"]["fields"]


def test_it_refuses_an_oversized_upload_from_its_declared_length(creator_api, creator, settings):
    settings.SUNLIGHT_VIDEO = {**settings.SUNLIGHT_VIDEO, "MAX_MB": 1}
    note = services.note_create(author=creator, title="Too big")
    response = creator_api.post(
        f"/api/v1/notes/{note.public_id}/video/",
        data=b"--x\r\n" + b"\0" * (2 * 1024 * 1024),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "video_too_large"
    assert not NoteVideo.objects.exists()


def test_bad_files_are_refused_with_their_reason(creator_api, creator):
    note = services.note_create(author=creator, title="Voice memo")
    response = _upload(creator_api, str(note.public_id), audio_only(), "memo.mp4")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "video_no_picture"
    assert "memo.mp4" in response.json()["error"]["message"]
    zh = creator_api.post(
        f"/api/v1/notes/{note.public_id}/video/",
        {"video": SimpleUploadedFile("memo.mp4", audio_only())},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert zh.json()["error"]["message"] != response.json()["error"]["message"]
    assert not NoteVideo.objects.exists()


def test_a_second_video_is_a_conflict(creator_api, creator):
    note = make_video_draft(creator)
    response = _upload(creator_api, str(note.public_id), clip())
    assert (response.status_code, response.json()["error"]["code"]) == (409, "video_exists")
    assert NoteVideo.objects.count() == 1


def test_other_creators_get_404(creator, outsider):
    from rest_framework.test import APIClient

    note = make_video_draft(creator)
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/notes/{note.public_id}/video/").status_code == 404
    assert _upload(client, str(note.public_id), clip()).status_code == 404
    assert client.delete(f"/api/v1/notes/{note.public_id}/video/").status_code == 404
    assert NoteVideo.objects.filter(note=note).exists()


def test_removing_the_video_through_the_api(creator_api, creator):
    note = make_video_draft(creator)
    response = creator_api.delete(f"/api/v1/notes/{note.public_id}/video/")
    assert response.status_code == 200 and response.json()["video"] is None
    assert creator_api.get(f"/api/v1/notes/{note.public_id}/video/").status_code == 404


def test_the_public_feed_shows_the_poster_and_the_label(api_client, creator):
    note = make_video_published(creator)
    item = next(
        n for n in api_client.get("/api/v1/feed/").json()["results"] if n["id"] == str(note.public_id)
    )
    assert item["video"]["poster_url"].endswith(".jpg") and item["video"]["duration"] > 0
    assert item["labels"][0]["tier"] == "declared"
