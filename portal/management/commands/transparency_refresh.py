"""``manage.py transparency_refresh``: recompute the transparency report's stored figures now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.transparency import snapshots_refresh


class Command(BaseCommand):
    help = (
        "Aggregate the public transparency report's figures into stored snapshots "
        "(the periodic task does this hourly)."
    )

    def handle(self, *args: object, **options: object) -> None:
        computed_at = snapshots_refresh()
        self.stdout.write(f"Transparency figures computed at {computed_at.isoformat()}.")
