"""The API documentation renders under the site's strict CSP, with nothing blocked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_with_no_csp_violation(page):
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("/api/v1/feed/").first).to_be_visible()
    assert problems == []


def test_the_mobile_sign_in_api_docs_render_with_no_csp_violation(page):
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto("/_allauth/openapi.html")
    expect(page.locator(".opblock").first).to_be_visible()
    assert problems == []
