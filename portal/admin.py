"""Staff pages for transparency: DSA statements (read, export, re-queue), the report's snapshots, and
the staff overview (queues, overdue appeals, decisions per day by kind)."""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from appeals.models import Appeal, Decision
from core.admin import ReadOnlyModelAdmin
from notes.models import AutomationCase, Report
from portal import dsa
from portal.models import DsaStatement, TransparencySnapshot
from portal.statements import WindowError, check_window, parse_day, statements_export
from portal.submission import statements_retry
from portal.transparency import snapshots_refresh

EXPORT_PERMISSION = "portal.export_dsastatement"


def _download(statements: list[dict], name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(statements, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ExportForm(forms.Form):
    since = forms.CharField(
        label=gettext_lazy("From (YYYY-MM-DD)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "2026-11-01"}),
    )
    until = forms.CharField(
        label=gettext_lazy("Until, included (YYYY-MM-DD)"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "2026-11-30"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        try:
            data["since_day"] = parse_day(data.get("since"), "since")
        except WindowError:
            self.add_error("since", _("Write the day as YYYY-MM-DD, e.g. 2026-11-01."))
        try:
            data["until_day"] = parse_day(data.get("until"), "until")
        except WindowError:
            self.add_error("until", _("Write the day as YYYY-MM-DD, e.g. 2026-11-30."))
        if not self.errors:
            try:
                check_window(data["since_day"], data["until_day"])
            except WindowError:
                self.add_error(
                    "until", _("The window ends before it starts: give an end on or after the start.")
                )
        return data


@admin.register(DsaStatement)
class DsaStatementAdmin(ReadOnlyModelAdmin):
    list_display = ("puid", "kind", "effective_on", "state", "attempts", "accepted_at", "decision_link")
    list_filter = ("state", "kind", "effective_on")
    search_fields = ("puid", "database_uuid")
    date_hierarchy = "effective_on"
    fields = (
        "puid",
        "kind",
        "decision_link",
        "effective_on",
        "state",
        "attempts",
        "last_attempt_at",
        "accepted_at",
        "database_uuid",
        "last_error",
        "statement",
    )
    readonly_fields = fields
    actions = ("export_selected", "retry_refused")
    change_list_template = "admin/portal/dsastatement/change_list.html"

    @admin.display(description=gettext_lazy("decision"))
    def decision_link(self, obj: DsaStatement) -> str:
        if obj.decision_id is None:
            return "—"
        url = reverse("admin:appeals_decision_change", args=[obj.decision_id])
        return format_html('<a href="{}">{}</a>', url, obj.decision)

    @admin.display(description=gettext_lazy("statement"))
    def statement(self, obj: DsaStatement) -> str:
        return format_html(
            "<pre class='sunlight-json'>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2)
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(EXPORT_PERMISSION)

    @admin.action(description=gettext_lazy("Export the selected statements as JSON"), permissions=["export"])
    def export_selected(self, request: HttpRequest, queryset: QuerySet[DsaStatement]) -> HttpResponse:
        rows = queryset.order_by("effective_on", "id")
        return _download([row.payload for row in rows], "sunlight-statements.json")

    @admin.action(
        description=gettext_lazy("Submit the selected refused statements again"), permissions=["export"]
    )
    def retry_refused(self, request: HttpRequest, queryset: QuerySet[DsaStatement]) -> None:
        count = statements_retry(list(queryset))
        self.message_user(
            request, _("%(n)s statements are queued for submission again.") % {"n": count}, messages.SUCCESS
        )

    def get_urls(self) -> list:
        return [
            path("export/", self.admin_site.admin_view(self.export_view), name="portal_dsastatement_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {"can_export": self.has_export_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """A window of days' statements as one JSON file, as ``manage.py export_statements`` writes it."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET if "since" in request.GET or "until" in request.GET else None)
        if form.is_bound and form.is_valid():
            since, until = form.cleaned_data["since_day"], form.cleaned_data["until_day"]
            statements = statements_export(since, until)
            problems = dsa.validate_batch(statements)
            if not problems:
                name = f"sunlight-statements-{since or 'start'}-{until or timezone.localdate()}.json"
                return _download(statements, name)
            self.message_user(
                request,
                _("Some statements break the Transparency Database's rules; nothing was exported: %(errors)s")
                % {"errors": json.dumps(problems, ensure_ascii=False)[:500]},
                messages.ERROR,
            )
        return TemplateResponse(
            request,
            "admin/portal/dsastatement/export.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "title": _("Export statements of reasons"),
                "counts": dict(DsaStatement.objects.values_list("state").annotate(n=Count("id")).order_by()),
            },
        )


@admin.register(TransparencySnapshot)
class TransparencySnapshotAdmin(ReadOnlyModelAdmin):
    list_display = ("period", "computed_at")
    fields = ("period", "computed_at", "figures_table")
    readonly_fields = fields
    change_list_template = "admin/portal/transparencysnapshot/change_list.html"

    @admin.display(description=gettext_lazy("figures"))
    def figures_table(self, obj: TransparencySnapshot) -> str:
        return format_html("<pre class='sunlight-json'>{}</pre>", json.dumps(obj.figures, indent=2))

    def get_urls(self) -> list:
        return [
            path(
                "refresh/",
                self.admin_site.admin_view(require_POST(self.refresh_view)),
                name="portal_transparencysnapshot_refresh",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {
            "can_refresh": request.user.has_perm("portal.refresh_transparencysnapshot"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra)

    def refresh_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("portal.refresh_transparencysnapshot"):
            raise PermissionDenied
        snapshots_refresh()
        self.message_user(request, _("The transparency figures were recomputed."), messages.SUCCESS)
        return redirect("admin:portal_transparencysnapshot_changelist")


OVERVIEW_DAYS = 14


def staff_overview(request: HttpRequest) -> HttpResponse:
    """Queue sizes, overdue appeals and decisions per day by kind, for staff who may see appeals."""
    if not request.user.has_perm("appeals.view_appeal"):
        raise PermissionDenied
    now = timezone.now()
    open_appeals = Appeal.objects.filter(state__in=Appeal.OPEN_STATES)
    overdue = (
        open_appeals.filter(due_at__lt=now).select_related("decision", "assigned_to").order_by("due_at")[:50]
    )
    queues = [
        (
            _("Appeals waiting for a decision"),
            open_appeals.count(),
            reverse("admin:appeals_appeal_changelist"),
        ),
        (_("Overdue appeals"), open_appeals.filter(due_at__lt=now).count(), None),
        (
            _("Reports waiting for review"),
            Report.objects.filter(state=Report.State.OPEN).count(),
            reverse("admin:notes_report_changelist"),
        ),
        (
            _("Automation cases to review"),
            AutomationCase.objects.filter(state=AutomationCase.State.OPEN).count(),
            reverse("admin:notes_automationcase_changelist"),
        ),
        (
            _("DSA statements waiting to be submitted"),
            DsaStatement.objects.filter(state=DsaStatement.State.PENDING).count(),
            reverse("admin:portal_dsastatement_changelist") + "?state__exact=pending",
        ),
        (
            _("DSA statements refused by the database"),
            DsaStatement.objects.filter(state=DsaStatement.State.REFUSED).count(),
            reverse("admin:portal_dsastatement_changelist") + "?state__exact=refused",
        ),
    ]
    first_day = timezone.localdate() - timedelta(days=OVERVIEW_DAYS - 1)
    counts = {
        (row["day"], row["kind"]): row["n"]
        for row in Decision.objects.filter(created_at__date__gte=first_day)
        .annotate(day=TruncDate("created_at"))
        .values("day", "kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    days = [first_day + timedelta(days=offset) for offset in range(OVERVIEW_DAYS)][::-1]
    # Only the kinds decided in the window: eleven mostly empty columns hide the ones that matter.
    kinds = [kind for kind in Decision.Kind if any(key[1] == kind.value for key in counts)]
    rows = [
        (
            day,
            [counts.get((day, kind.value), 0) for kind in kinds],
            sum(counts.get((day, k.value), 0) for k in kinds),
        )
        for day in days
    ]
    return TemplateResponse(
        request,
        "admin/portal/overview.html",
        {
            **admin.site.each_context(request),
            "title": _("Staff overview"),
            "queues": queues,
            "overdue": [(appeal, now - appeal.due_at) for appeal in overdue],
            "kinds": kinds,
            "rows": rows,
            "days": OVERVIEW_DAYS,
        },
    )
