from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import User
from appeals import selectors, services, workspace
from appeals.evidence import pdf_preview
from appeals.forms import AccountMeasureForm, DecideForm, ReverseDecisionForm, measure_kind
from appeals.models import Appeal, AppealEvent, AppealEvidence, CompensationVoucher, Decision, DecisionEvent
from core.admin import ReadOnlyModelAdmin, admin_button, service_form_view
from core.errors import DomainError


class DecisionEventInline(admin.TabularInline):
    """The audit trail, internal notes included (staff only)."""

    model = DecisionEvent
    fk_name = "decision"
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor_display", "reason", "internal_note", "appeal"]
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The audit trail is part of the decision: whoever may view decisions sees it.
        return request.user.has_perm("appeals.view_decision")

    @admin.display(description=gettext_lazy("by"))
    def actor_display(self, event: DecisionEvent) -> str:
        return str(event.actor) if event.actor_id else _("System (automated)")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyModelAdmin):
    list_display = [
        "kind",
        "subject_title",
        "subject_owner",
        "state",
        "automated_decision",
        "created_at",
        "ends_at",
    ]
    list_filter = [
        "kind",
        "state",
        "automated_detection",
        "automated_decision",
        "subject_type",
        "source",
        "rule_code",
    ]
    list_select_related = ["subject_owner", "decided_by"]
    search_fields = ["public_id", "subject_id", "subject_title", "subject_owner__email"]
    # The ledger is written by services only; staff read it here and act through the views below.
    readonly_fields = [
        *(f.name if f.name != "territorial_scope" else "scope" for f in Decision._meta.fields),
        "reverse_link",
    ]
    inlines = [DecisionEventInline]

    @admin.display(description=gettext_lazy("territorial scope"))
    def scope(self, decision: Decision) -> str:
        codes = decision.territorial_scope or []
        return _("Everywhere the service is offered") if codes in ([], ["*"]) else ", ".join(codes)

    @admin.display(description=gettext_lazy("correct"))
    def reverse_link(self, decision: Decision) -> str:
        if decision.state == Decision.State.REVERSED:
            return "—"
        url = reverse("admin:appeals_decision_reverse", args=[decision.pk])
        return admin_button(url, _("Reverse this decision"))

    def get_urls(self) -> list:
        return [
            path(
                "<id:decision_pk>/reverse/",
                self.admin_site.admin_view(self.reverse_view),
                name="appeals_decision_reverse",
            ),
            path(
                "measure/<id:user_pk>/",
                self.admin_site.admin_view(self.measure_view),
                name="appeals_decision_measure",
            ),
            *super().get_urls(),
        ]

    def measure_view(self, request: HttpRequest, user_pk: int) -> HttpResponse:
        account = get_object_or_404(User, pk=user_pk)

        def measure(data: dict) -> Decision:
            return services.account_measure(
                account=account,
                acting_user=request.user,
                kind=measure_kind(data),
                statement=services.Statement(
                    summary=data["summary"],
                    facts=data["facts"],
                    rule_code=data["rule_code"],
                    content_type=Decision.ContentType.ACCOUNT,
                    source=data["source"],
                    automated_detection=data["automated_detection"],
                ),
                internal_note=data["internal_note"],
                dedupe_key=f"staff-measure:{data['submission']}",
            )

        return service_form_view(
            self,
            request,
            permission="appeals.decide",
            form=AccountMeasureForm(request.POST or None),
            action=measure,
            success=_("The measure was taken and the creator notified."),
            done=lambda decision: reverse("admin:appeals_decision_change", args=[decision.pk]),
            template="admin/appeals/decision/measure.html",
            context={
                "account": account,
                "title": _("Take a measure against an account"),
                "standing": (standing := selectors.account_standing(user=account)),
                "next_label": Decision.Kind(standing["next"]).label,
            },
        )

    def reverse_view(self, request: HttpRequest, decision_pk: int) -> HttpResponse:
        decision = get_object_or_404(Decision.objects.select_related("subject_owner"), pk=decision_pk)
        return service_form_view(
            self,
            request,
            permission="appeals.decide",
            form=ReverseDecisionForm(request.POST or None),
            action=lambda data: services.decision_reverse(
                decision=decision,
                acting_user=request.user,
                reason=data["reason"],
                internal_note=data["internal_note"],
            ),
            success=_("The decision was reversed; its effects are gone and the creator was told."),
            done=lambda _result: reverse("admin:appeals_decision_change", args=[decision.pk]),
            template="admin/appeals/decision/reverse.html",
            context={"decision": decision, "title": _("Reverse decision")},
        )


