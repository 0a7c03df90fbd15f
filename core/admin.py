"""Admin pages that act through a service: one shape for every staff form (decide, reverse, …)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from core.errors import DomainError
from core.forms import add_service_errors


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records staff read here and never write by hand: services (and the admin views that call them)
    are their only writers."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


def service_form_view(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *,
    permission: str,
    form: forms.Form,
    action: Callable[[dict], object],
    success: str,
    done: Callable[[object], str],
    template: str,
    context: dict,
) -> HttpResponse:
    """Check ``permission``, run ``action(cleaned_data)`` (a service call with ``acting_user``) on a
    valid POST, and go to ``done(result)`` with ``success``; a refusal is shown on the form (field
    errors) or on top (state errors), and nothing is written."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except (DomainError, PermissionDenied) as exc:
            model_admin.message_user(request, getattr(exc, "message", str(exc)), messages.ERROR)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            model_admin.message_user(request, success, messages.SUCCESS)
            return redirect(done(result))
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "form": form,
            **context,
        },
    )


def admin_button(url: str, label: object) -> str:
    """A link styled as the admin's button: how every custom staff action is offered on a change page."""
    return format_html('<a class="button" href="{}">{}</a>', url, label)
