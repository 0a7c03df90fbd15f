from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification, User
from core.admin import ReadOnlyModelAdmin, admin_button


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "display_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name", "public_id"]
    readonly_fields = ["public_id", "date_joined", "last_login", "measure_link"]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id", "measure_link"]}),
        (_("Profile"), {"fields": ["display_name"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    @admin.display(description=_("measures"))
    def measure_link(self, user: User) -> str:
        # The view belongs to the ledger (appeals), named here only by its URL.
        url = reverse("admin:appeals_decision_measure", args=[user.pk])
        return admin_button(url, _("Take a measure against this account"))

    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]}),
    ]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    search_fields = ["title", "recipient__email"]
    readonly_fields = ["recipient", "kind", "title", "body", "url", "created_at", "read_at"]


# allauth's own admin shows an authenticator's ``data`` — the TOTP secret and recovery-code seed, kept in
# clear — to anyone allowed to view authenticators. Staff see which methods a user has, never the secrets.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
