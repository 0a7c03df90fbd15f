from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.adapters import set_language_cookie
from accounts.notifications import render as notification_render
from core.pagination import LIST_PAGE_SIZE


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=60, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of notifications and emails"), choices=settings.LANGUAGES
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": request.user.display_name, "language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            language=form.cleaned_data["language"],
        )
        # The account's language is the site's language from this answer on (this message included).
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your profile was saved."))
        response = redirect("account")
        set_language_cookie(response, form.cleaned_data["language"])
        return response
    return render(request, "accounts/account.html", {"form": form})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for notification in page.object_list:
        # In the reader's language now, whatever it was when the event happened.
        notification.rendered = notification_render(notification)
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    raw_id = request.POST.get("id")
    ids = None
    if raw_id is not None:
        # Ids are 64-bit: anything longer is no notification of anyone's (and must not reach the database).
        ids = [int(raw_id)] if raw_id.isdigit() and len(raw_id) <= 18 else []
    services.notification_mark_read(user=request.user, notification_ids=ids)
    return redirect("notifications")


class ResendForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address"), max_length=254)


@require_POST
def verification_resend(request: HttpRequest) -> HttpResponse:
    """Send the confirmation link again to an address that has not been confirmed. The answer is the
    same whether or not the address is known (no account enumeration), and allauth's rate limit on
    confirmation mails applies."""
    from allauth.account.internal.flows.email_verification import send_verification_email_to_address
    from allauth.account.models import EmailAddress

    form = ResendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the email address you signed up with."))
        return redirect("account_email_verification_sent")
    address = (
        EmailAddress.objects.filter(email__iexact=form.cleaned_data["email"], verified=False)
        .select_related("user")
        .first()
    )
    if address is not None:
        send_verification_email_to_address(request, address)
    messages.success(
        request, _("If an account waits for this address to be confirmed, a new link is on its way.")
    )
    return redirect("account_email_verification_sent")
