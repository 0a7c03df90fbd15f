"""A reader reports a note in Chinese; staff handle the report in the admin; the reader is told."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from appeals.models import Decision
from notes.models import Report
from tests.accounts.test_admin_mfa import totp_code
from tests.browser.test_journey_traffic import _login_zh
from tests.factories import PASSWORD, UserFactory, staff_with_permissions
from tests.notes.conftest import make_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_reports_a_note_and_hears_back(browser, live_server, creator, artifacts):
    note = make_published(creator, title="我在珠峰顶上喝了奶茶", images=1)
    reader = UserFactory(email="reader@example.com", language="zh-hans")

    phone = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-hans"},
        viewport={"width": 390, "height": 844},
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)
    _login_zh(page, reader.email)
    page.goto(f"/notes/{note.public_id}/")
    page.get_by_role("link", name="举报这篇笔记").click()
    page.get_by_role("button", name="提交举报").click()  # no category chosen: the browser asks first
    expect(page).to_have_url(f"{live_server.url}/report/note/{note.public_id}/")
    page.get_by_label("AI伪造：编造的个人经历").check()
    page.get_by_label("想让工作人员知道的情况（选填）").fill("照片是生成的，这次登顶从未发生。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "report-form-zh-390.png"), full_page=True)
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_text("谢谢。工作人员会审核你的举报")).to_be_visible()
    report = Report.objects.get()
    assert report.category == "ai_forgery" and report.filings_count == 1

    moderator = staff_with_permissions("decide", "view_report")
    secret = generate_totp_secret()
    moderator.authenticator_set.all().delete()
    TOTP.activate(moderator, secret)
    moderator.language = "en"  # an English-speaking moderator: the admin follows the account's language
    moderator.save(update_fields=["language"])
    desk = browser.new_context(base_url=live_server.url, locale="en-US")
    admin = desk.new_page()
    admin.set_default_timeout(15_000)
    admin.goto("/admin/")
    admin.get_by_label("Email:").fill(moderator.email)
    admin.get_by_label("Password:").fill(PASSWORD)
    admin.get_by_role("button", name="Sign In").click()
    admin.wait_for_url("**/2fa/authenticate/**")
    admin.locator("input[name=code]").fill(totp_code(secret))
    admin.get_by_role("button", name="Sign In").click()
    admin.goto(f"/admin/notes/report/{report.pk}/resolve/")
    expect(admin.locator("body")).to_contain_text("照片是生成的")
    admin.get_by_label("Remove the note or the comment").check()
    admin.get_by_label("Reply to the reporters").fill("We removed the note: the climb never happened.")
    admin.get_by_label("What is decided (shown to the creator)").fill("Your note was removed.")
    admin.get_by_label("Facts and evidence (shown to the creator)").fill("The summit photo is generated.")
    admin.locator("#id_rule_code").select_option("ai_forgery")
    admin.locator("input[type=submit]").click()
    expect(admin.get_by_text("The report was handled and the reporters notified.")).to_be_visible()
    assert Decision.objects.get(subject_id=note.public_id).source == "user_report"

    page.goto("/notifications/")
    expect(page.get_by_text("你的举报已审核并已采取措施。")).to_be_visible()
    expect(page.get_by_role("link", name="查看我的举报")).to_be_visible()
    page.goto("/reports/")
    expect(page.locator("table")).to_contain_text("We removed the note")
    page.screenshot(path=str(artifacts / "my-reports-zh-390.png"), full_page=True)
    page.goto(f"/notes/{note.public_id}/")
    expect(page.locator("h1")).to_have_count(1)  # the 404 page: the note is gone from public view
    desk.close()
    phone.close()
