from __future__ import annotations

from django import template

from notes.evidence_text import describe, label_explanation
from notes.video_media import seconds_label

register = template.Library()


@register.simple_tag
def explain_label(label) -> list[str]:  # noqa: ANN001
    return label_explanation(label)


@register.simple_tag
def describe_signal(signal, position: int) -> str:  # noqa: ANN001
    return describe(signal, position)


@register.simple_tag(takes_context=True)
def boostable_notes(context) -> list:  # noqa: ANN001
    """The signed-in creator's published notes a voucher can boost (the wallet's redeem form)."""
    from notes.models import Boost, Note

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return list(
        Note.objects.filter(author=user, state=Note.State.PUBLISHED)
        .not_withheld()
        .exclude(boosts__state=Boost.State.ACTIVE)
        .order_by("-published_at", "-id")
        .only("public_id", "title")[:200]
    )


@register.filter
def field(form, name: str):  # noqa: ANN001, ANN201 - a form and its bound field (or None)
    """``form|field:"name"``: the bound field, or None when the form has no such field."""
    return form[name] if name in form.fields else None


@register.filter
def video_length(seconds: float) -> str:
    return seconds_label(seconds or 0)
