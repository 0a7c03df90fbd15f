from __future__ import annotations

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from portal import health
from portal.selectors import transparency_figures


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


@require_safe
def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/guidelines.html", {"traffic": settings.SUNLIGHT_TRAFFIC})


@require_safe
def transparency(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/transparency.html", {"figures": transparency_figures()})


@require_safe
def auth_openapi_json(request: HttpRequest) -> HttpResponse:
    """allauth headless's specification, serialised with Django's encoder.

    allauth's own view uses plain ``json.dumps``, which fails on the translatable labels of our
    sign-up form's extra field; the schema itself is allauth's.
    """
    from allauth.headless.spec.internal.schema import get_schema

    content = json.dumps(get_schema(), cls=DjangoJSONEncoder)
    return HttpResponse(content, content_type="application/vnd.oai.openapi+json")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"status": 404, "code": "not_found", "message": _("Not found.")}}, status=404
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"status": 500, "code": "server_error", "message": _("Internal server error.")}},
            status=500,
        )
    return render(request, "500.html", status=500)
