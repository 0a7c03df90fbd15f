from __future__ import annotations

import uuid

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from appeals.forms import (
    FACTS_LABEL,
    SUMMARY_LABEL,
    measure_kind,
    measure_kind_field,
    statement_text_field,
)
from appeals.models import STATEMENT_MAX, Automation, Decision
from appeals.services import Statement
from core.admin import ReadOnlyModelAdmin, admin_button, service_form_view
from notes import services
from notes.forms import split_list
from notes.models import (
    AutomationCase,
    Boost,
    Comment,
    Declaration,
    DeclarationChange,
    DistributionFactor,
    Featuring,
    ImageScan,
    Label,
    Note,
    NoteImage,
    NoteVideo,
    ProvenanceSignal,
    Report,
    ReportFiling,
    Topic,
    TutorialRule,
)
from notes.services import STAFF_NOTE_KINDS
from notes.services.cases import account_events, case_dismiss, case_escalate, signal_facts
from notes.services.distribution import near_duplicates
from notes.services.reports import report_resolve


class ReadOnlyInline(admin.TabularInline):
    """Declarations, history, media and labels change only through services, never by hand here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DeclarationInline(ReadOnlyInline):
    model = Declaration
    fields = ["degree", "text_degree", "tools", "usage_note", "declared_by", "declared_at", "updated_at"]
    readonly_fields = fields


class DeclarationChangeInline(ReadOnlyInline):
    model = DeclarationChange
    fields = ["changed_at", "changed_by", "before", "after"]
    readonly_fields = fields


class NoteImageInline(ReadOnlyInline):
    model = NoteImage
    fields = [
        "preview",
        "position",
        "original_name",
        "original_format",
        "original_size",
        "width",
        "height",
        "ai_degree",
        "scan_result",
    ]
    readonly_fields = fields

    @admin.display(description=_("provenance"))
    def scan_result(self, image: NoteImage) -> str:
        scan = getattr(image, "scan", None)
        if scan is None:
            return "—"
        return f"{scan.get_status_display()}: {scan.tier or '—'} {scan.kind}".strip()

    @admin.display(description=_("preview"))
    def preview(self, image: NoteImage) -> str:
        return format_html('<img src="{}" alt="" width="96">', image.thumbnail.url) if image.thumbnail else ""


class NoteVideoInline(ReadOnlyInline):
    model = NoteVideo
    fk_name = "note"
    fields = [
        "player",
        "original_name",
        "original_format",
        "original_size",
        "width",
        "height",
        "duration",
        "status",
        "error",
        "scan_result",
        "visual_degree",
        "audio_degree",
        "audio_parts",
        "animated_from_own",
        "animated_from_note",
    ]
    readonly_fields = fields

    @admin.display(description=_("provenance"))
    def scan_result(self, video: NoteVideo) -> str:
        return f"{video.get_scan_status_display()}: {video.scan_tier or '—'} {video.scan_kind}".strip()

    @admin.display(description=_("video"))
    def player(self, video: NoteVideo) -> str:
        if not video.ready:
            return "—"
        return format_html(
            '<video controls preload="none" width="240" poster="{}" src="{}"></video>',
            video.poster.url,
            video.rendition.url,
        )


class LabelInline(ReadOnlyInline):
    model = Label
    fields = ["tier", "kind", "source", "decision", "evidence", "created_at"]
    readonly_fields = fields


class DistributionFactorInline(ReadOnlyInline):
    model = DistributionFactor
    fields = ["name", "value", "reason", "decision", "featuring", "until", "details"]
    readonly_fields = fields
    verbose_name_plural = _("distribution factors (weight = product)")


class FeaturingInline(ReadOnlyInline):
    model = Featuring
    fk_name = "note"
    fields = ["reason", "featured_by", "featured_at", "ended_at", "ended_by"]
    readonly_fields = fields


class BoostInline(ReadOnlyInline):
    model = Boost
    fields = ["voucher", "state", "target", "delivered", "started_at", "ends_at", "finished_at"]
    readonly_fields = fields


class FeatureForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is featured (shown to the creator)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Encouraged AI creation: art and animation from the creator's own work, popular science, "
            "visual ideas."
        ),
    )


class UnfeatureForm(forms.Form):
    confirm = forms.BooleanField(label=_("Stop featuring this note"), required=True)


class LabelTierFilter(admin.SimpleListFilter):
    title = _("label tier")
    parameter_name = "label"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [*Label.Tier.choices, ("unlabelled", _("No label"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Note]) -> QuerySet[Note]:
        value = self.value()
        if value == "unlabelled":
            return queryset.filter(labels__isnull=True)
        if value in Label.Tier.values:
            return queryset.filter(labels__tier=value).distinct()
        return queryset


class NoteDecisionForm(forms.Form):
    """A staff decision about a note, with its whole statement of reasons."""

    kind = forms.ChoiceField(
        label=_("Decision"),
        choices=[(k.value, k.label) for k in STAFF_NOTE_KINDS],
        widget=forms.RadioSelect,
        help_text=_(
            "A label is shown on the note and in downloads; reduced distribution lowers the note's weight "
            "in the ranked feeds (it stays reachable by its link); withdrawing the quality bonus takes away "
            "the extra reach for declared AI work; removal hides it from everyone but its author."
        ),
    )
    label_kind = forms.ChoiceField(
        label=_("For a label: what the content is"),
        choices=Label.Kind.choices,
        initial=Label.Kind.GENERATED,
        required=False,
    )
    summary = statement_text_field(SUMMARY_LABEL, rows=3)
    facts = statement_text_field(FACTS_LABEL, rows=4)
    rule_code = forms.ChoiceField(label=_("Guideline"), choices=[("", "—"), *Decision.RuleCode.choices])
    rule = forms.CharField(
        label=_("Guideline wording (optional)"),
        required=False,
        max_length=200,
        help_text=_("Required for “another guideline”; otherwise leave empty to quote the one chosen above."),
    )
    ground = forms.ChoiceField(label=_("Ground"), choices=Decision.Ground.choices)
    content_type = forms.ChoiceField(
        label=_("Content type"), choices=[("", "—"), *Decision.ContentType.choices]
    )
    source = forms.ChoiceField(
        label=_("How it came to our attention"), choices=[("", "—"), *Decision.Source.choices]
    )
    automated_detection = forms.ChoiceField(
        label=_("How it was detected"), choices=Automation.choices, initial=Automation.NOT_AUTOMATED
    )
    automated_decision = forms.ChoiceField(
        label=_("How the decision is made"),
        choices=[c for c in Automation.choices if c[0] != Automation.FULLY],
        initial=Automation.NOT_AUTOMATED,
    )
    territorial_scope = forms.CharField(
        label=_("Territorial scope"),
        required=False,
        help_text=_("Two-letter country codes separated by commas; empty or * for everywhere."),
    )
    ends_at = forms.DateTimeField(
        label=_("In force until (optional)"),
        required=False,
        help_text=_("Empty: until reversed. Format: 2026-12-31 18:00, in the site's time zone (%(tz)s).")
        % {"tz": settings.TIME_ZONE},
    )
    internal_note = forms.CharField(
        label=_("Internal note (staff only)"),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # One id per rendered form: a double-submitted form records one decision, not two.
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


@admin.register(Note)
class NoteAdmin(ReadOnlyModelAdmin):
    list_display = [
        "title",
        "author",
        "state",
        "declared_degree",
        "label_tiers",
        "traffic",
        "weight",
        "published_at",
    ]
    list_filter = ["state", "traffic", LabelTierFilter, "declaration__degree"]
    list_select_related = ["author", "declaration"]
    search_fields = ["title", "public_id", "author__email", "author__display_name"]
    readonly_fields = [
        "decide_link",
        "feature_link",
        "public_id",
        "author",
        "state",
        "withheld",
        "withheld_until",
        "reach_reduced",
        "reach_reduced_until",
        "weight",
        "traffic",
        "rank_score",
        "weight_until",
        "title",
        "body",
        "body_html",
        "topics",
        "created_at",
        "updated_at",
        "published_at",
    ]
    inlines = [
        DeclarationInline,
        DeclarationChangeInline,
        NoteImageInline,
        NoteVideoInline,
        LabelInline,
        DistributionFactorInline,
        FeaturingInline,
        BoostInline,
    ]
    date_hierarchy = "published_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Note]:
        return super().get_queryset(request).prefetch_related("labels")

    @admin.display(description=_("decide"))
    def decide_link(self, note: Note) -> str:
        if note.state != Note.State.PUBLISHED:
            return "—"
        url = reverse("admin:notes_note_decide", args=[note.pk])
        return admin_button(url, _("Make a decision about this note"))

    @admin.display(description=_("featuring"))
    def feature_link(self, note: Note) -> str:
        if note.state != Note.State.PUBLISHED:
            return "—"
        if note.featurings.filter(ended_at__isnull=True).exists():
            url = reverse("admin:notes_note_unfeature", args=[note.pk])
            return admin_button(url, _("Stop featuring"))
        url = reverse("admin:notes_note_feature", args=[note.pk])
        return admin_button(url, _("Feature this note"))

    def get_urls(self) -> list:
        return [
            path(
                "<id:note_pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="notes_note_decide",
            ),
            path(
                "<id:note_pk>/feature/",
                self.admin_site.admin_view(self.feature_view),
                name="notes_note_feature",
            ),
            path(
                "<id:note_pk>/unfeature/",
                self.admin_site.admin_view(self.unfeature_view),
                name="notes_note_unfeature",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, note_pk: int) -> HttpResponse:
        note = get_object_or_404(Note.objects.select_related("author"), pk=note_pk)

        def decide(data: dict) -> Decision:
            return services.note_decide(
                note=note,
                acting_user=request.user,
                kind=data["kind"],
                label_kind=data["label_kind"] or Label.Kind.GENERATED,
                statement=Statement(
                    summary=data["summary"],
                    facts=data["facts"],
                    rule_code=data["rule_code"],
                    rule=data["rule"],
                    ground=data["ground"],
                    content_type=data["content_type"],
                    source=data["source"],
                    automated_detection=data["automated_detection"],
                    automated_decision=data["automated_decision"],
                    territorial_scope=tuple(split_list(data["territorial_scope"])),
                ),
                ends_at=data["ends_at"],
                internal_note=data["internal_note"],
                dedupe_key=f"staff-form:{data['submission']}",
            )

        return service_form_view(
            self,
            request,
            permission="appeals.decide",
            form=NoteDecisionForm(request.POST or None),
            action=decide,
            success=_("The decision was recorded and the creator notified."),
            done=lambda decision: reverse("admin:appeals_decision_change", args=[decision.pk]),
            template="admin/notes/note/decide.html",
            context={
                "note": note,
                "title": _("Make a decision"),
                "decisions": Decision.objects.filter(
                    subject_type=Decision.SubjectType.NOTE, subject_id=note.public_id
                ),
                "copies": near_duplicates(note),
            },
        )

    def feature_view(self, request: HttpRequest, note_pk: int) -> HttpResponse:
        note = get_object_or_404(Note.objects.select_related("author"), pk=note_pk)
        return service_form_view(
            self,
            request,
            permission="notes.feature_note",
            form=FeatureForm(request.POST or None),
            action=lambda data: services.note_feature(
                note=note, acting_user=request.user, reason=data["reason"]
            ),
            success=_("The note is featured: it earns the featured bonus while it qualifies."),
            done=lambda featuring: reverse("admin:notes_note_change", args=[note.pk]),
            template="admin/notes/note/feature.html",
            context={"note": note, "title": _("Feature this note"), "submit": _("Feature")},
        )

    def unfeature_view(self, request: HttpRequest, note_pk: int) -> HttpResponse:
        note = get_object_or_404(Note.objects.select_related("author"), pk=note_pk)
        return service_form_view(
            self,
            request,
            permission="notes.feature_note",
            form=UnfeatureForm(request.POST or None),
            action=lambda data: services.note_unfeature(note=note, acting_user=request.user),
            success=_("The note is no longer featured."),
            done=lambda result: reverse("admin:notes_note_change", args=[note.pk]),
            template="admin/notes/note/feature.html",
            context={"note": note, "title": _("Stop featuring"), "submit": _("Stop featuring")},
        )

    @admin.display(description=_("declaration"), ordering="declaration__degree")
    def declared_degree(self, note: Note) -> str:
        declaration = getattr(note, "declaration", None)
        return declaration.get_degree_display() if declaration else "—"

    @admin.display(description=_("labels"))
    def label_tiers(self, note: Note) -> str:
        return ", ".join(label.get_tier_display() for label in note.labels.all()) or "—"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(ProvenanceSignal)
class ProvenanceSignalAdmin(ReadOnlyModelAdmin):
    """Evidence found in uploads: read-only, written by the scan task only."""

    list_display = ["image", "kind", "location", "tier", "ai", "readable"]
    list_filter = ["kind", "tier", "readable"]
    list_select_related = ["image", "image__note"]
    search_fields = ["image__note__title", "image__note__public_id", "value"]
    readonly_fields = ["image", "kind", "location", "value", "ai", "tier", "readable", "details"]


@admin.register(ImageScan)
class ImageScanAdmin(ReadOnlyModelAdmin):
    list_display = ["image", "status", "tier", "kind", "scanned_at"]
    list_filter = ["status", "tier"]
    list_select_related = ["image"]
    readonly_fields = ["image", "status", "tier", "kind", "sha256", "scanned_at", "error"]


@admin.register(Featuring)
class FeaturingAdmin(ReadOnlyModelAdmin):
    """Who featured which note and why; featuring is done from the note's page."""

    list_display = ["note", "featured_by", "featured_at", "ended_at"]
    list_filter = ["ended_at"]
    list_select_related = ["note", "featured_by"]
    search_fields = ["note__title", "note__public_id", "reason"]
    readonly_fields = ["note", "reason", "featured_by", "featured_at", "ended_at", "ended_by"]


