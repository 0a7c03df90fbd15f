"""The account's language is the site's language after sign-in (issue 15, item 10)."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_switches_the_site_to_the_accounts_language(client, creator):
    creator.language = "zh-hans"
    creator.save(update_fields=["language"])
    response = client.post(
        "/accounts/login/", {"login": creator.email, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in page


def test_changing_the_accounts_language_changes_the_sites(client, creator):
    creator.language = "en"
    creator.save(update_fields=["language"])
    client.force_login(creator)
    response = client.post(
        "/account/", {"display_name": creator.display_name, "language": "zh-hans"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in page and "你的个人资料已保存。" in page
