from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from appeals.models import Automation, Decision
from notes.models import Label, Note


def transparency_figures() -> dict[str, object]:
    """Live figures for the public transparency page, computed from the ledger itself."""
    notes = Note.objects.filter(state=Note.State.PUBLISHED).aggregate(
        published=Count("id"),
        declared_ai=Count("id", filter=Q(declaration__degree__in=["assisted", "generated"])),
    )
    labels = dict(
        Label.objects.filter(note__state=Note.State.PUBLISHED)
        .values_list("tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    decisions = Decision.objects.aggregate(
        total=Count("id"),
        automated=Count("id", filter=Q(automated_decision=Automation.FULLY)),
        in_force=Count(
            "id",
            filter=Q(state=Decision.State.IN_FORCE)
            & (Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())),
        ),
        reversed=Count("id", filter=Q(state=Decision.State.REVERSED)),
    )
    return {
        "creators": User.objects.filter(is_active=True, notes__state=Note.State.PUBLISHED).distinct().count(),
        "notes": notes,
        "labels": {tier: labels.get(tier, 0) for tier in Label.Tier.values},
        "decisions": decisions,
    }
