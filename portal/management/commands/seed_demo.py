"""Load the demo data of the embedded default. Safe to run again: it never duplicates."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User

# Printed at start on purpose: demo accounts exist only in the embedded default.
# bandit B105 is a false positive here: the documented demo password.
DEMO_PASSWORD = "sunlight-demo-2026"  # noqa: S105  # nosec B105
DEMO_USERS = [
    # (email, display name, is staff)
    ("mei@demo.sunlight.test", "Mei Lin", False),
    ("sam@demo.sunlight.test", "Sam Okafor", False),
    ("staff@demo.sunlight.test", "Sunlight Staff", True),
]


class Command(BaseCommand):
    help = "Create the demo creators, their notes and a staff user (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        # One transaction for the data; its scanning and labelling tasks run as it commits,
        # so the summary below is printed once everything is in place.
        with transaction.atomic():
            created = self._create()
        # The video note in transactions of its own: its rendition is made as its upload commits
        # (in-process), so it is ready to publish right after.
        from notes.demo import demo_video_create

        created += demo_video_create(author=User.objects.get(email=DEMO_USERS[0][0]))
        # The transparency report and the DSA statements start from the demo's decisions.
        from portal.statements import statements_collect
        from portal.transparency import snapshots_refresh

        statements_collect()
        snapshots_refresh()
        self._report(created)

    def _create(self) -> int:
        users = []
        for email, name, is_staff in DEMO_USERS:
            user, created = User.objects.get_or_create(
                email=email, defaults={"display_name": name, "is_staff": is_staff, "is_superuser": is_staff}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            users.append((user, is_staff))
        from notes.demo import demo_notes_create, demo_traffic_create

        creators = [user for user, is_staff in users if not is_staff]
        created = demo_notes_create(authors=creators)
        demo_traffic_create(authors=creators, staff=next(user for user, is_staff in users if is_staff))
        return created

    def _report(self, created: int) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo data is loaded ({created} demo notes created now)."))
        self.stdout.write(f"  Demo accounts (password for all: {DEMO_PASSWORD}):")
        for email, _name, is_staff in DEMO_USERS:
            role = (
                "staff (admin at /admin/; sets up an authenticator app on first visit)"
                if is_staff
                else "creator"
            )
            self.stdout.write(f"    {email:<28} {role}")
