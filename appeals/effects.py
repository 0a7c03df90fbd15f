"""Effects of decisions, owned by the apps that show them.

``appeals`` never imports ``notes``: apps to its right register a handler per subject type
(from their AppConfig.ready), and reversing a decision calls it inside the same transaction,
so a label, reduced reach or a posting block disappears exactly when the decision does.
"""

from __future__ import annotations

from collections.abc import Callable

from appeals.models import Decision

_HANDLERS: dict[str, list[Callable[[Decision], None]]] = {}


def register(subject_type: str, handler: Callable[[Decision], None]) -> None:
    handlers = _HANDLERS.setdefault(subject_type, [])
    if handler not in handlers:
        handlers.append(handler)


def apply(decision: Decision) -> None:
    for handler in _HANDLERS.get(decision.subject_type, []):
        handler(decision)
