"""``python manage.py scan_provenance PATH [PATH ...] [--json]``: what the platform would see.

Runs the same reader as the upload pipeline, offline, with no services needed.
"""

from __future__ import annotations

import json as jsonlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from notes.provenance import TrustConfig, scan


class Command(BaseCommand):
    help = "Scan image files for provenance signals (C2PA, IPTC, GB 45438, generator metadata)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files, or folders to scan recursively")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="one JSON object per file, one per line"
        )

    def handle(self, *args: object, paths: list[str], as_json: bool = False, **options: object) -> None:
        trust = TrustConfig.shipped(tuple(settings.PROVENANCE_EXTRA_TRUST_ANCHORS))
        files: list[Path] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.is_file())
            else:
                files.append(path)
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as exc:
                result = {"path": str(path), "tier": "none", "kind": None, "signals": [], "error": str(exc)}
            else:
                result = {"path": str(path), **scan(data, trust=trust).to_dict()}
            if as_json:
                self.stdout.write(_dumps(result))
            else:
                kind = f" ({result['kind']})" if result["kind"] else ""
                where = ", ".join(f"{s['kind']}@{s['location']}" for s in result["signals"]) or "no signals"
                self.stdout.write(f"{result['tier']}{kind}\t{path}\t{where}")


def _dumps(value: object) -> str:
    return jsonlib.dumps(value, ensure_ascii=False, sort_keys=True)
