from __future__ import annotations

import pytest
from django.core import mail

from tests.support import confirmation_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_up_confirms_is_signed_in_and_sees_the_dashboard(page, artifacts):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email:").fill("browser@example.com")
    page.get_by_label("Display name:").fill("Bea Browser")
    page.get_by_label("Password:", exact=True).fill("a-long-passphrase-42")
    page.get_by_label("Password (again):").fill("a-long-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")

    assert len(mail.outbox) == 1
    page.goto(confirmation_link(mail.outbox[0].body))
    page.get_by_role("button", name="Confirm").click()
    # Confirming in the browser that signed up signs the creator in: no second password prompt.
    page.wait_for_url("**/dashboard/")

    assert page.get_by_role("heading", name="My notes").is_visible()
    assert page.get_by_text("Welcome, Bea Browser.").is_visible()
    page.screenshot(path=str(artifacts / "dashboard.png"), full_page=True)

    # The same page in Chinese, through the language switcher.
    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="我的笔记").is_visible()
