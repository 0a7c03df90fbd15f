from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from appeals.models import Decision


def decision_list_for_user(*, user: User) -> QuerySet[Decision]:
    return Decision.objects.filter(subject_owner=user)


def decision_get_for_user(*, user: User, decision_id: object) -> Decision:
    """The one access helper for decisions: a creator sees only decisions about them (else 404)."""
    try:
        return Decision.objects.get(public_id=decision_id, subject_owner=user)
    except (Decision.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
