"""Automation signals over an account's activity log: plain Python, no Django, no app imports.

The periodic task (``notes.tasks.automation_scan``) feeds it the database's activity, and
``manage.py score_automation --events FILE.jsonl`` an exported log; both get the same answer.
Each signal has a value, a threshold and a meaning (README "Automation signals"); a case opens only
when several signals fire together, so a person who posts every evening at the same time, or works
night shifts, is never flagged by one signal alone.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from notes import similarity

KINDS = ("note", "comment", "like")
CLIENTS = ("web", "app", "api")

DEFAULTS = {
    # Intervals between actions: coefficient of variation (std / mean) at most this is clockwork.
    "REGULARITY_CV": 0.1,
    # Activity over the day: normalised entropy of the hour of day at least this is round the clock.
    "SPREAD_ENTROPY": 0.9,
    # Reactions to others' notes: median seconds from publishing to the reaction at most this.
    "LATENCY_SECONDS": 30.0,
    # Texts (comments and notes) that nearly repeat another of the account's texts: share at least this.
    "DUPLICATE_SHARE": 0.5,
    "DUPLICATE_SIMILARITY": 0.8,
    # Most actions within any 60 seconds: at least this is a burst.
    "BURST_PER_MINUTE": 10,
    # Share of actions through the API (scripts) rather than the browser or the app: at least this.
    "API_SHARE": 0.9,
    # A case opens when at least this many signals fire and the score reaches CASE_SCORE.
    "MIN_SIGNALS": 3,
    "CASE_SCORE": 0.5,
    # Too little activity says nothing: signals need at least this many actions (or reactions, texts).
    "MIN_ACTIONS": 20,
    "MIN_SAMPLES": 5,
    # Activity must span at least this many hours before the spread over the day means anything.
    "SPREAD_MIN_HOURS": 36,
}


@dataclass(frozen=True)
class Event:
    account: str
    kind: str
    at: datetime
    client: str
    text: str = ""
    target: str = ""
    target_at: datetime | None = None


@dataclass
class Signal:
    name: str
    value: float | None
    threshold: float
    meaning: str
    fired: bool = False

    def as_dict(self) -> dict:
        value = None if self.value is None else round(self.value, 4)
        return {
            "name": self.name,
            "value": value,
            "threshold": self.threshold,
            "meaning": self.meaning,
            "fired": self.fired,
        }


@dataclass
class Result:
    account: str
    score: float
    case: bool
    clearest: bool
    signals: list[Signal] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "account": self.account,
            "score": round(self.score, 4),
            "case": self.case,
            "clearest": self.clearest,
            "signals": [s.as_dict() for s in self.signals],
        }


def score(account: str, events: list[Event], conf: dict | None = None) -> Result:
    """Score one account's events (any order): each signal, the share that fired, and whether a
    case would open. ``clearest`` is the clearest rule: every signal has data and fires."""
    conf = {**DEFAULTS, **(conf or {})}
    events = sorted(events, key=lambda e: e.at)
    signals = [
        _regularity(events, conf),
        _spread(events, conf),
        _latency(events, conf),
        _duplicates(events, conf),
        _bursts(events, conf),
        _api_share(events, conf),
    ]
    measured = [s for s in signals if s.value is not None]
    fired = [s for s in measured if s.fired]
    share = len(fired) / len(signals)
    case = len(fired) >= conf["MIN_SIGNALS"] and share >= conf["CASE_SCORE"]
    clearest = len(measured) == len(signals) and len(fired) == len(signals)
    return Result(account=account, score=share, case=case, clearest=clearest, signals=signals)


def _regularity(events: list[Event], conf: dict) -> Signal:
    signal = Signal(
        "regularity",
        None,
        conf["REGULARITY_CV"],
        "How evenly actions are spaced (std / mean of the intervals): people are irregular, "
        "schedulers are not.",
    )
    if len(events) < conf["MIN_ACTIONS"]:
        return signal
    # Per kind of action as well as overall: a scheduler posting every ten minutes and commenting in
    # between is clockwork in its posts even when the two kinds interleave.
    series = [events] + [[e for e in events if e.kind == kind] for kind in KINDS]
    values = [_variation(s) for s in series if len(s) >= 2 * conf["MIN_SAMPLES"]]
    signal.value = min(values)
    signal.fired = signal.value <= signal.threshold
    return signal


def _variation(events: list[Event]) -> float:
    gaps = [(b.at - a.at).total_seconds() for a, b in zip(events, events[1:], strict=False)]
    mean = statistics.fmean(gaps)
    return statistics.pstdev(gaps) / mean if mean > 0 else 0.0


def _spread(events: list[Event], conf: dict) -> Signal:
    signal = Signal(
        "spread_over_day",
        None,
        conf["SPREAD_ENTROPY"],
        "How evenly activity covers the 24 hours of the day (0: one hour, 1: every hour alike); "
        "people sleep, whenever they work.",
    )
    if len(events) < conf["MIN_ACTIONS"]:
        return signal
    span = (events[-1].at - events[0].at).total_seconds() / 3600
    if span < conf["SPREAD_MIN_HOURS"]:
        return signal
    hours = Counter(e.at.hour for e in events)  # the hour where the account is: the offset it sent
    total = sum(hours.values())
    entropy = -sum((n / total) * math.log(n / total) for n in hours.values())
    signal.value = entropy / math.log(24)
    signal.fired = signal.value >= signal.threshold
    return signal


def _latency(events: list[Event], conf: dict) -> Signal:
    signal = Signal(
        "reaction_latency",
        None,
        conf["LATENCY_SECONDS"],
        "Median seconds between another creator's note being published and this account reacting to it.",
    )
    delays = [
        (e.at - e.target_at).total_seconds() for e in events if e.target_at is not None and e.kind != "note"
    ]
    delays = [d for d in delays if d >= 0]
    if len(delays) < conf["MIN_SAMPLES"]:
        return signal
    signal.value = statistics.median(delays)
    signal.fired = signal.value <= signal.threshold
    return signal


def _duplicates(events: list[Event], conf: dict) -> Signal:
    signal = Signal(
        "near_duplicate_texts",
        None,
        conf["DUPLICATE_SHARE"],
        "Share of the account's comments and notes that nearly repeat another of its texts.",
    )
    texts = [similarity.normalise(e.text) for e in events if e.kind in ("comment", "note") and e.text.strip()]
    if len(texts) < conf["MIN_SAMPLES"]:
        return signal
    counts = Counter(texts)
    repeated = {i for i, t in enumerate(texts) if counts[t] > 1}
    hashes = [(i, similarity.text_minhash(t)) for i, t in enumerate(texts)]
    hashes = [(i, h) for i, h in hashes if h is not None]
    for index, (i, a) in enumerate(hashes):
        for j, b in hashes[index + 1 :]:
            if similarity.text_similarity(a, b) >= conf["DUPLICATE_SIMILARITY"]:
                repeated.update((i, j))
    signal.value = len(repeated) / len(texts)
    signal.fired = signal.value >= signal.threshold
    return signal


def _bursts(events: list[Event], conf: dict) -> Signal:
    signal = Signal(
        "bursts", None, float(conf["BURST_PER_MINUTE"]), "The most actions within any 60 seconds."
    )
    if len(events) < conf["MIN_ACTIONS"]:
        return signal
    most, start = 0, 0
    for end, event in enumerate(events):
        while (event.at - events[start].at).total_seconds() > 60:
            start += 1
        most = max(most, end - start + 1)
    signal.value = float(most)
    signal.fired = most >= conf["BURST_PER_MINUTE"]
    return signal


def _api_share(events: list[Event], conf: dict) -> Signal:
    signal = Signal(
        "api_share",
        None,
        conf["API_SHARE"],
        "Share of actions sent through the API by a script rather than from the browser or the app.",
    )
    if len(events) < conf["MIN_ACTIONS"]:
        return signal
    signal.value = sum(e.client == "api" for e in events) / len(events)
    signal.fired = signal.value >= signal.threshold
    return signal


# --- reading a log ------------------------------------------------------------------------------


class LogError(ValueError):
    """A line of an events file that cannot be read; names the line."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line


