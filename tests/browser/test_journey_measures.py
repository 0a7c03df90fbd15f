"""Staff escalate an automation case to a measure in the admin; the creator, on a phone, finds it on My
standing, cannot post, appeals; staff overturn and the measure is lifted."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from appeals.models import CompensationVoucher, Decision
from notes.models import AutomationCase
from notes.services import cases
from tests.accounts.test_admin_mfa import totp_code
from tests.browser.test_journey_publish import _login
from tests.factories import PASSWORD, UserFactory, staff_with_permissions
from tests.notes.test_cases import bot_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_escalate_a_case_the_creator_appeals_and_the_overturn_lifts_it(
    browser, live_server, creator, artifacts
):
    bot_activity(creator, UserFactory(email="poster@example.com"))
    cases.automation_scan()
    case = AutomationCase.objects.get(account=creator)
    moderator = staff_with_permissions(
        "decide", "decide_appeal", "view_automationcase", "view_appeal", "change_appeal", "view_decision"
    )
    secret = generate_totp_secret()
    moderator.authenticator_set.all().delete()
    for person in (creator, moderator):  # English-speaking accounts: the site follows the account's language
        person.language = "en"
        person.save(update_fields=["language"])
    TOTP.activate(moderator, secret)

    staff_ctx = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    admin = staff_ctx.new_page()
    admin.set_default_timeout(15_000)
    admin.goto("/admin/")
    admin.get_by_label("Email:").fill(moderator.email)
    admin.get_by_label("Password:").fill(PASSWORD)
    admin.get_by_role("button", name="Sign In").click()
    admin.wait_for_url("**/2fa/authenticate/**")
    admin.locator("input[name=code]").fill(totp_code(secret))
    admin.get_by_role("button", name="Sign In").click()
    admin.goto("/admin/notes/automationcase/")
    admin.get_by_role("link", name=str(creator)).first.click()
    expect(admin.locator("body")).to_contain_text("reaction_latency")
    expect(admin.locator("body")).to_contain_text("Great post! Follow me")
    admin.screenshot(path=str(artifacts / "admin-case-en-1280.png"), full_page=True)
    admin.get_by_role("link", name="Escalate to a measure").click()
    admin.get_by_label("Posting restricted").check()
    admin.get_by_label("What is decided (shown to the creator)").fill("Your account cannot post for 7 days.")
    admin.locator("input[type=submit]").click()
    expect(admin.get_by_text("The measure was taken and the creator notified.")).to_be_visible()
    measure = Decision.objects.get(subject_owner=creator)
    assert measure.kind == "posting_restricted" and measure.decided_by == moderator
    assert AutomationCase.objects.get(pk=case.pk).state == "escalated"

    # The creator, on a phone: cannot post, sees why on My standing, and appeals.
    phone = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)
    _login(page, creator.email)
    page.goto("/notes/new/")
    page.get_by_label("Title").fill("One more")
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_text("Your account cannot post or interact until")).to_be_visible()
    page.get_by_role("link", name="My standing").click()
    expect(page.locator(".measure")).to_contain_text("Posting restricted")
    expect(page.locator(".ladder-current")).to_contain_text("Posting restricted")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "standing-restricted-390.png"), full_page=True)
    page.get_by_role("link", name="Read the reasons and appeal").click()
    page.get_by_label("Why is the decision wrong?").fill(
        "I run a tea shop; my assistant schedules posts, I write them."
    )
    page.get_by_role("button", name="Submit appeal").click()
    expect(page.get_by_role("heading", name="Your appeal")).to_be_visible()

    # Staff overturn the appeal in the admin; the measure is lifted and compensated.
    admin.goto("/admin/appeals/appeal/")
    admin.get_by_role("link", name=str(creator.public_name)).first.click()
    admin.get_by_role("link", name="Decide this appeal").click()
    admin.get_by_label("Overturn: reverse the decision").check()
    admin.get_by_label("Reply to the creator").fill("A person writes these posts; the restriction is lifted.")
    admin.get_by_role("button", name="Record decision").click()
    expect(admin.get_by_text("The appeal was decided and the creator notified.")).to_be_visible()
    assert Decision.objects.get(pk=measure.pk).state == "reversed"
    assert CompensationVoucher.objects.filter(decision=measure).exists()

    page.goto("/appeals/standing/")
    expect(page.get_by_text("Your account is in good standing")).to_be_visible()
    page.goto("/notes/new/")
    page.get_by_label("Title").fill("Back again")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/notes/[0-9a-f-]+/edit/"))
    page.goto("/appeals/standing/")
    page.screenshot(path=str(artifacts / "standing-lifted-390.png"), full_page=True)
    staff_ctx.close()
    phone.close()
