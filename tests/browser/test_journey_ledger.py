"""Staff decide about a note and reverse it in the admin (in Chinese); the creator and a reader see
every effect follow (the creator on a 390 px phone screen)."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from appeals.models import CompensationVoucher, Decision
from tests.accounts.test_admin_mfa import totp_code
from tests.browser.test_journey_publish import _login
from tests.factories import PASSWORD, UserFactory, staff_with_permissions
from tests.notes.conftest import make_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_reduce_a_notes_reach_and_reverse_it_and_everyone_sees_why(
    browser, live_server, creator, artifacts
):
    make_published(UserFactory(), title="Older neighbour", images=1)
    note = make_published(creator, title="Harbour at dawn", images=1)
    moderator = staff_with_permissions("decide", "view_note", "view_decision", "view_decisionevent")
    secret = generate_totp_secret()
    moderator.authenticator_set.all().delete()
    TOTP.activate(moderator, secret)

    staff_ctx = browser.new_context(
        base_url=live_server.url, locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"}
    )
    admin = staff_ctx.new_page()
    admin.set_default_timeout(15_000)
    admin.goto("/admin/")
    admin.locator("input[name=login]").fill(moderator.email)
    admin.locator("input[name=password]").fill(PASSWORD)
    admin.get_by_role("button", name="登录").click()
    admin.wait_for_url("**/2fa/authenticate/**")
    admin.locator("input[name=code]").fill(totp_code(secret))
    admin.get_by_role("button", name="登录").click()
    admin.goto(f"/admin/notes/note/{note.pk}/change/")
    admin.get_by_role("link", name="对这篇笔记作出决定").click()
    expect(admin.locator(".sunlight-thumbs img")).to_have_count(1)
    admin.locator("input[name=kind][value=reduced_distribution]").check()
    admin.get_by_label("决定内容（创作者可见）").fill("这篇笔记暂不进入首页推荐。")
    admin.get_by_label("事实与证据（创作者可见）").fill("多位读者举报其中的经历是AI编造的。")
    admin.locator("#id_rule_code").select_option("ai_forgery")
    admin.locator("#id_content_type").select_option("text")
    admin.locator("#id_source").select_option("user_report")
    admin.locator("input[type=submit]").click()
    expect(admin.get_by_text("决定已记录，并已通知创作者。")).to_be_visible()
    admin.screenshot(path=str(artifacts / "admin-decision-zh.png"), full_page=True)
    decision = Decision.objects.get()
    assert decision.kind == "reduced_distribution" and decision.decided_by == moderator

    # A reader finds the note ranked below an older one on the home feed, and its link still works.
    reader = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
    reader.goto("/")
    assert reader.locator(".note-card h3").all_inner_texts() == ["Older neighbour", "Harbour at dawn"]
    reader.goto(f"/notes/{note.public_id}/")
    expect(reader.get_by_role("heading", name="Harbour at dawn")).to_be_visible()

    # The creator, on a phone, sees why, and the statement of reasons with its history.
    phone = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)
    _login(page, creator.email)
    page.goto(f"/notes/{note.public_id}/")
    expect(page.get_by_text("A decision reduces this note's reach")).to_be_visible()
    page.get_by_role("link", name="See the decision and appeal").click()
    page.goto(f"/appeals/decisions/{decision.public_id}/")
    expect(page.locator("#history")).to_contain_text("Decision made")
    expect(page.get_by_text("No AI-forged experiences or impersonation")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "decision-in-force-390.png"), full_page=True)

    # The moderator corrects it on their own initiative, with a reason the creator reads.
    admin.goto(f"/admin/appeals/decision/{decision.pk}/change/")
    admin.get_by_role("link", name="撤销此决定").click()
    admin.locator("input[type=submit]").click()
    expect(admin.locator(".errorlist")).to_be_visible()  # a reason is required
    admin.get_by_label("为什么撤销这个决定？").fill("复核后确认经历属实，举报不成立。")
    admin.locator("input[type=submit]").click()
    expect(admin.get_by_text("决定已撤销，其影响已全部解除，并已通知创作者。")).to_be_visible()
    expect(admin.locator("body")).to_contain_text("复核后确认经历属实")

    reader.goto("/")
    assert reader.locator(".note-card h3").all_inner_texts() == ["Harbour at dawn", "Older neighbour"]
    page.goto(f"/appeals/decisions/{decision.public_id}/")
    expect(page.locator("#history")).to_contain_text("Decision reversed")
    expect(page.locator("#history")).to_contain_text("复核后确认经历属实，举报不成立。")
    expect(page.get_by_text("How to appeal")).to_have_count(0)
    voucher = CompensationVoucher.objects.get(decision=decision)
    page.goto("/appeals/wallet/")
    expect(page.locator(".figure-cell")).to_contain_text(f"{voucher.impressions:,}")
    page.goto("/notifications/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "notifications-390.png"), full_page=True)
    for context in (staff_ctx, reader.context, phone):
        context.close()
