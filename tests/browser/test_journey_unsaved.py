"""A creator's unsaved edits are never dropped silently by publishing or by the scan check."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from notes.models import Note
from tests.browser.test_journey_publish import _login
from tests.notes.conftest import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publishing_with_unsaved_edits_asks_first_and_keeps_them(page, creator):
    note = make_draft(creator, images=1, title="Before")
    _login(page, creator.email)
    page.goto(f"/notes/{note.public_id}/edit/")
    page.get_by_label("Title").fill("After, not saved yet")
    questions: list[str] = []

    def dismiss(dialog) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("button", name="Publish note").click()
    assert questions and "without saving" in questions[0]
    # Still here, the edit still on the page, nothing published.
    expect(page.get_by_label("Title")).to_have_value("After, not saved yet")
    note.refresh_from_db()
    assert (note.title, note.state) == ("Before", Note.State.DRAFT)

    page.remove_listener("dialog", dismiss)
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()
    note.refresh_from_db()
    assert note.title == "After, not saved yet"
