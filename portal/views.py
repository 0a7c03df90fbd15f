from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date

from csp.decorators import csp_replace
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.charts import SIZES, bar_chart
from portal import health, transparency
from portal.models import TransparencySnapshot


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": health.check_database(), "broker": health.check_broker()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon where browsers look for it; resolved per request (hashed names in production)."""
    return HttpResponsePermanentRedirect(static("img/sunlight.svg"))


@require_safe
def guidelines(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/guidelines.html", {"traffic": settings.SUNLIGHT_TRAFFIC})


def _month_name(period: str) -> str:
    year, month = map(int, period.split("-"))
    return formats.date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")


@require_safe
def transparency_page(request: HttpRequest) -> HttpResponse:
    """The public transparency report: stored snapshots only (one query), never the decision tables."""
    report = transparency.report()
    period = request.GET.get("period") or TransparencySnapshot.TOTAL
    figures = report.period(period)
    if figures is None:
        raise Http404
    sections = [
        (title, [(figure, figures[figure.key]) for figure in section])
        for _key, title, section in transparency.SECTIONS
    ]
    platform_labels = sum(figures[key] or 0 for key in ("labels_confirmed", "labels_suspected"))
    return render(
        request,
        "portal/transparency.html",
        {
            "report": report,
            "period": period,
            "period_name": _("All time") if period == TransparencySnapshot.TOTAL else _month_name(period),
            "periods": [(name, _month_name(name)) for name, _values in report.months],
            "figures": figures,
            "platform_labels": platform_labels,
            "sections": sections,
            "monthly": [(name, _month_name(name), values) for name, values in report.months],
            "charts": _CHARTS,
            "interval_minutes": settings.CELERY_BEAT_SCHEDULE["transparency-refresh"][
                "schedule"
            ].total_seconds()
            // 60,
        },
    )


def _last_months(report: transparency.StoredReport, count: int = 12) -> list[tuple[str, dict]]:
    return list(reversed(report.months[:count]))


def _labels_series(months: list[tuple[str, dict]]) -> list[tuple[str, list[int]]]:
    return [
        (_("Confirmed"), [values["labels_confirmed"] or 0 for _name, values in months]),
        (_("Suspected"), [values["labels_suspected"] or 0 for _name, values in months]),
        (_("Declared"), [values["labels_declared"] or 0 for _name, values in months]),
    ]


def _appeals_series(months: list[tuple[str, dict]]) -> list[tuple[str, list[int]]]:
    return [
        (_("Received"), [values["appeals_received"] or 0 for _name, values in months]),
        (_("Decided"), [values["appeals_decided"] or 0 for _name, values in months]),
        (_("Overturned"), [values["appeals_overturned"] or 0 for _name, values in months]),
    ]


def _accounts_series(months: list[tuple[str, dict]]) -> list[tuple[str, list[int]]]:
    names = {
        "warning": _("Warned"),
        "reduced": _("Reduced distribution"),
        "restricted": _("Posting restricted"),
        "suspended": _("Suspended"),
        "banned": _("Banned"),
    }
    return [
        (names[level], [values[f"ai_accounts_{level}"] or 0 for _name, values in months])
        for level, _kind in transparency.MEASURE_LEVELS
    ]


# name → (title, series, stacked): the report's charts, drawn from the last twelve monthly snapshots.
_CHARTS = {
    "labels": (lambda: _("AI labels applied per month, by tier"), _labels_series, True),
    "appeals": (lambda: _("Appeals per month"), _appeals_series, False),
    "accounts": (lambda: _("AI-managed accounts per month, by measure"), _accounts_series, True),
}


@require_safe
@csp_replace({"style-src": ["'unsafe-inline'"], "default-src": ["'none'"]})
def transparency_chart(request: HttpRequest, name: str) -> HttpResponse:
    """One of the report's charts as an SVG image (pygal, no script), in the reader's language."""
    size = request.GET.get("size", "wide")
    if name not in _CHARTS or size not in SIZES:
        raise Http404
    title, series, stacked = _CHARTS[name]
    months = _last_months(transparency.report())
    svg = bar_chart(
        title=title(),
        x_labels=[_month_name(period) for period, _values in months],
        series=series(months),
        size=size,
        stacked=stacked,
        label_every=1 if size == "wide" else 3,
        no_data_text=_("No figures yet"),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def transparency_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report's figures, every period, as CSV or JSON: the same numbers the page shows."""
    report = transparency.report()
    periods = [(TransparencySnapshot.TOTAL, report.total), *report.months]
    computed = report.computed_at.isoformat() if report.computed_at else None
    if fmt == "json":
        body = {
            "computed_at": computed,
            "figures": [
                {"key": figure.key, "label": str(figure.label), "unit": figure.unit}
                for figure in transparency.FIGURES
            ],
            "periods": [{"period": name, **values} for name, values in periods],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["period", *(figure.key for figure in transparency.FIGURES), "computed_at"])
        for name, values in periods:
            writer.writerow(
                [
                    name,
                    *("" if values[f.key] is None else values[f.key] for f in transparency.FIGURES),
                    computed,
                ]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sunlight-transparency.{fmt}"'
    return response


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
    """500, or 503 when the database could not be reached (restarting, failing over): the request failed
    cleanly and the next ones will work once it is back, without restarting the server. The page renders
    without context processors, which may need the database that just failed."""
    unavailable = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    status = 503 if unavailable else 500
    if request.path.startswith("/api/"):
        message = _("Sunlight is briefly unavailable; please try again in a minute.") if unavailable else None
        response: HttpResponse = JsonResponse(
            {
                "error": {
                    "status": status,
                    "code": "unavailable" if unavailable else "server_error",
                    "message": message or _("Internal server error."),
                }
            },
            status=status,
        )
    else:
        template = "503.html" if unavailable else "500.html"
        response = HttpResponse(loader.render_to_string(template), status=status)
    if unavailable:
        response["Retry-After"] = "30"
    return response
