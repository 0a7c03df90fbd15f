from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notes.models import Note
from tests.factories import PASSWORD
from tests.images import jpeg_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email: str) -> None:
    """Sign in through the form as an English-speaking account (after sign-in the site speaks the
    account's language, whatever the browser's)."""
    from accounts.models import User

    User.objects.filter(email=email).update(language="en")
    page.goto("/accounts/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def test_it_publishes_a_note_with_two_images_and_shows_the_label_in_both_languages(
    page, creator, tmp_path, artifacts
):
    first, second = tmp_path / "lake.jpg", tmp_path / "sky.png"
    first.write_bytes(jpeg_bytes((1200, 900)))
    second.write_bytes(png_bytes((800, 600)))

    _login(page, creator.email)
    page.get_by_role("link", name="New note").click()
    page.get_by_label("Title").fill("Lake and a generated sky")
    page.get_by_label("Text").fill("The lake is real; the **sky** is not.")
    page.get_by_label("Topics").fill("travel, 天空")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/edit/")

    page.set_input_files("input[name=images]", [str(first), str(second)])
    page.get_by_role("button", name="Upload").click()
    # The upload goes through XHR with a progress bar, then the page reloads with both images.
    expect(page.locator(".image-list li")).to_have_count(2)
    expect(page.get_by_text("No AI label found in this file's metadata.")).to_have_count(2)

    # Publishing without a declaration is refused on the page.
    page.get_by_role("button", name="Publish note").click()
    assert page.get_by_text("Say whether AI took part before publishing").is_visible()

    page.locator("input[name=degree][value=generated]").check()
    page.locator("input[name=text_degree][value=none]").check()
    rows = page.locator(".degree-row:has(img.mini)")
    rows.nth(0).locator("input[value=none]").check()
    rows.nth(1).locator("input[value=generated]").check()
    page.get_by_label("AI tools used").fill("Midjourney")
    page.get_by_role("button", name="Save declaration").click()
    page.wait_for_url("**/edit/")
    page.get_by_role("button", name="Publish note").click()
    page.wait_for_url("**/notes/*/")

    note = Note.objects.get(title="Lake and a generated sky")
    assert note.state == "published"

    # A reader (signed out) sees the label and why, in English…
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"/notes/{note.public_id}/")
    label = page.locator("#label-declared")
    assert label.get_by_text("Creator declared: contains AI-generated content").is_visible()
    label.locator("summary").click()
    assert label.get_by_text("Midjourney").is_visible()
    page.screenshot(path=str(artifacts / "note-en.png"), full_page=True)

    # …and in Chinese, through the language switcher.
    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.locator("#label-declared").get_by_text("作者声明：笔记含AI合成内容").is_visible()
    page.screenshot(path=str(artifacts / "note-zh.png"), full_page=True)

    page.goto("/")
    assert page.locator(".note-card").get_by_text("作者声明：笔记含AI合成内容").is_visible()
