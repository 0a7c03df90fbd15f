"""Notifications as events: a kind and its parameters are stored; the words are made when read.

A notification is rendered in the reader's language *now* (not the language of the moment it was
sent) as one line with deep links ("View the decision", "Appeal", "Use the voucher"). The apps that
send notifications register how their kinds read (``register``, from their ``AppConfig.ready``);
accounts knows none of them. A kind with no renderer, or a row stored before parameters existed,
reads as its stored title with its link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Action:
    """A deep link: ``name`` is stable for apps (view_decision, appeal, use_voucher, …)."""

    name: str
    label: str
    url: str


@dataclass(frozen=True)
class Rendered:
    message: str
    actions: list[Action] = field(default_factory=list)


Renderer = Callable[[dict], Rendered | None]
_RENDERERS: dict[str, Renderer] = {}


def register(kind: str, renderer: Renderer) -> None:
    _RENDERERS[kind] = renderer


def registered_kinds() -> list[str]:
    return sorted(_RENDERERS)


def render(notification) -> Rendered:  # noqa: ANN001 - an accounts.models.Notification
    """The notification in the active language. A renderer that cannot read its parameters (an
    object since deleted) returns None and the stored title is shown instead."""
    renderer = _RENDERERS.get(notification.kind)
    if renderer is not None and notification.params:
        rendered = renderer(notification.params)
        if rendered is not None:
            return rendered
    actions = [Action("open", _("Open"), notification.url)] if notification.url else []
    return Rendered(message=notification.title, actions=actions)
