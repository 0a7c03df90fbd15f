"""Rebuild every published note's distribution: after upgrading, or after changing SUNLIGHT_TRAFFIC."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from notes.services.distribution import distribution_rebuild_all


class Command(BaseCommand):
    help = (
        "Rebuild the distribution weight, factors, ranking score and badge of every published note "
        "from what they rest on (run after changing SUNLIGHT_TRAFFIC_* settings)."
    )

    def handle(self, *args: object, **options: object) -> None:
        count = distribution_rebuild_all()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the distribution of {count} published notes."))
