"""Writes for accounts: outgoing mail and account housekeeping."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.tasks import enqueue_on_commit


def email_serialise(message: EmailMessage) -> dict:
    """A JSON-safe form of a message, so a task never receives a Python object."""
    alternatives = [
        {"content": content, "mimetype": mimetype}
        for content, mimetype in getattr(message, "alternatives", [])
    ]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": alternatives,
    }


def email_deliver(*, payload: dict) -> None:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        cc=payload.get("cc") or [],
        bcc=payload.get("bcc") or [],
        reply_to=payload.get("reply_to") or [],
        headers=payload.get("headers") or {},
    )
    for alternative in payload.get("alternatives", []):
        message.attach_alternative(alternative["content"], alternative["mimetype"])
    message.send()


def email_enqueue(*, message: EmailMessage) -> None:
    """Send a message after the surrounding transaction commits.

    Delivery waits for the commit so that a confirmation link never arrives for
    an account whose creation was rolled back.
    """
    enqueue_on_commit("accounts.tasks.deliver_email", email_serialise(message))


def user_purge_stale_signups(*, now: datetime | None = None) -> int:
    """Delete sign-ups that never verified an address within the configured age.

    Accounts with any verified address, staff and superusers are never touched.
    """
    from allauth.account.models import EmailAddress

    from accounts.models import User

    now = now or timezone.now()
    cutoff = now - settings.SUNLIGHT_STALE_SIGNUP_AGE
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    stale = User.objects.filter(
        date_joined__lt=cutoff, is_staff=False, is_superuser=False, last_login__isnull=True
    ).exclude(Exists(verified))
    deleted, _ = stale.delete()
    return deleted


def notification_create(  # noqa: ANN201
    *,
    recipient,  # noqa: ANN001
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    params: dict | None = None,
):
    from accounts.models import Notification

    return Notification.objects.create(
        recipient=recipient, kind=kind, title=title, body=body, url=url, params=params or {}
    )


def notification_mark_read(*, user, notification_ids: list[int] | None = None) -> int:  # noqa: ANN001
    """Mark the user's notifications read: the given ids, or all of them. Returns how many changed."""
    from accounts.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(id__in=notification_ids)
    return unread.update(read_at=timezone.now())


def user_update_profile(*, user, display_name: str, language: str | None = None) -> None:  # noqa: ANN001
    user.display_name = display_name.strip()
    fields = ["display_name"]
    if language is not None:
        user.language = language
        fields.append("language")
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=fields)


def user_notify(
    *,
    user,  # noqa: ANN001
    kind: str,
    template: str,
    context: dict,
    url: str = "",
    params: dict | None = None,
) -> None:
    """Tell a user something in-app and by email, in their language.

    ``template`` names ``<template>_subject.txt``, ``<template>_message.txt`` and
    ``<template>_message.html``; the subject is the notification's title and the text
    message its body.
    """
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(user.language or settings.LANGUAGE_CODE):
        full_context = {
            **context,
            "user": user,
            "url": url,
            "absolute_url": settings.SUNLIGHT_BASE_URL.rstrip("/") + url if url else "",
            "site_name": settings.SUNLIGHT_SITE_NAME,
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
        text = render_to_string(f"{template}_message.txt", full_context).strip()
        html = render_to_string(f"{template}_message.html", full_context)
    notification_create(recipient=user, kind=kind, title=subject, body=text, url=url, params=params)
    message = EmailMultiAlternatives(
        subject=f"[{settings.SUNLIGHT_SITE_NAME}] {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    email_enqueue(message=message)


def user_sessions_revoke(*, user) -> None:  # noqa: ANN001
    """Sign the account out everywhere: every session (browser, and the app's session tokens, which
    are sessions too) fails its auth-hash check from the next request. Signing in again works."""
    from django.db.models import F

    from accounts.models import User

    User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
