from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from notes.models import Note
from tests.images import jpeg_bytes, png_bomb_bytes, webp_bytes
from tests.notes.conftest import make_draft, make_published

pytestmark = pytest.mark.django_db


def _upload(client: APIClient, note_id: str, data: bytes, name: str = "photo.jpg"):
    return client.post(
        f"/api/v1/notes/{note_id}/images/", {"image": SimpleUploadedFile(name, data)}, format="multipart"
    )


def test_a_mobile_client_publishes_a_note_with_two_images_and_a_declaration(creator_api, api_client):
    response = creator_api.post(
        "/api/v1/notes/",
        {"title": "Night market", "body": "Stalls *everywhere*.", "topics": ["food"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    note_id = response.json()["id"]
    assert response.json()["state"] == "draft"
    assert response.json()["declaration"] is None

    assert _upload(creator_api, note_id, jpeg_bytes()).status_code == 201
    response = _upload(creator_api, note_id, webp_bytes(), "b.webp")
    assert response.status_code == 201
    images = response.json()["images"]
    assert [i["original_format"] for i in images] == ["JPEG", "WEBP"]

    response = creator_api.post(f"/api/v1/notes/{note_id}/publish/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "declaration_required"

    response = creator_api.put(
        f"/api/v1/notes/{note_id}/declaration/",
        {
            "degree": "assisted",
            "text_degree": "assisted",
            "images": {images[0]["id"]: "none", images[1]["id"]: "assisted"},
            "tools": ["DeepSeek"],
            "usage_note": "Translated the captions.",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["declaration"]["tools"] == ["DeepSeek"]

    response = creator_api.post(f"/api/v1/notes/{note_id}/publish/")
    assert response.status_code == 200
    assert response.json()["state"] == "published"

    # The public side: no token needed; the label comes in the reader's language.
    response = api_client.get(f"/api/v1/feed/{note_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    labels = response.json()["labels"]
    assert [(label["tier"], label["text"]) for label in labels] == [
        ("declared", "作者声明：使用了AI辅助创作")  # declared as AI-assisted: DESIGN.md's wording
    ]
    feed = api_client.get("/api/v1/feed/").json()
    assert [n["id"] for n in feed["results"]] == [note_id]
    assert feed["results"][0]["labels"][0]["text"] == "Creator declared: made with AI assistance"


def test_it_answers_with_field_errors_for_bad_declarations(creator_api, creator):
    note = make_draft(creator)
    response = creator_api.put(
        f"/api/v1/notes/{note.public_id}/declaration/",
        {"degree": "generated", "text_degree": "none"},
        format="json",
    )
    assert response.status_code == 400
    assert "images" in response.json()["error"]["fields"]
    response = creator_api.put(
        f"/api/v1/notes/{note.public_id}/declaration/", {"degree": "maybe"}, format="json"
    )
    assert response.json()["error"]["fields"]["degree"]


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"MZ executable", "image_not_an_image"), (png_bomb_bytes(), "image_too_many_pixels"), (b"", None)],
)
def test_it_rejects_bad_images_with_a_clear_error(creator_api, creator, data, code):
    note = make_draft(creator, images=1)
    response = _upload(creator_api, str(note.public_id), data)
    assert response.status_code == 400
    if code:
        assert response.json()["error"]["code"] == code
        assert response.json()["error"]["fields"]["image"]
    assert note.images.count() == 1


def test_it_refuses_a_tenth_image(creator_api, creator):
    note = make_draft(creator, images=9)
    response = _upload(creator_api, str(note.public_id), jpeg_bytes())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_images"


def test_other_creators_get_404_everywhere(outsider_api, creator):
    note = make_draft(creator)
    image = note.images.first()
    base = f"/api/v1/notes/{note.public_id}/"
    assert outsider_api.get(base).status_code == 404
    assert outsider_api.patch(base, {"title": "mine now"}, format="json").status_code == 404
    assert outsider_api.delete(base).status_code == 404
    assert _upload(outsider_api, str(note.public_id), jpeg_bytes()).status_code == 404
    assert outsider_api.delete(f"{base}images/{image.public_id}/").status_code == 404
    assert outsider_api.put(f"{base}declaration/", {"degree": "none"}, format="json").status_code == 404
    assert outsider_api.post(f"{base}publish/").status_code == 404
    assert outsider_api.get(f"/api/v1/feed/{note.public_id}/").status_code == 404  # drafts are not public
    note.refresh_from_db()
    assert note.title == "Morning at the lake" and note.state == "draft" and note.images.count() == 2


def test_it_lists_only_my_notes(creator_api, creator, outsider):
    mine = make_draft(creator)
    make_draft(outsider)
    response = creator_api.get("/api/v1/notes/")
    assert [n["id"] for n in response.json()["results"]] == [str(mine.public_id)]


def test_it_validates_note_fields(creator_api):
    response = creator_api.post("/api/v1/notes/", {"title": "", "body": "x" * 20001}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "body"}
    assert not Note.objects.exists()


def test_delete_then_404(creator_api, creator):
    note = make_published(creator)
    assert creator_api.delete(f"/api/v1/notes/{note.public_id}/").status_code == 204
    assert creator_api.get(f"/api/v1/notes/{note.public_id}/").status_code == 404
    note.refresh_from_db()
    assert note.state == "removed"


@pytest.mark.parametrize("count", [1, 6])
def test_the_feed_api_runs_a_fixed_number_of_queries(api_client, creator, count, assert_app_queries):
    for n in range(count):
        make_published(creator, title=f"Note {n}")
    # boosts for the reserved slots + the page's keys + notes + labels + images + topics
    with assert_app_queries(6):
        response = api_client.get("/api/v1/feed/")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 6])
def test_my_notes_api_runs_a_fixed_number_of_queries(creator_api, creator, count, assert_app_queries):
    for n in range(count):
        make_draft(creator, title=f"Draft {n}")
    # session token (2) + user + notes + labels + images + topics + declaration history
    # + image scans + signals + the signals' images
    with assert_app_queries(8):
        response = creator_api.get("/api/v1/notes/")
    assert len(response.json()["results"]) == count


def test_it_refuses_an_oversized_upload_before_reading_it(creator_api, creator):
    note = make_draft(creator, images=1)
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (20 * 1024 * 1024)
    response = _upload(creator_api, str(note.public_id), big)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "image_too_large"
    assert "20 MB" in response.json()["error"]["message"]
    assert note.images.count() == 1


def test_public_label_evidence_names_kind_place_and_tool_but_never_raw_values(
    api_client, creator_api, creator, django_capture_on_commit_callbacks
):
    from notes import services as note_services
    from tests.images import a1111_png_bytes
    from tests.notes.conftest import declare

    note = note_services.note_create(author=creator, title="Prompted")
    with django_capture_on_commit_callbacks(execute=True):
        note_services.note_image_add(note=note, acting_user=creator, data=a1111_png_bytes(), filename="g.png")
        declare(note, degree="none")
        note_services.note_publish(note=note, acting_user=creator)
    public = api_client.get(f"/api/v1/feed/{note.public_id}/").json()
    (label,) = [item for item in public["labels"] if item["tier"] == "suspected"]
    (signal,) = label["evidence"]["images"][0]["signals"]
    assert signal["kind"] == "generator" and signal["location"] and "value" not in signal
    assert "a lighthouse at dusk" not in str(public)  # the prompt stays private
    feed = api_client.get("/api/v1/feed/").json()
    assert "a lighthouse at dusk" not in str(feed)
    # The creator still sees the raw value on their own note.
    own = creator_api.get(f"/api/v1/notes/{note.public_id}/").json()
    assert "a lighthouse at dusk" in str(own)