class EvidenceInline(admin.TabularInline):
    model = AppealEvidence
    extra = 0
    can_delete = False
    fields = ["link", "content_type", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def link(self, item: AppealEvidence) -> str:
        url = reverse("appeals:evidence", args=[item.appeal.public_id, item.pk])
        return format_html('<a href="{}">{}</a>', url, item.original_name)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = AppealEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "message", "internal"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("service level")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("Overdue")), ("no", _("Within target"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> QuerySet[Appeal]:
        open_appeals = queryset.filter(state__in=Appeal.OPEN_STATES)
        if self.value() == "yes":
            return open_appeals.filter(due_at__lt=timezone.now())
        if self.value() == "no":
            return open_appeals.filter(due_at__gte=timezone.now())
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = gettext_lazy("assigned")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("mine", _("Mine")), ("unassigned", _("Unassigned"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> QuerySet[Appeal]:
        if self.value() == "mine":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "unassigned":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["__str__", "appellant", "state", "assigned_to", "submitted_at", "sla", "overdue"]
    list_filter = ["state", OverdueFilter, AssigneeFilter, "decision__kind"]
    change_form_template = "admin/appeals/appeal/change_form.html"
    list_select_related = ["decision", "appellant", "assigned_to"]
    search_fields = ["public_id", "appellant__email", "decision__subject_title", "reason"]
    ordering = ["due_at"]
    readonly_fields = [
        "public_id",
        "decision_link",
        "appellant",
        "state",
        "reason",
        "assigned_to",
        "submitted_at",
        "due_at",
        "decided_at",
        "decided_by",
        "reply",
        "withdrawn_at",
        "decide_link",
    ]
    fields = readonly_fields
    inlines = [EvidenceInline, EventInline]
    actions = ["assign_to_me"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("overdue"), boolean=True)
    def overdue(self, appeal: Appeal) -> bool:
        return appeal.is_overdue

    @admin.display(description=gettext_lazy("service level"), ordering="due_at")
    def sla(self, appeal: Appeal) -> str:
        """The time left to decide (or how late it is), per row: the queue's countdown."""
        if not appeal.is_open:
            return "—"
        if appeal.is_overdue:
            return format_html(
                '<span class="sunlight-overdue">{}</span>',
                _("Overdue by %(late)s") % {"late": timesince(appeal.due_at, depth=1)},
            )
        return _("Due in %(left)s") % {"left": timeuntil(appeal.due_at, depth=1)}

    def workspace_context(self, request: HttpRequest, appeal: Appeal) -> dict:
        """Everything a reviewer needs on one page: the decision's subject as the creator made it, the
        files, the creator's other decisions, and the next appeal in the queue."""
        context: dict = {
            "appeal": appeal,
            "evidence": list(appeal.evidence.all()),
            "prior": workspace.prior_decisions(appeal),
            "next_appeal": workspace.next_open_appeal(appeal, user_id=request.user.pk),
        }
        for item in context["evidence"]:
            item.preview = None
            if item.content_type == "application/pdf":
                with item.file.open("rb") as handle:
                    item.preview = pdf_preview(handle)
        panel = workspace.subject_panel(appeal.decision)
        if panel is not None:
            context.update(panel.context)
            context["subject_template"] = panel.template
        return context

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        appeal = Appeal.objects.select_related("decision", "appellant").filter(pk=object_id).first()
        extra = dict(extra_context or {})
        if appeal is not None:
            # No "save" on a page with nothing to save: appeals change through "Decide" only.
            extra.update(
                self.workspace_context(request, appeal), show_save=False, show_save_and_continue=False
            )
        return super().change_view(request, object_id, form_url, extra)

    @admin.display(description=gettext_lazy("decision"))
    def decision_link(self, appeal: Appeal) -> str:
        d = appeal.decision
        url = reverse("admin:appeals_decision_change", args=[d.pk])
        return format_html('<a href="{}">{}</a><br><br>{}<br><br>{}', url, d, d.summary, d.facts)

    @admin.display(description=gettext_lazy("decide"))
    def decide_link(self, appeal: Appeal) -> str:
        if not appeal.is_open:
            return "—"
        url = reverse("admin:appeals_appeal_decide", args=[appeal.pk])
        return admin_button(url, _("Decide this appeal"))

    @admin.action(description=gettext_lazy("Assign to me (start review)"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Appeal]) -> None:
        done = 0
        for appeal in queryset:
            try:
                services.appeal_assign(appeal=appeal, acting_user=request.user)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{appeal}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, _("%(n)s appeal(s) assigned to you.") % {"n": done}, messages.SUCCESS)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        overdue = selectors.appeal_overdue_count()
        if overdue:
            self.message_user(
                request,
                _("%(n)s open appeal(s) are past their service-level target.") % {"n": overdue},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def get_urls(self) -> list:
        return [
            path(
                "<id:appeal_pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="appeals_appeal_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, appeal_pk: int) -> HttpResponse:
        appeal = get_object_or_404(Appeal.objects.select_related("decision", "appellant"), pk=appeal_pk)
        # Deciding is its own permission: viewing appeals (internal notes included) is not enough.
        return service_form_view(
            self,
            request,
            permission="appeals.decide_appeal",
            form=DecideForm(request.POST or None),
            action=lambda data: services.appeal_decide(
                appeal=appeal,
                outcome=data["outcome"],
                acting_user=request.user,
                reply=data["reply"],
                internal_note=data["internal_note"],
            ),
            success=_("The appeal was decided and the creator notified."),
            done=lambda _result: reverse("admin:appeals_appeal_change", args=[appeal.pk]),
            template="admin/appeals/appeal/decide.html",
            context={
                **self.workspace_context(request, appeal),
                "title": _("Decide appeal"),
                "events": appeal.events.select_related("actor"),
                "canned_replies": [
                    {"key": key, "label": label, "texts": texts}
                    for key, label, texts in workspace.CANNED_REPLIES
                ],
                "creator_language": appeal.appellant.language or "en",
                "creator_language_name": get_language_info(appeal.appellant.language or "en")[
                    "name_translated"
                ],
            },
        )


@admin.register(CompensationVoucher)
class CompensationVoucherAdmin(admin.ModelAdmin):
    list_display = ["owner", "impressions", "issued_at", "expires_at", "redeemed_at"]
    list_select_related = ["owner"]
    search_fields = ["owner__email", "public_id"]
    readonly_fields = [f.name for f in CompensationVoucher._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
