"""Score an activity log for automation: one JSON object per account (README "Automation signals")."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notes.automation import signals


class Command(BaseCommand):
    help = (
        "Read one event per line (account, kind, at, client, text, target, target_at) and print, per "
        "account, its automation score, whether a case would open, and each signal with its threshold."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--events", required=True, help="a JSON-lines file of events, in time order")
        parser.add_argument("--json", action="store_true", help="one JSON object per account per line")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["events"]))
        try:
            # Lines end at "\n" only: JSON strings may hold U+2028 and U+2029, which splitlines() splits on.
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            accounts = signals.read_log(lines)
        except signals.LogError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for account, events in sorted(accounts.items()):
            result = signals.score(account, events, settings.SUNLIGHT_AUTOMATION)
            data = result.as_dict()
            if options["json"]:
                self.stdout.write(json.dumps(data, ensure_ascii=False))
                continue
            verdict = "CASE" if result.case else "no case"
            self.stdout.write(f"{account}: score {data['score']:.2f} — {verdict}")
            for signal in data["signals"]:
                mark = "✗" if signal["fired"] else " "
                value = "—" if signal["value"] is None else signal["value"]
                self.stdout.write(
                    f"  {mark} {signal['name']:<22} {value!s:>10}  (threshold {signal['threshold']})"
                )
