from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Notification
from notes.models import Note
from tests.browser.test_journey_publish import _login
from tests.images import a1111_png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_creator_is_shown_the_evidence_publishes_anyway_and_gets_a_reasoned_label(
    page, creator, tmp_path, artifacts
):
    picture = tmp_path / "lighthouse.png"
    picture.write_bytes(a1111_png_bytes((400, 300)))

    _login(page, creator.email)
    page.get_by_role("link", name="New note").click()
    page.get_by_label("Title").fill("Lighthouse")
    page.get_by_role("button", name="Save draft").click()
    page.set_input_files("input[name=images]", [str(picture)])
    page.get_by_role("button", name="Upload").click()

    # Before publishing, the creator sees what the platform sees, in plain words.
    expect(
        page.get_by_text("written by an AUTOMATIC1111-compatible Stable Diffusion tool").first
    ).to_be_visible()
    page.locator("input[name=degree][value=none]").check()
    page.get_by_role("button", name="Save declaration").click()
    warning = page.locator(".evidence-warning")
    expect(warning).to_contain_text("The platform will see AI labels in your files")
    expect(warning.get_by_role("button", name="Declare it as the files say")).to_be_visible()
    page.screenshot(path=str(artifacts / "publish-reminder.png"), full_page=True)
    # Publishing against the warning asks first; cancelling keeps the draft.
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Publish note").click()
    assert questions and "AI evidence your declaration does not cover" in questions[0]
    assert Note.objects.get(title="Lighthouse").state == "draft"
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish note").click()
    page.wait_for_url("**/notes/*/")

    note = Note.objects.get(title="Lighthouse")
    assert note.evidence_shown["images"][0]["tier"] == "suspected"
    label = page.locator("#label-suspected")
    expect(label).to_contain_text("Suspected AI-generated content — please judge carefully")
    label.locator("summary").click()
    expect(label).to_contain_text("AUTOMATIC1111")
    label.get_by_role("link", name="See the decision and how to appeal").click()
    expect(page.get_by_role("heading", name="Statement of reasons")).to_be_visible()
    assert Notification.objects.filter(recipient=creator, kind="decision").count() == 1
