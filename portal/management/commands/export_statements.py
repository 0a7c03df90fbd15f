"""``manage.py export_statements [--since YYYY-MM-DD] [--until YYYY-MM-DD] --output FILE.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal import dsa
from portal.statements import WindowError, check_window, parse_day, statements_export


class Command(BaseCommand):
    help = (
        "Write the statements of reasons (EU DSA Transparency Database format) of decisions made or "
        "reversed in a window of days (UTC, both included) as a JSON array. "
        "--output - writes to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="first day, YYYY-MM-DD (default: from the beginning)")
        parser.add_argument("--until", help="last day, YYYY-MM-DD, included (default: no limit)")
        parser.add_argument(
            "--output", required=True, help="the JSON file to write, or - for standard output"
        )

    def handle(self, *args: object, **options: object) -> None:
        try:
            since = parse_day(options["since"], "since")
            until = parse_day(options["until"], "until")
            check_window(since, until)
        except WindowError as exc:
            raise CommandError(str(exc)) from exc
        statements = statements_export(since, until)
        problems = dsa.validate_batch(statements)
        if problems:
            raise CommandError(
                "Some statements break the Transparency Database's rules; nothing was written: "
                + json.dumps(problems, ensure_ascii=False)[:2000]
            )
        text = json.dumps(statements, ensure_ascii=False, indent=2) + "\n"
        if options["output"] == "-":
            sys.stdout.write(text)
            return
        target = Path(options["output"])
        if not target.parent.is_dir():
            raise CommandError(
                f"The folder {target.parent} does not exist: create it or choose another --output."
            )
        partial = target.with_name(target.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
        self.stderr.write(f"Wrote {len(statements)} statements to {target}.")
