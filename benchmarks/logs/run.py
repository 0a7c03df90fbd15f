"""Log scrubbing on hostile lines: the patterns before (quadratic) and now (linear), side by side.

    python3 dev.py bench logs

Every log line passes through ``core.observability.scrub`` (email addresses, credentials, one-time keys).
A client chooses part of some lines (a 404's path, a form value in a traceback), so a pattern that is
quadratic in the line's length is a way to spend a web worker's CPU. For each hostile shape the benchmark
times the old patterns at 4,000 characters (a request line's limit) and the current ones at 4,000 and
400,000, and prints microseconds per 1,000 characters; "growth" is that figure at 400,000 over 4,000 (about
1 for a linear pattern, 100 for a quadratic one). Ends with one line of name=value pairs.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

from core.observability import scrub  # noqa: E402 - after the path is set

# The patterns as they were before the look-behind and look-ahead anchors (at commit 00678fb).
_OLD_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_OLD_SECRET = re.compile(
    r"(?i)(?<![A-Za-z0-9])([\w-]*(?:password|passwd|secret|token|api[_-]?key|authorization|cookie)[\w-]*)"
    r"([\"']?\s*[:=]\s*[\"'\[]*)(?:(?:Bearer|Basic|Token)\s+)?[^\s\"'&,;}\]]+"
)
_OLD_URL_KEYS = re.compile(r"(/(?:key|confirm-email)/)[^/\s\"']+")


def old_scrub(text: str) -> str:
    text = _OLD_EMAIL.sub("[email]", text)
    text = _OLD_URL_KEYS.sub(r"\1[redacted]", text)
    return _OLD_SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)


SHAPES = {
    "dashes": lambda n: "Not Found: /" + "-" * n,
    "underscores": lambda n: "Not Found: /" + "_" * n,
    "letters": lambda n: "Not Found: /" + "a" * n,
    "at_signs": lambda n: "a@" * (n // 2),
    "spaces_after_key": lambda n: "Not Found: /token=" + " " * n + "&",
    "brackets_after_key": lambda n: "Not Found: /token=" + "[ " * (n // 2) + "&",
    "ordinary": lambda n: ("GET /notes/3f2a/ 200 by a.person@example.com password=hunter2 " * (n // 60 + 1))[
        :n
    ],
}


def per_thousand_chars_us(scrubber: Callable[[str], str], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        scrubber(text)
        best = min(best, time.perf_counter() - started)
    return best * 1e6 / (len(text) / 1000)


def main() -> None:
    figures: dict[str, float] = {}
    print(
        f"{'shape':<20} {'before@4k':>12} {'now@4k':>10} {'now@400k':>10} {'growth':>8}"
        "   (µs per 1,000 chars)"
    )
    for name, make in SHAPES.items():
        before = per_thousand_chars_us(old_scrub, make(4_000))
        small = per_thousand_chars_us(scrub, make(4_000))
        large = per_thousand_chars_us(scrub, make(400_000))
        print(f"{name:<20} {before:>12.1f} {small:>10.1f} {large:>10.1f} {large / small:>8.2f}")
        figures[f"{name}_before_4k_us_per_kchar"] = round(before, 1)
        figures[f"{name}_now_4k_us_per_kchar"] = round(small, 1)
        figures[f"{name}_growth_400k_vs_4k"] = round(large / small, 2)
        figures[f"{name}_before_vs_now_4k"] = round(before / small, 1)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