@admin.register(Boost)
class BoostAdmin(ReadOnlyModelAdmin):
    """Vouchers being delivered through reserved feed slots: written by redemption and the traffic task."""

    list_display = ["note", "state", "delivered", "target", "started_at", "ends_at"]
    list_filter = ["state"]
    list_select_related = ["note"]
    search_fields = ["note__title", "note__public_id", "public_id"]
    readonly_fields = [
        "public_id",
        "voucher",
        "note",
        "state",
        "target",
        "delivered",
        "started_at",
        "ends_at",
        "finished_at",
    ]


class CommentRemoveForm(forms.Form):
    summary = statement_text_field(
        _("What is decided (shown to the commenter)"), rows=2, initial=_("This comment was removed.")
    )
    facts = statement_text_field(_("Facts and evidence (shown to the commenter)"), rows=3)
    rule_code = forms.ChoiceField(label=_("Guideline"), choices=Decision.RuleCode.choices)
    source = forms.ChoiceField(label=_("How it came to our attention"), choices=Decision.Source.choices)
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


@admin.register(Comment)
class CommentAdmin(ReadOnlyModelAdmin):
    """Comments are written and deleted by their authors; staff remove one by a decision."""

    list_display = ["body_start", "author", "note", "state", "client", "created_at"]
    list_filter = ["state", "client"]
    list_select_related = ["author", "note"]
    search_fields = ["body", "author__email", "note__title", "public_id"]
    readonly_fields = [
        "remove_link",
        "public_id",
        "note",
        "author",
        "body",
        "state",
        "client",
        "created_at",
        "deleted_at",
    ]

    @admin.display(description=_("comment"))
    def body_start(self, comment: Comment) -> str:
        return comment.body[:80]

    @admin.display(description=_("remove"))
    def remove_link(self, comment: Comment) -> str:
        if comment.state != Comment.State.VISIBLE:
            return "—"
        url = reverse("admin:notes_comment_remove", args=[comment.pk])
        return admin_button(url, _("Remove this comment"))

    def get_urls(self) -> list:
        return [
            path(
                "<id:comment_pk>/remove/",
                self.admin_site.admin_view(self.remove_view),
                name="notes_comment_remove",
            ),
            *super().get_urls(),
        ]

    def remove_view(self, request: HttpRequest, comment_pk: int) -> HttpResponse:
        comment = get_object_or_404(Comment.objects.select_related("author", "note"), pk=comment_pk)

        def remove(data: dict) -> Decision:
            return services.comment_remove(
                comment=comment,
                acting_user=request.user,
                statement=Statement(
                    summary=data["summary"],
                    facts=data["facts"],
                    rule_code=data["rule_code"],
                    content_type=Decision.ContentType.TEXT,
                    source=data["source"],
                ),
                dedupe_key=f"staff-comment:{data['submission']}",
            )

        return service_form_view(
            self,
            request,
            permission="appeals.decide",
            form=CommentRemoveForm(request.POST or None),
            action=remove,
            success=_("The comment was removed and its author notified."),
            done=lambda decision: reverse("admin:appeals_decision_change", args=[decision.pk]),
            template="admin/notes/comment/remove.html",
            context={"comment": comment, "title": _("Remove a comment")},
        )


