"""Staff-written regular expressions for label-removal tutorials, run on creators' texts with a time
limit: a pattern with nested repetition, such as ``(a+)+$``, can take exponential time on a text a
creator chooses, and would hold a web worker while a note is published or a comment written.

The ``regex`` module's ``timeout`` stops a search that runs too long (Python's ``re`` cannot). Saving a
rule tries it on a few texts known to trip such patterns, so most are refused with a reason at once;
any other that is slow on a real text is skipped there and logged (``rules_check``), never a hang.
"""

from __future__ import annotations

import regex

# A rule searches a folded note or comment (at most tens of thousands of characters): a sound pattern
# takes well under a millisecond per thousand characters.
SEARCH_TIMEOUT_SECONDS = 0.05
_PROBES = tuple(f"{c * 3000}!" for c in ("a", "1", " ", "ab", "a ", "标")) + ("ai " * 2000 + "!",)


def rule_search(pattern: str, text: str) -> regex.Match | None:
    """Case-insensitive search; raises ``TimeoutError`` past ``SEARCH_TIMEOUT_SECONDS`` and
    ``regex.error`` for a pattern that does not compile."""
    return regex.search(pattern, text, flags=regex.IGNORECASE, timeout=SEARCH_TIMEOUT_SECONDS)


def pattern_too_slow(pattern: str) -> bool:
    """Whether the (compiling) pattern runs past the time limit on one of the probe texts."""
    try:
        for probe in _PROBES:
            rule_search(pattern, probe)
    except TimeoutError:
        return True
    return False
