from __future__ import annotations

from django import template

from notes.evidence_text import describe, label_explanation

register = template.Library()


@register.simple_tag
def explain_label(label) -> list[str]:  # noqa: ANN001
    return label_explanation(label)


@register.simple_tag
def describe_signal(signal, position: int) -> str:  # noqa: ANN001
    return describe(signal, position)