@admin.register(TutorialRule)
class TutorialRuleAdmin(admin.ModelAdmin):
    """Phrases and expressions that mark label-removal tutorials, checked on publish, edit and comment."""

    list_display = ["pattern", "kind", "description", "active", "created_at"]
    list_filter = ["kind", "active"]
    search_fields = ["pattern", "description"]


class CaseEscalateForm(forms.Form):
    kind = measure_kind_field()
    summary = statement_text_field(SUMMARY_LABEL, rows=3)
    facts = statement_text_field(FACTS_LABEL, rows=6)


class CaseDismissForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the case dismissed? (staff only)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(AutomationCase)
class AutomationCaseAdmin(ReadOnlyModelAdmin):
    """The queue of accounts whose activity looked machine-driven: escalate to a measure or dismiss."""

    list_display = ["account", "state", "score", "clearest", "opened_at", "window_end"]
    list_filter = ["state", "clearest"]
    list_select_related = ["account"]
    search_fields = ["account__email", "account__display_name", "account__public_id"]
    readonly_fields = [
        "actions_links",
        "account",
        "state",
        "score",
        "clearest",
        "signals_table",
        "recent_activity",
        "window_start",
        "window_end",
        "opened_at",
        "decided_by",
        "decided_at",
        "staff_note",
        "decision",
    ]
    exclude = ["signals"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AutomationCase]:
        return super().get_queryset(request).order_by("-state", "-score", "-opened_at")

    @admin.display(description=_("decide"))
    def actions_links(self, case: AutomationCase) -> str:
        if case.state != AutomationCase.State.OPEN:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            reverse("admin:notes_automationcase_escalate", args=[case.pk]),
            _("Escalate to a measure"),
            reverse("admin:notes_automationcase_dismiss", args=[case.pk]),
            _("Dismiss"),
        )

    @admin.display(description=_("signals"))
    def signals_table(self, case: AutomationCase) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    "✗" if s.get("fired") else "",
                    s.get("name"),
                    s.get("value"),
                    s.get("threshold"),
                    s.get("meaning"),
                )
                for s in case.signals
            ),
        )
        head = format_html(
            "<tr><th></th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("signal"),
            _("value"),
            _("threshold"),
            _("meaning"),
        )
        return format_html("<table>{}{}</table>", head, rows)

    @admin.display(description=_("recent activity"))
    def recent_activity(self, case: AutomationCase) -> str:
        events = sorted(
            account_events(case.account, since=case.window_start, until=case.window_end),
            key=lambda e: e.at,
            reverse=True,
        )[:50]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((e.at.strftime("%Y-%m-%d %H:%M:%S"), e.kind, e.client, e.text[:120]) for e in events),
        )
        return format_html("<table>{}</table>", rows)

    def get_urls(self) -> list:
        return [
            path(
                "<id:case_pk>/escalate/",
                self.admin_site.admin_view(self.escalate_view),
                name="notes_automationcase_escalate",
            ),
            path(
                "<id:case_pk>/dismiss/",
                self.admin_site.admin_view(self.dismiss_view),
                name="notes_automationcase_dismiss",
            ),
            *super().get_urls(),
        ]

    def escalate_view(self, request: HttpRequest, case_pk: int) -> HttpResponse:
        case = get_object_or_404(AutomationCase.objects.select_related("account"), pk=case_pk)
        initial = {
            "summary": _("A measure against this account: its activity looked machine-driven."),
            "facts": signal_facts(case.signals),
        }

        def escalate(data: dict) -> Decision:
            return case_escalate(
                case=case,
                acting_user=request.user,
                kind=measure_kind(data),
                statement=Statement(
                    summary=data["summary"],
                    facts=data["facts"],
                    rule_code=Decision.RuleCode.AI_MANAGED_ACCOUNT,
                    content_type=Decision.ContentType.ACCOUNT,
                    automated_detection=Automation.PARTIALLY,
                    evidence=[s for s in case.signals if s.get("fired")],
                ),
            )

        return service_form_view(
            self,
            request,
            permission="appeals.decide",
            form=CaseEscalateForm(request.POST or None, initial=initial),
            action=escalate,
            success=_("The measure was taken and the creator notified."),
            done=lambda decision: reverse("admin:notes_automationcase_change", args=[case.pk]),
            template="admin/notes/automationcase/decide.html",
            context={"case": case, "title": _("Escalate to a measure")},
        )

    def dismiss_view(self, request: HttpRequest, case_pk: int) -> HttpResponse:
        case = get_object_or_404(AutomationCase.objects.select_related("account"), pk=case_pk)
        return service_form_view(
            self,
            request,
            permission="appeals.decide",
            form=CaseDismissForm(request.POST or None),
            action=lambda data: case_dismiss(case=case, acting_user=request.user, note=data["note"]),
            success=_("The case was dismissed."),
            done=lambda result: reverse("admin:notes_automationcase_changelist"),
            template="admin/notes/automationcase/decide.html",
            context={"case": case, "title": _("Dismiss the case")},
        )


