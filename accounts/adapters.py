from __future__ import annotations

from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
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
