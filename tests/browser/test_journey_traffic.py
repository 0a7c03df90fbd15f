"""A creator sees why each note gets the traffic it gets, spends a voucher, and readers see the boost;
on a 1280 px screen in English and a 390 px phone in Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from appeals import services as ledger
from appeals.models import CompensationVoucher, Decision
from notes import impressions
from tests.browser.test_journey_publish import _login
from tests.factories import DecisionFactory, UserFactory, staff_with_permissions
from tests.notes.test_traffic import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_creator_reads_their_traffic_and_boosts_a_note_with_a_voucher(
    browser, live_server, creator, artifacts
):
    bonus = publish(creator, title="Cranes in the clouds", seed=1)
    plain = publish(creator, title="Harbour at night", degree="none", body="", seed=2)
    publish(UserFactory(), title="A neighbour's lake", degree="none", body="", seed=3)
    DecisionFactory(subject_owner=creator, subject_id=plain.public_id, subject_title=plain.title)
    wrong = DecisionFactory(subject_owner=creator, kind=Decision.Kind.REDUCED_DISTRIBUTION)
    ledger.decision_reverse(
        decision=wrong, acting_user=staff_with_permissions("decide"), reason="Our mistake."
    )
    voucher = CompensationVoucher.objects.get(decision=wrong)

    # Two readers see the feed: impressions for the creator's notes.
    for agent in ("Reader one", "Reader two"):
        context = browser.new_context(base_url=live_server.url, user_agent=agent)
        context.new_page().goto("/")
        context.close()
    impressions.impressions_flush()

    desk = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    page = desk.new_page()
    page.set_default_timeout(15_000)
    _login(page, creator.email)
    expect(page.locator(".traffic-bonus")).to_have_text("▲ Bonus")
    expect(page.locator(".traffic-reduced")).to_have_text("▼ Reduced")
    page.locator(".traffic-reduced").click()
    expect(page.get_by_role("heading", name="Traffic: Harbour at night")).to_be_visible()
    expect(page.locator("#factor-undeclared_ai")).to_contain_text("×0.5")
    expect(page.locator("#factor-undeclared_ai")).to_contain_text("Sunlight labelled AI content")
    expect(page.locator("#factor-undeclared_ai").get_by_role("link", name="The decision")).to_be_visible()
    chart = page.locator(".traffic-chart img")
    expect(chart).to_be_visible()
    page.wait_for_function(
        "() => { const img = document.querySelector('.traffic-chart img');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    page.screenshot(path=str(artifacts / "traffic-reduced-en-1280.png"), full_page=True)

    # Spend the voucher on the note that lost reach; the feed's reserved first slot shows it.
    page.goto("/appeals/wallet/")
    page.get_by_label("Note to boost").select_option(label="Harbour at night")
    page.get_by_role("button", name="Use voucher").click()
    expect(page.get_by_text("The voucher is boosting “Harbour at night”")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    page.screenshot(path=str(artifacts / "wallet-boost-en-1280.png"), full_page=True)
    voucher.refresh_from_db()
    assert voucher.redeemed_on == plain.public_id

    reader = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    reader.goto("/")
    expect(reader.locator(".note-card h3").first).to_have_text("Harbour at night")
    reader.get_by_role("link", name="Latest").click()
    expect(reader.locator(".feed-tabs [aria-current=page]")).to_have_text("Latest")
    reader.context.close()

    # The bonus note on a phone, in Chinese.
    phone = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-hans"},
        viewport={"width": 390, "height": 844},
    )
    mobile = phone.new_page()
    mobile.set_default_timeout(15_000)
    _login_zh(mobile, creator.email)
    mobile.goto(f"/notes/{bonus.public_id}/traffic/")
    expect(mobile.locator("#factor-quality_bonus")).to_contain_text("×1.5")
    expect(mobile.locator("#factor-quality_bonus")).to_contain_text("已声明 AI、原创且内容充实的作品")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    mobile.screenshot(path=str(artifacts / "traffic-bonus-zh-390.png"), full_page=True)
    mobile.goto(f"/notes/{plain.public_id}/traffic/")
    expect(mobile.locator(".boost-list")).to_contain_text("已投放")
    mobile.screenshot(path=str(artifacts / "traffic-boosted-zh-390.png"), full_page=True)
    desk.close()
    phone.close()


def _login_zh(page, email: str) -> None:
    """Sign in through the form as a Chinese-speaking account (the site follows the account's language)."""
    from accounts.models import User
    from tests.factories import PASSWORD

    User.objects.filter(email=email).update(language="zh-hans")
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/dashboard/")
