"""Which client made a request: the browser, the mobile app, or a script on the API."""

from __future__ import annotations

from django.http import HttpRequest

WEB, APP, API = "web", "app", "api"


def client_of(request: HttpRequest) -> str:
    """``app`` when the API request was authenticated by allauth headless's app session token (the
    header alone proves nothing), ``api`` for any other call to ``/api/`` (a script on a session),
    ``web`` for the site's own pages and forms. An app token used by a script still reads as ``app``:
    telling those apart needs per-client tokens (README "Automation signals")."""
    if not request.path.startswith("/api/"):
        return WEB
    authenticator = getattr(request, "successful_authenticator", None)
    if authenticator is not None and type(authenticator).__name__ == "SessionTokenAuthentication":
        return APP
    return API
