from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from appeals.models import Appeal, CompensationVoucher
from notes.models import Label
from tests.accounts.test_admin_mfa import totp_code
from tests.appeals.conftest import labelled_note_decision
from tests.browser.test_journey_publish import _login
from tests.factories import PASSWORD
from tests.images import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_misjudged_creator_appeals_staff_overturn_with_mfa_and_the_label_goes(
    browser, live_server, creator, staff, tmp_path, artifacts, django_capture_on_commit_callbacks
):
    for person in (creator, staff):  # English-speaking accounts: the site follows the account's language
        person.language = "en"
        person.save(update_fields=["language"])
    decision = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    note_url = f"/notes/{decision.subject_id}/"
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    draft = tmp_path / "my-draft.jpg"
    draft.write_bytes(jpeg_bytes((800, 600)))

    creator_ctx = browser.new_context(base_url=live_server.url, locale="en-US")
    page = creator_ctx.new_page()
    page.set_default_timeout(15_000)
    _login(page, creator.email)
    page.goto(note_url)
    label = page.locator("#label-suspected")
    expect(label).to_contain_text("Suspected AI-generated content")
    label.locator("summary").click()
    label.get_by_role("link", name="See the decision and how to appeal").click()
    page.get_by_label("Why is the decision wrong?").fill("I painted this harbour by hand; here is my draft.")
    page.set_input_files("input[name=evidence]", [str(draft)])
    page.get_by_role("button", name="Submit appeal").click()
    expect(page.get_by_role("heading", name="Your appeal")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Appeal submitted")
    expect(page.get_by_text("Decision expected by")).to_be_visible()

    # A staff member signs in with password and authenticator code, and overturns in the admin.
    staff_ctx = browser.new_context(base_url=live_server.url, locale="en-US")
    admin = staff_ctx.new_page()
    admin.set_default_timeout(15_000)
    admin.goto("/admin/")
    admin.get_by_label("Email:").fill(staff.email)
    admin.get_by_label("Password:").fill(PASSWORD)
    admin.get_by_role("button", name="Sign In").click()
    admin.wait_for_url("**/2fa/authenticate/**")
    admin.locator("input[name=code]").fill(totp_code(secret))
    admin.get_by_role("button", name="Sign In").click()
    admin.goto("/admin/appeals/appeal/?assigned=unassigned")
    admin.get_by_role("link", name="Harbour sketch").first.click()
    # The whole case on the appeal's page: the note and its image, what the scanner found, the
    # declaration, the evidence previewed, the creator's other decisions (issue 15, item 9).
    workspace = admin.locator(".sunlight-workspace")
    expect(workspace.locator(".sunlight-thumbs img")).to_have_count(1)
    expect(workspace).to_contain_text("AUTOMATIC1111")
    expect(workspace.locator("img.sunlight-evidence-image")).to_be_visible()
    expect(admin.locator("input[name=_save]")).to_have_count(0)
    admin.screenshot(path=str(artifacts / "admin-appeal-workspace.png"), full_page=True)
    admin.get_by_role("link", name="Decide this appeal").click()
    expect(admin.get_by_role("link", name="my-draft.jpg")).to_be_visible()
    # A prepared reply fills the reply box, to be adapted.
    admin.locator("#canned-reply").select_option(index=1)
    assert "drafts" in admin.locator("#id_reply").input_value()
    admin.screenshot(path=str(artifacts / "admin-appeal-decide-workspace.png"), full_page=True)
    admin.get_by_label("Overturn: reverse the decision").check()
    admin.get_by_label("Reply to the creator").fill(
        "Your draft shows the work is yours. Sorry for the label."
    )
    admin.get_by_role("button", name="Record decision").click()
    expect(admin.get_by_text("The appeal was decided and the creator notified.")).to_be_visible()
    admin.screenshot(path=str(artifacts / "admin-appeal-decided.png"), full_page=True)

    appeal = Appeal.objects.get()
    assert appeal.state == "overturned" and appeal.decided_by == staff
    assert not Label.objects.filter(tier="suspected").exists()
    voucher = CompensationVoucher.objects.get()

    # The creator sees the label gone and the voucher in the wallet, in English …
    page.goto(note_url)
    expect(page.locator("#label-suspected")).to_have_count(0)
    page.goto("/appeals/wallet/")
    expect(page.locator(".figure-cell")).to_contain_text(f"{voucher.impressions:,}")
    page.goto(f"/appeals/{appeal.public_id}/")
    expect(page.get_by_text("Your draft shows the work is yours.")).to_be_visible()
    page.screenshot(path=str(artifacts / "appeal-overturned-en.png"), full_page=True)
    # … and in Chinese.
    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("决定已被撤销，其影响已全部恢复。")).to_be_visible()
    page.goto("/appeals/wallet/")
    expect(page.get_by_role("heading", name="补偿钱包")).to_be_visible()
    page.screenshot(path=str(artifacts / "wallet-zh.png"), full_page=True)
    creator_ctx.close()
    staff_ctx.close()
