"""Experience fixes seen in a real browser (issue 15): a label link from the feed opens "Why this
label?" below the sticky header; a reversed decision's page is good news, with nothing to appeal."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from appeals import services as ledger
from appeals.models import Decision
from tests.browser.support import LOCALES, new_context, sign_in
from tests.factories import DecisionFactory, UserFactory
from tests.notes.conftest import make_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("locale", "language"), LOCALES)
def test_a_label_link_from_the_feed_opens_why_this_label_in_view(
    browser, live_server, artifacts, locale, language
):
    creator = UserFactory()
    note = make_published(creator, images=1)
    DecisionFactory(subject_owner=creator, subject_id=note.public_id, subject_title=note.title)
    for width in (1280, 390):
        context = new_context(browser, live_server, locale, language, width)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/")
        page.locator(f'a.label-suspected[href$="/notes/{note.public_id}/#label-suspected"]').first.click()
        page.wait_for_url(f"**/notes/{note.public_id}/#label-suspected")
        why = page.locator("details#label-suspected")
        expect(why).to_have_attribute("open", "")
        header_bottom = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
        top = page.evaluate("document.getElementById('label-suspected').getBoundingClientRect().top")
        assert top >= header_bottom, (top, header_bottom)
        page.screenshot(path=str(artifacts / f"label-link-{language}-{width}.png"))
        context.close()


@pytest.mark.parametrize(("locale", "language"), LOCALES)
def test_a_reversed_decision_reads_as_good_news_with_nothing_to_appeal(
    browser, live_server, artifacts, locale, language
):
    creator = UserFactory(language=language)
    staff = UserFactory(is_staff=True, is_superuser=True)
    decision = DecisionFactory(subject_owner=creator, kind=Decision.Kind.LABEL_SUSPECTED)
    ledger.decision_reverse(decision=decision, acting_user=staff, reason="The label was wrong.")
    for width in (1280, 390):
        context = new_context(browser, live_server, locale, language, width)
        sign_in(context, live_server, creator)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/appeals/decisions/{decision.public_id}/")
        expect(page.locator(".message.success")).to_be_visible()
        expect(page.locator("#appeal")).to_have_count(0)
        body = page.locator("main").inner_text()
        assert "Until reversed" not in body and "直至撤销" not in body
        color = page.evaluate("getComputedStyle(document.querySelector('.state-reversed')).color")
        assert color == "rgb(31, 95, 168)"  # informational blue, not the error red
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"decision-reversed-{language}-{width}.png"), full_page=True)
        context.close()


@pytest.mark.parametrize(
    ("locale", "language", "assisted", "on_image"),
    [
        (
            "en-US",
            "en",
            "Creator declared: made with AI assistance",
            "Image 1: suspected AI, by the platform",
        ),
        ("zh-CN", "zh-hans", "作者声明：使用了AI辅助创作", "图片 1：平台判定疑似 AI"),
    ],
)
def test_labels_sit_where_the_eye_is_and_say_what_was_declared(
    browser, live_server, artifacts, locale, language, assisted, on_image
):
    creator = UserFactory()
    note = make_published(creator, images=1)  # declared AI-assisted
    DecisionFactory(subject_owner=creator, subject_id=note.public_id, subject_title=note.title)
    for width in (1280, 390):
        context = new_context(browser, live_server, locale, language, width)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/")
        card = page.locator(".note-card").first
        expect(card).to_contain_text(assisted)
        page.goto(f"/notes/{note.public_id}/")
        figure = page.locator(".note-images figure").first
        expect(figure.locator(".label-suspected")).to_have_text(on_image)
        expect(page.locator("#labels")).to_contain_text(assisted)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"labels-on-image-{language}-{width}.png"), full_page=True)
        context.close()


@pytest.mark.parametrize(("locale", "language"), LOCALES)
def test_the_creators_lists_read_on_a_phone_without_sideways_scrolling(
    browser, live_server, artifacts, locale, language
):
    creator = UserFactory(language=language)
    staff = UserFactory(is_staff=True, is_superuser=True)
    note = make_published(creator, images=1, title="A rather long title for a note about lanterns and fog")
    decision = DecisionFactory(subject_owner=creator, subject_id=note.public_id, subject_title=note.title)
    ledger.decision_reverse(decision=decision, acting_user=staff, reason="The label was wrong.")
    DecisionFactory(subject_owner=creator, subject_title="Another note with a long title, labelled")
    context = new_context(browser, live_server, locale, language, 390)
    sign_in(context, live_server, creator)
    page = context.new_page()
    page.set_default_timeout(15_000)
    for name, path in (
        ("dashboard", "/dashboard/"),
        ("decisions", "/appeals/"),
        ("wallet", "/appeals/wallet/"),
    ):
        page.goto(path)
        expect(page.locator(".stack-table tbody tr").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        page.screenshot(path=str(artifacts / f"phone-{name}-{language}-390.png"), full_page=True)
    context.close()


def test_a_new_creator_can_ask_for_the_link_again_and_is_signed_in_by_confirming(
    browser, live_server, artifacts
):
    from django.core import mail

    from tests.support import confirmation_link

    context = new_context(browser, live_server, "en-US", "en", 390)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/signup/")
    page.get_by_label("Email:").fill("newcomer@example.com")
    page.get_by_label("Display name:").fill("Nia Newcomer")
    page.get_by_label("Password:", exact=True).fill("a-long-passphrase-42")
    page.get_by_label("Password (again):").fill("a-long-passphrase-42")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    page.get_by_label("No email? Send the link again to:").fill("newcomer@example.com")
    page.get_by_role("button", name="Resend the link").click()
    page.wait_for_url("**/accounts/confirm-email/")
    expect(page.get_by_text("a new link is on its way")).to_be_visible()
    page.screenshot(path=str(artifacts / "verify-resend-en-390.png"), full_page=True)
    assert len(mail.outbox) == 2  # the sign-up mail and the one asked for again
    page.goto(confirmation_link(mail.outbox[-1].body))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/dashboard/")  # signed in by confirming: no second password prompt
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    response = page.request.get("/favicon.ico", max_redirects=0)
    assert response.status == 301 and response.headers["location"].endswith("/static/img/sunlight.svg")
    context.close()


@pytest.mark.parametrize(
    ("locale", "language", "field", "save"),
    [
        ("en-US", "en", "Description for people who cannot see the image", "Save description"),
        ("zh-CN", "zh-hans", "图片描述（供看不到图片的读者使用）", "保存描述"),
    ],
)
def test_a_creator_describes_an_image_on_a_phone(
    browser, live_server, artifacts, locale, language, field, save
):
    from tests.notes.conftest import make_draft

    creator = UserFactory(language=language)
    note = make_draft(creator, images=1)
    context = new_context(browser, live_server, locale, language, 390)
    sign_in(context, live_server, creator)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/notes/{note.public_id}/edit/")
    page.get_by_label(field).fill("Fog over a lake at dawn")
    page.get_by_role("button", name=save).click()
    page.wait_for_url(f"**/notes/{note.public_id}/edit/#h-images")
    expect(page.get_by_label(field)).to_have_value("Fog over a lake at dawn")
    expect(page.locator(".image-list img").first).to_have_attribute("alt", "Fog over a lake at dawn")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / f"alt-text-{language}-390.png"), full_page=True)
    context.close()


@pytest.mark.parametrize(("locale", "language"), LOCALES)
def test_a_long_title_shows_its_count_and_is_not_cut(browser, live_server, artifacts, locale, language):
    from notes.models import TITLE_MAX
    from tests.notes.conftest import make_draft

    creator = UserFactory(language=language)
    note = make_draft(creator, images=0)
    context = new_context(browser, live_server, locale, language, 390)
    sign_in(context, live_server, creator)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"/notes/{note.public_id}/edit/")
    title = page.locator("input[name=title]")
    title.fill("x" * (TITLE_MAX + 5))
    expect(title).to_have_value("x" * (TITLE_MAX + 5))  # the browser cuts nothing
    counter = page.locator(".char-counter")
    expect(counter).to_have_text(f"{TITLE_MAX + 5} / {TITLE_MAX}")
    expect(counter).to_have_class("char-counter over")
    page.screenshot(path=str(artifacts / f"title-counter-{language}-390.png"))
    context.close()


@pytest.mark.parametrize(("locale", "language"), LOCALES)
def test_notifications_read_as_one_line_in_the_readers_language_with_links(
    browser, live_server, artifacts, locale, language
):
    """Issue 15 item 4: the event is stored, the words are made when read (a creator who switched
    language reads old notifications in the new one), with deep links; one overturn, one notification."""
    from appeals import services as appeals

    creator = UserFactory(language="en" if language == "zh-hans" else "zh-hans")  # sent in the other language
    staff = UserFactory(is_staff=True, is_superuser=True)
    note = make_published(creator, images=1)
    decision = DecisionFactory(subject_owner=creator, subject_id=note.public_id, subject_title=note.title)
    appeal = appeals.appeal_file(decision=decision, appellant=creator, reason="I painted it myself.")
    appeals.appeal_decide(appeal=appeal, outcome="overturned", acting_user=staff, reply="The drafts show it.")
    for width in (1280, 390):
        context = new_context(browser, live_server, locale, language, width)
        sign_in(context, live_server, creator)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/notifications/")
        items = page.locator(".notification")
        decided = items.filter(has=page.locator("a[data-action=use_voucher]"))
        expect(decided).to_have_count(1)
        text = decided.locator(".notification-title").inner_text()
        assert note.title in text
        assert ("succeeded" in text) if language == "en" else ("申诉成功" in text)
        assert "http" not in page.locator("main").inner_text()
        # The decision's own notice, sent before the overturn, no longer offers an appeal.
        earlier = items.filter(has=page.locator("a[data-action=view_decision]"))
        expect(earlier).to_have_count(1)
        expect(page.locator("a[data-action=appeal]")).to_have_count(0)
        reversed_words = "has since been reversed" if language == "en" else "已被撤销"
        assert reversed_words in earlier.locator(".notification-title").inner_text()
        page.screenshot(path=str(artifacts / f"notifications-{language}-{width}.png"), full_page=True)
        decided.locator("a[data-action=use_voucher]").click()
        page.wait_for_url("**/appeals/wallet/")
        context.close()


@pytest.mark.parametrize(("locale", "language"), LOCALES)
def test_declaring_quickly_apply_to_all_and_declare_it_as_the_files_say(
    browser, live_server, artifacts, locale, language
):
    """Issue 15 item 7: one answer for every image, and the warning's "declare it" filling the
    declaration from what the scanner found."""
    from notes import services
    from tests.images import a1111_png_bytes, jpeg_bytes

    creator = UserFactory(language=language)
    note = services.note_create(author=creator, title="Three lakes")
    for index, data in enumerate([jpeg_bytes(), a1111_png_bytes(), jpeg_bytes(color=(9, 9, 9))]):
        services.note_image_add(note=note, acting_user=creator, data=data, filename=f"lake{index + 1}")
    for width in (1280, 390):
        context = new_context(browser, live_server, locale, language, width)
        sign_in(context, live_server, creator)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/notes/{note.public_id}/edit/")
        page.locator("[data-apply-all] button[data-degree=assisted]").click()
        checked = page.locator("input[type=radio][name^=image_][value=assisted]:checked")
        expect(checked).to_have_count(3)
        page.screenshot(path=str(artifacts / f"apply-to-all-{language}-{width}.png"), full_page=True)
        page.on("dialog", lambda dialog: dialog.accept())  # leaving the unsaved answers: agreed
        if width == 1280:
            page.locator("form.declare-it button").click()
            page.wait_for_url(f"**/notes/{note.public_id}/edit/#h-declaration")
            expect(page.locator(".message.success")).to_be_visible()
        else:
            page.reload()
        expect(page.locator(".evidence-warning")).to_have_count(0)
        page.screenshot(path=str(artifacts / f"declare-it-{language}-{width}.png"), full_page=True)
        context.close()
    degrees = list(note.images.order_by("position").values_list("ai_degree", flat=True))
    assert degrees == ["none", "generated", "none"]


@pytest.mark.parametrize(("locale", "language", "explained", "guideline"), [
    ("en-US", "en", "in the PNG text field", "All content made with AI must be actively marked"),
    ("zh-CN", "zh-hans", "（AI图像生成工具的提示词和设置）", None),
])  # fmt: skip
def test_why_this_label_explains_its_terms_in_the_readers_language(
    browser,
    live_server,
    artifacts,
    django_capture_on_commit_callbacks,
    locale,
    language,
    explained,
    guideline,
):
    """Item 10: the scanner's findings inside a Chinese sentence are explained in Chinese, and the
    decision names its guideline in the reader's language, whatever language it was recorded in."""
    from tests.appeals.conftest import labelled_note_decision

    creator = UserFactory(language="en")
    decision = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    with translation.override(language):
        rule = str(Decision.RuleCode(decision.rule_code).label)
    assert guideline is None or rule == guideline
    for width in (1280, 390):
        context = new_context(browser, live_server, locale, language, width)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"/notes/{decision.subject_id}/#label-suspected")
        why = page.locator("details#label-suspected")
        expect(why).to_have_attribute("open", "")
        expect(why).to_contain_text(explained)
        page.screenshot(path=str(artifacts / f"why-label-terms-{language}-{width}.png"))
        context.close()
    creator.language = language
    creator.save(update_fields=["language"])
    context = new_context(browser, live_server, locale, language, 390)
    sign_in(context, live_server, creator)
    page = context.new_page()
    page.goto(f"/appeals/decisions/{decision.public_id}/")
    expect(page.locator("dd a[href='/guidelines/']")).to_have_text(rule)
    page.screenshot(path=str(artifacts / f"decision-guideline-{language}-390.png"), full_page=True)
    context.close()