class ReportFilingInline(ReadOnlyInline):
    model = ReportFiling
    fields = ["reporter", "comment", "created_at"]
    readonly_fields = fields


class ReportResolveForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("dismiss", _("Dismiss: nothing breaks the guidelines")),
            ("label", _("Label the note as suspected AI")),
            ("remove", _("Remove the note or the comment")),
            ("case", _("Open an automation case for the account")),
            ("measure", _("Take the next measure against the account")),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Reply to the reporters"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Needed for every action but "dismiss" (the service says so when they are missing).
    summary = statement_text_field(SUMMARY_LABEL, rows=2, required=False)
    facts = statement_text_field(FACTS_LABEL, rows=3, required=False)
    rule_code = forms.ChoiceField(label=_("Guideline"), choices=Decision.RuleCode.choices, required=False)


@admin.register(Report)
class ReportAdmin(ReadOnlyModelAdmin):
    """Readers' reports, merged per subject and category: most reported first."""

    list_display = ["category", "subject_type", "account", "filings_count", "state", "last_at"]
    list_filter = ["state", "category", "subject_type"]
    list_select_related = ["account"]
    search_fields = ["account__email", "account__display_name", "subject_key"]
    readonly_fields = [
        "resolve_link",
        "subject_link",
        "category",
        "account",
        "filings_count",
        "state",
        "first_at",
        "last_at",
        "handled_by",
        "handled_at",
        "reply",
        "decision",
    ]
    exclude = ["note", "comment", "subject_type"]
    inlines = [ReportFilingInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        return super().get_queryset(request).order_by("-state", "-filings_count", "-last_at")

    @admin.display(description=_("reported"))
    def subject_link(self, report: Report) -> str:
        if report.comment is not None:
            return format_html("{}: <q>{}</q>", _("Comment"), report.comment.body[:200])
        if report.note is not None:
            return format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                reverse("note-detail", args=[report.note.public_id]),
                report.note.title,
            )
        return str(report.account)

    @admin.display(description=_("handle"))
    def resolve_link(self, report: Report) -> str:
        if report.state != Report.State.OPEN:
            return "—"
        url = reverse("admin:notes_report_resolve", args=[report.pk])
        return admin_button(url, _("Handle this report"))

    def get_urls(self) -> list:
        return [
            path(
                "<id:report_pk>/resolve/",
                self.admin_site.admin_view(self.resolve_view),
                name="notes_report_resolve",
            ),
            *super().get_urls(),
        ]

    def resolve_view(self, request: HttpRequest, report_pk: int) -> HttpResponse:
        report = get_object_or_404(Report.objects.select_related("note", "comment", "account"), pk=report_pk)

        def resolve(data: dict) -> Report:
            statement = None
            if data["action"] not in ("dismiss", "case"):
                statement = Statement(
                    summary=data["summary"],
                    facts=data["facts"],
                    rule_code=data["rule_code"] or Decision.RuleCode.OTHER,
                    rule="" if data["rule_code"] else str(report.get_category_display()),
                    content_type=Decision.ContentType.ACCOUNT
                    if data["action"] == "measure"
                    else Decision.ContentType.TEXT,
                )
            return report_resolve(
                report=report,
                acting_user=request.user,
                action=data["action"],
                reply=data["reply"],
                statement=statement,
            )

        return service_form_view(
            self,
            request,
            permission="appeals.decide",
            form=ReportResolveForm(request.POST or None),
            action=resolve,
            success=_("The report was handled and the reporters notified."),
            done=lambda result: reverse("admin:notes_report_changelist"),
            template="admin/notes/report/resolve.html",
            context={"report": report, "title": _("Handle a report")},
        )
