"""The video journey in a real browser (issue 13): a painter uploads a video AI-animated from her own
painting, declares it per modality, publishes, and a reader sees it play with its label, in English
and in Chinese, at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notes.models import Note, NoteVideo
from tests.browser.support import LOCALES, new_context, sign_in
from tests.factories import UserFactory
from tests.notes.conftest import make_published
from tests.notes.videos import clip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("locale", "language"), LOCALES)
def test_a_painter_publishes_an_animated_painting_and_a_reader_watches_it_labelled(
    browser, live_server, artifacts, tmp_path, locale, language
):
    painter = UserFactory(display_name="Song Hua", language=language)
    painting = make_published(painter, images=1, title="Cranes in clouds, silk")
    movie = tmp_path / "cranes.mp4"
    movie.write_bytes(clip(seconds=3, size=(320, 240)))

    context = new_context(browser, live_server, locale, language, 1280, 900)
    sign_in(context, live_server, painter)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto("/notes/new/")
    page.fill("input[name=title]", "The cranes take flight")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/edit/")
    note = Note.objects.get(title="The cranes take flight")

    page.set_input_files("input[name=video]", str(movie))
    page.locator("form.video-upload button[type=submit]").click()
    # Embedded default: the tasks run in-process, so the page comes back with the player.
    expect(page.locator(".video-item video")).to_be_visible()
    assert NoteVideo.objects.get(note=note).status == "ready"
    page.screenshot(path=str(artifacts / f"video-edit-{language}-1280.png"), full_page=True)

    form = page.locator("form.declaration-form")
    form.locator("input[name=degree][value=generated]").check()
    form.locator("input[name=text_degree][value=none]").check()
    form.locator("input[name=visual_degree][value=generated]").check()
    form.locator("input[name=visual_tools]").fill("Kling")
    form.locator("input[name=audio_degree][value=assisted]").check()
    form.locator("input[name=audio_parts][value=music]").check()
    form.locator("input[name=animated_from_own]").check()
    form.locator("select[name=animated_from]").select_option(f"note:{painting.public_id}")
    form.locator("button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_url(f"**/notes/{note.public_id}/")
    context.close()

    video = NoteVideo.objects.get(note=note)
    assert (video.visual_degree, video.audio_degree, video.animated_from_note_id) == (
        "generated",
        "assisted",
        painting.pk,
    )
    expected_label = (
        "Creator declared: contains AI-generated content"
        if language == "en"
        else "作者声明：笔记含AI合成内容"
    )
    for width in (1280, 390):
        reader = new_context(browser, live_server, locale, language, width, 900)
        page = reader.new_page()
        page.set_default_timeout(30_000)
        page.goto("/")
        card = page.locator(f".note-card:has(a[href='/notes/{note.public_id}/'])")
        expect(card.locator(".play-mark")).to_be_visible()
        page.screenshot(path=str(artifacts / f"video-feed-{language}-{width}.png"))
        page.goto(f"/notes/{note.public_id}/")
        player = page.locator(".note-video video")
        label = page.locator(".note-video .video-label")
        expect(label).to_be_visible()
        assert expected_label in label.inner_text()
        expect(page.locator(".animated-from a")).to_have_attribute("href", f"/notes/{painting.public_id}/")
        # The label sits over the picture, before playback...
        box, over = player.bounding_box(), label.bounding_box()
        assert box["x"] <= over["x"] and over["y"] + over["height"] <= box["y"] + box["height"]
        page.screenshot(path=str(artifacts / f"video-note-{language}-{width}-before.png"))
        # ...and during it.
        page.evaluate("document.querySelector('.note-video video').muted = true")
        page.evaluate("document.querySelector('.note-video video').play()")
        # (wait_for_function would need 'unsafe-eval', which the CSP rightly refuses)
        for _attempt in range(100):
            if page.evaluate("document.querySelector('.note-video video').currentTime") > 0.5:
                break
            page.wait_for_timeout(100)
        else:
            raise AssertionError("the video did not play")
        expect(label).to_be_visible()
        page.screenshot(path=str(artifacts / f"video-note-{language}-{width}-playing.png"))
        reader.close()
