"""``python manage.py scan_provenance PATH [PATH ...] [--json]``: what the platform would see.

The same tool as ``python -m notes.provenance`` (which needs no Django settings), with the trust
anchors of this site's settings.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from notes.provenance import TrustConfig
from notes.provenance.cli import jobs_argument, line, scan_files


class Command(BaseCommand):
    help = "Scan image and video files for provenance signals (C2PA, IPTC, GB 45438, generator metadata)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files, or folders to scan recursively")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="one JSON object per file, one per line"
        )
        parser.add_argument(
            "--jobs",
            type=jobs_argument,
            default=None,
            help="scan in N processes, output order kept (default: one per CPU core for more than 64 files)",
        )

    def handle(
        self,
        *args: object,
        paths: list[str],
        as_json: bool = False,
        jobs: int | None = None,
        **options: object,
    ) -> None:
        extra = tuple(settings.PROVENANCE_EXTRA_TRUST_ANCHORS)
        for result in scan_files(
            paths, trust=TrustConfig.shipped(extra), jobs=jobs, extra_anchor_files=extra
        ):
            self.stdout.write(line(result, as_json=as_json))
