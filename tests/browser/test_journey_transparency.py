"""A reader, signed out, reads the transparency report on a computer and a phone in both languages:
figures, charts that load, a month picked from the list, the figures downloaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from playwright.sync_api import expect

from appeals import services as ledger
from appeals.models import Automation, Decision
from portal.transparency import snapshots_refresh
from tests.factories import DecisionFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history() -> None:
    creator, staff = UserFactory(), UserFactory(is_staff=True, is_superuser=True)
    october = datetime(2026, 10, 12, 9, tzinfo=UTC)
    with time_machine.travel(october, tick=False):
        wrong = DecisionFactory(subject_owner=creator, kind=Decision.Kind.LABEL_CONFIRMED)
        DecisionFactory(subject_owner=creator)
        appeal = ledger.appeal_file(decision=wrong, appellant=creator, reason="My own photo.")
    with time_machine.travel(october + timedelta(hours=20), tick=False):
        ledger.appeal_decide(appeal=appeal, outcome="overturned", acting_user=staff, reply="You are right.")
    DecisionFactory(
        subject_owner=creator,
        kind=Decision.Kind.REMOVAL,
        rule_code=Decision.RuleCode.AI_FORGERY,
        automated_decision=Automation.NOT_AUTOMATED,
        decided_by=staff,
    )
    snapshots_refresh()


@pytest.mark.parametrize(
    ("locale", "title", "october"),
    [("en-US", "Transparency report", "October 2026"), ("zh-CN", "透明度报告", "2026年10月")],
)
def test_a_reader_reads_the_report_on_a_computer_and_a_phone(
    browser, live_server, artifacts, locale, title, october
):
    _history()
    language = "en" if locale == "en-US" else "zh-hans"
    for width in (1280, 390):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": 900},
            extra_http_headers={"Accept-Language": language},
            accept_downloads=True,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/transparency/")
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        charts = page.locator("figure img")
        expect(charts).to_have_count(3)
        page.wait_for_function(
            "[...document.querySelectorAll('figure img')].every(i => i.complete && i.naturalWidth > 0)"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"transparency-{language}-{width}.png"), full_page=True)
        page.locator("#period").select_option(label=october)
        page.locator(".report-period button[type=submit]").click()
        expect(page.get_by_role("heading", level=2).first).to_have_text(october)
        expect(page.locator(".stat .figure").last).to_have_text(
            "50.0%"
        )  # one of two automated labels overturned
        with page.expect_download() as download:
            page.get_by_role("link", name="CSV").click()
        assert download.value.suggested_filename == "sunlight-transparency.csv"
        context.close()
