from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from notes.models import (
    Declaration,
    DeclarationChange,
    ImageScan,
    Label,
    Note,
    NoteImage,
    ProvenanceSignal,
    Topic,
)


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


class LabelInline(ReadOnlyInline):
    model = Label
    fields = ["tier", "kind", "source", "decision_id", "evidence", "created_at"]
    readonly_fields = fields


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


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "author",
        "state",
        "declared_degree",
        "label_tiers",
        "published_at",
        "updated_at",
    ]
    list_filter = ["state", LabelTierFilter, "declaration__degree"]
    list_select_related = ["author", "declaration"]
    search_fields = ["title", "public_id", "author__email", "author__display_name"]
    readonly_fields = [
        "public_id",
        "author",
        "state",
        "title",
        "body",
        "body_html",
        "topics",
        "created_at",
        "updated_at",
        "published_at",
    ]
    inlines = [DeclarationInline, DeclarationChangeInline, NoteImageInline, LabelInline]
    date_hierarchy = "published_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Note]:
        return super().get_queryset(request).prefetch_related("labels")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # notes are written by creators

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
class ProvenanceSignalAdmin(admin.ModelAdmin):
    """Evidence found in uploads: read-only, written by the scan task only."""

    list_display = ["image", "kind", "location", "tier", "ai", "readable"]
    list_filter = ["kind", "tier", "readable"]
    list_select_related = ["image", "image__note"]
    search_fields = ["image__note__title", "image__note__public_id", "value"]
    readonly_fields = ["image", "kind", "location", "value", "ai", "tier", "readable", "details"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ImageScan)
class ImageScanAdmin(admin.ModelAdmin):
    list_display = ["image", "status", "tier", "kind", "scanned_at"]
    list_filter = ["status", "tier"]
    list_select_related = ["image"]
    readonly_fields = ["image", "status", "tier", "kind", "sha256", "scanned_at", "error"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
