"""Which client made a request: the browser, the mobile app, or a script on the API."""

from __future__ import annotations

from django.http import HttpRequest

WEB, APP, API = "web", "app", "api"


def client_of(request: HttpRequest) -> str:
    """``app`` for allauth headless's app client (an ``X-Session-Token``), ``api`` for any other call to
    ``/api/`` (a script using a session), ``web`` for the site's own pages and forms."""
    if "HTTP_X_SESSION_TOKEN" in request.META:
        return APP
    if request.path.startswith("/api/"):
        return API
    return WEB
