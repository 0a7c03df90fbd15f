"""The one hook every change of a decision passes through.

Decisions are made, reversed and expired only in ``appeals.services``; each of those calls
``decision_changed`` inside its transaction. The apps to the right of ``appeals`` (which it never
imports) register, from their ``AppConfig.ready``, one handler per subject type that rebuilds the
effects they show — labels, the propagation label in downloads, reach, account restrictions —
from the decisions in force. No caller applies an effect by hand, so an effect exists exactly
while its decision is in force.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from appeals.models import Decision

Handler = Callable[[Decision], None]

_HANDLERS: dict[str, list[Handler]] = {}


def register(subject_type: str, handler: Handler) -> None:
    if subject_type not in Decision.SubjectType.values:
        raise ImproperlyConfigured(f"unknown decision subject type {subject_type!r}")
    handlers = _HANDLERS.setdefault(subject_type, [])
    if handler not in handlers:
        handlers.append(handler)


def handlers_for(subject_type: str) -> list[Handler]:
    return list(_HANDLERS.get(subject_type, []))


def decision_changed(decision: Decision) -> None:
    """Rebuild every effect of ``decision``'s subject, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("decision_changed must run inside the transaction that changed the decision")
    handlers = _HANDLERS.get(decision.subject_type)
    if not handlers:
        # A decision whose effects nobody shows would be a decision without effect: refuse loudly.
        raise ImproperlyConfigured(f"no effect handler for subject type {decision.subject_type!r}")
    for handler in handlers:
        handler(decision)
