from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from appeals.models import Decision


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["kind", "subject_title", "subject_owner", "state", "automated_decision", "created_at"]
    list_filter = ["kind", "state", "automated_detection", "automated_decision", "subject_type"]
    list_select_related = ["subject_owner", "decided_by"]
    search_fields = ["public_id", "subject_id", "subject_title", "subject_owner__email"]
    # The ledger is written by services only; staff read it here.
    readonly_fields = [f.name for f in Decision._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
