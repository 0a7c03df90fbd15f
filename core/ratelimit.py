"""Rate limits for HTML views, shared with the API: the same DRF throttle scope, the same cache."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.throttling import ScopedRateThrottle


class _ScopedView:
    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope


def throttled(
    scope: str, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answer ``methods`` with 429 and a page once ``scope``'s rate is used up.

    Rates are ``REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']``: a browser upload and an API upload by
    the same user count against one budget."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            throttle = ScopedRateThrottle()
            if request.method in methods and not throttle.allow_request(request, _ScopedView(scope)):
                wait = int(throttle.wait() or 60)
                response = render(
                    request,
                    "429.html",
                    {"message": _("Too many requests. Try again in %(n)s seconds.") % {"n": wait}},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
