from __future__ import annotations

import time
from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal.httpkit import is_headless_request
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from accounts import services
from accounts.models import User


class AccountAdapter(DefaultAccountAdapter):
    """Sunlight's hooks into allauth: display name at sign-up, mail through Celery."""

    def save_user(self, request: HttpRequest, user, form, commit: bool = True) -> User:  # noqa: ANN001
        user = super().save_user(request, user, form, commit=False)
        user.display_name = (form.cleaned_data.get("display_name") or "").strip()
        # Mail and notifications follow the language the creator signed up in.
        user.language = translation.get_language() or settings.LANGUAGE_CODE
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Render now (the request and the active language are here) and deliver in a
        # task, so a slow SMTP server never holds up a sign-up request.
        request = context.get("request") or self.request
        context = {
            **context,
            "current_site": SimpleNamespace(
                name=settings.SUNLIGHT_SITE_NAME, domain=request.get_host() if request else ""
            ),
        }
        message = self.render_mail(template_prefix, email, context)
        services.email_enqueue(message=message)

    def is_reauthentication_required(self, *, app: str, **kwargs: object) -> bool:
        """No second password prompt on the staff sign-in path: setting up a *first* authenticator app
        within minutes of signing in with the password (the admin sends staff there) counts as
        recent. Changing or removing an existing authenticator still asks for the password."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = context.request
        if not required or app != "allauth.mfa" or request is None or not request.user.is_authenticated:
            return required
        from allauth.account import app_settings as account_settings
        from allauth.account.internal.flows.login import get_authentication_records
        from allauth.mfa.models import Authenticator

        if Authenticator.objects.filter(user=request.user).exists():
            return True
        records = get_authentication_records(request, request.user)
        signed_in = [r["at"] for r in records if r.get("method") == "password" and "at" in r]
        return not signed_in or time.time() - signed_in[-1] >= account_settings.REAUTHENTICATION_TIMEOUT

    def post_login(self, request: HttpRequest, user, **kwargs: object):  # noqa: ANN001, ANN201 - allauth's signature
        """After sign-in the site speaks the account's language (its setting wins over the browser's),
        from the next page on: the language cookie is set on the sign-in's answer."""
        response = super().post_login(request, user, **kwargs)
        language = getattr(user, "language", "")
        # Not for the app (headless): it says its language with each request's Accept-Language.
        if language and not is_headless_request(request):
            set_language_cookie(response, language)
        return response


def set_language_cookie(response, language: str) -> None:  # noqa: ANN001 - any HttpResponse
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
