from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notes import services
from notes.models import Label, Note
from tests.factories import UserFactory
from tests.images import jpeg_bytes, png_bytes
from tests.notes.conftest import declare, make_draft, make_published

pytestmark = pytest.mark.django_db


def test_it_walks_a_creator_from_new_note_to_published(client, creator):
    client.force_login(creator)
    response = client.post(
        "/notes/new/", {"title": "Harbour at dusk", "body": "Shot on film.", "topics": "photo, 港口"}
    )
    note = Note.objects.get(title="Harbour at dusk")
    assert response["Location"] == f"/notes/{note.public_id}/edit/"
    assert sorted(t.name for t in note.topics.all()) == ["photo", "港口"]

    files = [
        SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg"),
        SimpleUploadedFile("b.png", png_bytes(), content_type="image/png"),
    ]
    response = client.post(f"/notes/{note.public_id}/images/", {"images": files})
    assert response.status_code == 302
    images = list(note.images.order_by("position"))
    assert [i.original_name for i in images] == ["a.jpg", "b.png"]

    # Publishing before declaring is refused, with the reason on the edit page, reached by a redirect
    # (post/redirect/get: reloading the page does not post again); the reason is shown once.
    response = client.post(f"/notes/{note.public_id}/publish/", follow=True)
    assert response.redirect_chain == [(f"/notes/{note.public_id}/edit/#publish", 302)]
    assert "Say whether AI took part before publishing" in response.content.decode()
    assert (
        "Say whether AI took part before publishing"
        not in client.get(f"/notes/{note.public_id}/edit/").content.decode()
    )

    response = client.post(
        f"/notes/{note.public_id}/declaration/",
        {
            "degree": "generated",
            "text_degree": "none",
            f"image_{images[0].public_id.hex}": "generated",
            f"image_{images[1].public_id.hex}": "none",
            "tools": "Midjourney, Photoshop",
            "usage_note": "The sky in image 1 is generated.",
        },
    )
    assert response.status_code == 302
    response = client.post(f"/notes/{note.public_id}/publish/")
    assert response["Location"] == f"/notes/{note.public_id}/"
    note.refresh_from_db()
    assert note.state == "published"

    client.logout()
    html = client.get(f"/notes/{note.public_id}/").content.decode()
    assert "Creator declared: contains AI-generated content" in html
    assert "Midjourney, Photoshop" in html  # the "why this label" explanation
    html = client.get(f"/notes/{note.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "作者声明：笔记含AI合成内容" in html


def test_the_declaration_form_is_never_preselected(client, draft):
    client.force_login(draft.author)
    html = client.get(f"/notes/{draft.public_id}/edit/").content.decode()
    assert 'name="degree"' in html
    assert not re.search(r"<input[^>]*\schecked", html)


def test_it_explains_bad_uploads_and_keeps_the_good_ones(client, draft):
    client.force_login(draft.author)
    files = [
        SimpleUploadedFile("good.jpg", jpeg_bytes(), content_type="image/jpeg"),
        SimpleUploadedFile("evil.jpg", b"MZ not really a jpeg", content_type="image/jpeg"),
    ]
    response = client.post(f"/notes/{draft.public_id}/images/", {"images": files})
    # Post/redirect/get: the reasons are shown on the edit page, and reloading it sends nothing.
    assert response.status_code == 302 and response["Location"].endswith("/edit/#h-images")
    page = client.get(response["Location"]).content.decode()
    assert "evil.jpg: The file is not an image we can read." in page
    assert draft.images.count() == 3
    # Shown once: a reload of the edit page is a plain edit page again.
    assert "evil.jpg" not in client.get(f"/notes/{draft.public_id}/edit/").content.decode()


def test_it_explains_bad_uploads_in_chinese(client, draft):
    client.force_login(draft.author)
    bad = SimpleUploadedFile("evil.jpg", b"MZ not really a jpeg", content_type="image/jpeg")
    response = client.post(
        f"/notes/{draft.public_id}/images/", {"images": [bad]}, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True
    )
    assert "无法读取" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/notes/{id}/edit/",
        "/notes/{id}/images/",
        "/notes/{id}/declaration/",
        "/notes/{id}/publish/",
        "/notes/{id}/delete/",
    ],
)
def test_other_creators_get_404(client, draft, outsider, path):
    client.force_login(outsider)
    url = path.format(id=draft.public_id)
    response = (
        client.get(url) if path.endswith("edit/") else client.post(url, {"title": "hijack", "degree": "none"})
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.title == "Morning at the lake"


def test_drafts_are_private(client, draft, outsider):
    assert client.get(f"/notes/{draft.public_id}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/notes/{draft.public_id}/").status_code == 404
    client.force_login(draft.author)
    assert client.get(f"/notes/{draft.public_id}/").status_code == 200


def test_deleted_notes_leave_public_pages(client, creator):
    note = make_published(creator)
    client.force_login(creator)
    client.post(f"/notes/{note.public_id}/delete/")
    client.logout()
    assert client.get(f"/notes/{note.public_id}/").status_code == 404
    assert note.title not in client.get("/").content.decode()


def test_topic_pages_list_published_notes(client, creator):
    make_published(creator, title="Lake one")
    make_draft(creator, title="Secret draft")
    html = client.get("/topics/travel/").content.decode()
    assert "Lake one" in html and "Secret draft" not in html
    assert client.get("/topics/no-such-topic/").status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_the_feed_runs_a_fixed_number_of_queries(client, creator, count, assert_app_queries):
    for n in range(count):
        make_published(creator, title=f"Note {n}")
    # boosts for the reserved slots + the page's keys + notes + labels + images + topics
    with assert_app_queries(6):
        response = client.get("/")
    assert response.content.decode().count('class="note-card"') == count


@pytest.mark.parametrize("images", [1, 5])
def test_a_note_page_runs_a_fixed_number_of_queries(client, creator, images, assert_app_queries):
    note = make_published(creator, images=images)
    for n in range(images):
        services.comment_create(note=note, author=UserFactory(), body=f"Comment {n}")
    # note (+author, declaration) + labels + images + topics + declaration history
    # + the files' evidence (images with scans, signals) + the comments with their authors
    with assert_app_queries(8):
        response = client.get(f"/notes/{note.public_id}/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_the_dashboard_runs_a_fixed_number_of_queries(client, creator, count, assert_app_queries):
    for n in range(count):
        declare(make_draft(creator, title=f"Draft {n}"))
    client.force_login(creator)
    # session + user + unread badge + count + notes + labels + images + topics
    with assert_app_queries(7):
        response = client.get("/dashboard/")
    assert response.content.decode().count("<tr>") == count + 1
    assert Label.objects.count() == count


def test_note_images_are_served_only_while_the_note_may_be_seen(client, creator, outsider, staff):
    from appeals import services as ledger
    from notes import services as note_services
    from tests.factories import DecisionFactory
    from tests.notes.conftest import make_draft, make_published

    draft = make_draft(creator, images=1)
    draft_thumb = draft.images.get().thumbnail.url
    assert client.get(draft_thumb).status_code == 404  # a draft's copies are not public …
    client.force_login(creator)
    response = client.get(draft_thumb)
    assert (
        response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    )  # … but its author's
    client.logout()

    note = make_published(creator, images=1)
    display = note.images.get().display.url
    response = client.get(display)
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"

    removal = DecisionFactory(subject_owner=creator, subject_id=note.public_id, kind="removal")
    assert client.get(display).status_code == 404  # removed by a decision: not served
    ledger.decision_reverse(decision=removal, acting_user=staff, reason="Restored.")
    assert client.get(display).status_code == 200

    note_services.note_delete(note=note, acting_user=creator)
    assert client.get(display).status_code == 404  # deleted by its author: not served to anyone
    client.force_login(creator)
    assert client.get(display).status_code == 404
    client.force_login(outsider)
    assert client.get(f"/media/notes/{note.public_id}/../../private/x").status_code == 404


def test_browser_uploads_share_the_api_upload_budget(client, creator, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.throttling import SimpleRateThrottle

    from tests.images import jpeg_bytes
    from tests.notes.conftest import make_draft

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "uploads": "2/hour"}
    )
    note = make_draft(creator, images=0)
    client.force_login(creator)
    url = f"/notes/{note.public_id}/images/"
    codes = [
        client.post(url, {"images": [SimpleUploadedFile(f"{n}.jpg", jpeg_bytes())]}).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]
    assert note.images.count() == 2  # the refused upload stored nothing
    refused = client.post(
        url, {"images": [SimpleUploadedFile("x.jpg", jpeg_bytes())]}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert (
        refused.status_code == 429 and "Retry-After" in refused and "请求过于频繁" in refused.content.decode()
    )


def test_the_pipeline_decides_nothing_about_a_staff_members_note(creator, django_capture_on_commit_callbacks):
    from appeals.models import Decision
    from notes import services as note_services
    from tests.factories import UserFactory
    from tests.images import a1111_png_bytes
    from tests.notes.conftest import declare

    member = UserFactory(is_staff=True)
    note = note_services.note_create(author=member, title="Staff sample")
    with django_capture_on_commit_callbacks(execute=True):
        note_services.note_image_add(note=note, acting_user=member, data=a1111_png_bytes(), filename="g.png")
        declare(note, degree="none")
        note_services.note_publish(note=note, acting_user=member)
    assert note.images.get().scan.tier == "suspected"  # the evidence is found and shown …
    assert not Decision.objects.exists()  # … but no automated decision is made about a staff account


@pytest.mark.django_db
def test_a_creator_describes_an_image_for_screen_readers(client, creator):
    from notes.models import ALT_TEXT_MAX

    note = make_published(creator, images=1)
    image = note.images.get()
    client.force_login(creator)
    url = f"/notes/{note.public_id}/images/{image.public_id}/alt/"
    response = client.post(url, {"alt_text": "  Fog over a lake,\n a rowing boat  "}, follow=True)
    assert response.redirect_chain == [(f"/notes/{note.public_id}/edit/#h-images", 302)]
    image.refresh_from_db()
    assert image.alt_text == "Fog over a lake, a rowing boat"
    assert 'alt="Fog over a lake, a rowing boat"' in client.get(f"/notes/{note.public_id}/").content.decode()
    response = client.post(
        url, {"alt_text": "x" * (ALT_TEXT_MAX + 1)}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert f"The description of {image.original_name} is too long" in response.content.decode()
    image.refresh_from_db()
    assert image.alt_text == "Fog over a lake, a rowing boat"  # nothing lost


@pytest.mark.django_db
def test_the_same_file_twice_is_added_and_flagged_by_name(client, creator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    note = make_draft(creator, images=1)
    client.force_login(creator)
    same = png_bytes()
    files = [
        SimpleUploadedFile("first.png", same, content_type="image/png"),
        SimpleUploadedFile("again.png", same, content_type="image/png"),
    ]
    response = client.post(
        f"/notes/{note.public_id}/images/", {"images": files}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    html = response.content.decode()
    assert note.images.count() == 3
    assert "again.png is the same file as image 2" in html


@pytest.mark.django_db
def test_a_title_over_the_limit_is_refused_with_its_length_not_cut(client, creator):
    from notes.models import TITLE_MAX

    note = make_draft(creator, images=0)
    client.force_login(creator)
    page = client.get(f"/notes/{note.public_id}/edit/").content.decode()
    assert f'data-counter="{TITLE_MAX}"' in page and 'name="title" maxlength' not in page
    response = client.post(
        f"/notes/{note.public_id}/edit/",
        {"title": "x" * (TITLE_MAX + 5), "body": "", "topics": ""},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("/edit/#h-text")
    html = response.content.decode()
    assert f"(it has {TITLE_MAX + 5})" in html
    assert "x" * (TITLE_MAX + 5) in html  # what was typed is still there to shorten
    note.refresh_from_db()
    assert note.title == "Morning at the lake"  # nothing lost, nothing cut


@pytest.mark.django_db
def test_files_beyond_the_limit_are_named_with_the_reason(client, creator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from notes.models import MAX_IMAGES

    note = make_draft(creator, images=MAX_IMAGES - 1)
    client.force_login(creator)
    files = [
        SimpleUploadedFile(f"extra{n}.jpg", jpeg_bytes(color=(n * 60, 20, 20)), content_type="image/jpeg")
        for n in range(3)
    ]
    response = client.post(
        f"/notes/{note.public_id}/images/", {"images": files}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain and note.images.count() == MAX_IMAGES
    assert "1 image(s) added." in html
    for name in ("extra1.jpg", "extra2.jpg"):
        assert f"{name}: A note has at most {MAX_IMAGES} images." in html


def test_declare_it_fills_the_declaration_from_the_files(client, creator, django_capture_on_commit_callbacks):
    from tests.images import a1111_png_bytes

    note = services.note_create(author=creator, title="Lighthouse")
    with django_capture_on_commit_callbacks(execute=True):
        services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="photo.jpg")
        services.note_image_add(note=note, acting_user=creator, data=a1111_png_bytes(), filename="gen.png")
    client.force_login(creator)
    page = client.get(f"/notes/{note.public_id}/edit/").content.decode()
    assert "Declare it as the files say" in page
    assert 'data-confirm="The files carry AI evidence your declaration does not cover.' in page
    assert "data-apply-all" in page
    response = client.post(f"/notes/{note.public_id}/declaration/from-evidence/")
    assert response.status_code == 302 and response["Location"].endswith("#h-declaration")
    photo, generated = note.images.order_by("position")
    assert (photo.ai_degree, generated.ai_degree) == ("none", "generated")
    declaration = note.declaration
    declaration.refresh_from_db()
    assert declaration.degree == "generated" and declaration.text_degree == "none"
    assert "AUTOMATIC1111-compatible" in declaration.tools
    page = client.get(f"/notes/{note.public_id}/edit/").content.decode()
    assert "Declare it as the files say" not in page
    # Nothing to declare: said, and nothing changes.
    plain = services.note_create(author=creator, title="Plain")
    services.note_image_add(note=plain, acting_user=creator, data=jpeg_bytes(), filename="p.jpg")
    follow = client.post(f"/notes/{plain.public_id}/declaration/from-evidence/", follow=True).content.decode()
    assert "The files carry no AI evidence to declare." in follow
    assert not hasattr(Note.objects.get(pk=plain.pk), "declaration")


def test_a_refused_declaration_comes_back_with_what_was_typed(client, draft):
    client.force_login(draft.author)
    response = client.post(
        f"/notes/{draft.public_id}/declaration/",
        {
            "degree": "generated",
            "text_degree": "none",
            "tools": "Kling, Suno",
            "usage_note": "Moving cranes.",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"].endswith("/edit/#h-declaration")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Say whether AI took part in image 1." in page
    assert 'value="Kling, Suno"' in page and "Moving cranes." in page
    assert re.search(r'name="degree" value="generated"[^>]*checked', page)
    assert not hasattr(Note.objects.get(pk=draft.pk), "declaration")
