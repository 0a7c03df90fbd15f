"""Responses meant for one person are never stored by a shared cache or the browser's disk cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.errors import DomainError


class PrivateResponsesMiddleware:
    """``Cache-Control: private, no-store`` on every answer to a signed-in request (browser session
    or an ``X-Session-Token``) that did not choose its own caching, e.g. public media."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = "HTTP_X_SESSION_TOKEN" in request.META or (user is not None and user.is_authenticated)
        if personal and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        if request.path.startswith("/api/"):
            patch_vary_headers(response, ["X-Session-Token"])
        return response


class DomainErrorPageMiddleware:
    """A refusal a page did not handle itself (a wrong state, a measure in force) becomes a page with
    the service's message and status, instead of a server error. The API has its own error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            "refused.html",
            {"message": exception.message, "code": exception.code},
            status=exception.status,
        )


class UploadSizeGuardMiddleware:
    """A browser upload too large for its URL is refused from its declared length, before anything
    reads the body (CSRF's check would, spooling hundreds of megabytes to disk first). The URLs and
    their limits are ``settings.SUNLIGHT_UPLOAD_LIMITS``: URL name → a callable giving the bytes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and not request.path.startswith("/api/"):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def _refusal(request: HttpRequest) -> HttpResponse | None:
        from django.conf import settings
        from django.urls import Resolver404, resolve
        from django.utils.module_loading import import_string

        from core.uploads import MULTIPART_SLACK

        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if declared <= MULTIPART_SLACK:
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        check = settings.SUNLIGHT_UPLOAD_LIMITS.get(match.url_name or "")
        if check is None:
            return None
        try:
            import_string(check)(size=declared - MULTIPART_SLACK)
        except DomainError as exc:
            return render(
                request, "refused.html", {"message": exc.message, "code": exc.code}, status=exc.status
            )
        return None
