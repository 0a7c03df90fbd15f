"""Helpers the browser journeys share: a context in one language and width, signed in as someone."""

from __future__ import annotations

LOCALES = [("en-US", "en"), ("zh-CN", "zh-hans")]


def sign_in(context, live_server, user) -> None:
    """A signed-in browser whatever its language (the sign-in form's labels are translated)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def new_context(browser, live_server, locale: str, language: str, width: int, height: int = 800):
    return browser.new_context(
        base_url=live_server.url,
        locale=locale,
        viewport={"width": width, "height": height},
        extra_http_headers={"Accept-Language": language},
    )