def _moment(raw: object, line: int, name: str) -> datetime:
    if not isinstance(raw, str):
        raise LogError(line, f'"{name}" must be an ISO-8601 date and time with an offset')
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise LogError(line, f'"{name}" is not an ISO-8601 date and time: {raw!r}') from exc
    if moment.tzinfo is None:
        raise LogError(line, f'"{name}" has no offset (write e.g. 2026-11-29T20:15:00+08:00): {raw!r}')
    return moment


def parse_event(record: object, line: int) -> Event:
    if not isinstance(record, dict):
        raise LogError(line, "each line must be one JSON object")
    account = record.get("account")
    if not isinstance(account, str) or not account.strip():
        raise LogError(line, '"account" must be a non-empty string')
    kind = record.get("kind")
    if kind not in KINDS:
        raise LogError(line, f'"kind" must be one of {", ".join(KINDS)}, not {kind!r}')
    client = record.get("client")
    if client not in CLIENTS:
        raise LogError(line, f'"client" must be one of {", ".join(CLIENTS)}, not {client!r}')
    text = record.get("text", "")
    target = record.get("target", "")
    if not isinstance(text, str) or not isinstance(target, str):
        raise LogError(line, '"text" and "target" must be strings')
    target_at = record.get("target_at")
    return Event(
        account=account,
        kind=kind,
        at=_moment(record.get("at"), line, "at"),
        client=client,
        text=text,
        target=target,
        target_at=_moment(target_at, line, "target_at") if target_at is not None else None,
    )


def read_log(lines: list[str]) -> dict[str, list[Event]]:
    """Events per account from JSON lines, in time order (times are compared as instants). An account
    keeps one UTC offset throughout (its hour of day is read in it), so a line where it changes is an
    error too. A line out of order, or one that cannot be read, raises LogError naming it; nothing is
    scored from a file with an error."""
    import json

    accounts: dict[str, list[Event]] = {}
    previous: datetime | None = None
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LogError(number, f"not JSON ({exc.msg})") from exc
        event = parse_event(record, number)
        if previous is not None and event.at < previous:
            raise LogError(number, f"out of order: {event.at.isoformat()} is before the line above")
        previous = event.at
        seen = accounts.setdefault(event.account, [])
        if seen and seen[0].at.utcoffset() != event.at.utcoffset():
            raise LogError(
                number,
                f"account {event.account!r} changes its UTC offset from {seen[0].at.isoformat()[19:]} to "
                f"{event.at.isoformat()[19:]}: write one account's times in one offset",
            )
        seen.append(event)
    return accounts
