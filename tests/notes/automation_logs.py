"""Generated activity logs for the automation signals: a bot, a person, an evening poster, a night shift."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

START = datetime(2026, 11, 20, 0, 0, tzinfo=timezone(timedelta(hours=8)))


def _event(account: str, kind: str, at: datetime, client: str, **extra: object) -> dict:
    return {"account": account, "kind": kind, "at": at.isoformat(), "client": client, **extra}


def bot(account: str = "bot-7") -> list[dict]:
    """A post every 600 s ± 1 s for 48 h, and the same comment seconds after others' notes, all API."""
    rng = random.Random(7)
    events, at = [], START
    while at < START + timedelta(hours=48):
        events.append(_event(account, "note", at, "api", text=f"Daily tip number {len(events)} about tea."))
        published = at + timedelta(seconds=200)
        events.append(
            _event(
                account,
                "comment",
                published + timedelta(seconds=rng.uniform(2, 6)),
                "api",
                text="Great post! Follow me for more amazing content every day!",
                target=f"note-{len(events)}",
                target_at=published.isoformat(),
            )
        )
        at += timedelta(seconds=600 + rng.uniform(-1, 1))
    return events


def person(account: str = "mei") -> list[dict]:
    """Irregular daytime activity in the browser and the app, reactions minutes to hours later."""
    rng = random.Random(1)
    events = []
    for day in range(3):
        for _ in range(rng.randint(6, 10)):
            at = START + timedelta(days=day, hours=rng.uniform(8, 23))
            if rng.random() < 0.3:
                events.append(
                    _event(account, "note", at, rng.choice(["web", "app"]), text=f"Walk {rng.random()}")
                )
            else:
                published = at - timedelta(minutes=rng.uniform(5, 300))
                events.append(
                    _event(
                        account,
                        rng.choice(["comment", "like"]),
                        at,
                        rng.choice(["web", "app"]),
                        text=f"Lovely light in photo {rng.randint(1, 9)}, where was it? {rng.random()}",
                        target=f"note-{rng.randint(1, 999)}",
                        target_at=published.isoformat(),
                    )
                )
    return events


def evening_poster(account: str = "evening") -> list[dict]:
    """A post every evening at about 21:00 for thirty days: regular, but only that."""
    rng = random.Random(3)
    return [
        _event(
            account,
            "note",
            START + timedelta(days=day, hours=21, minutes=rng.uniform(-20, 20)),
            "web",
            text=f"Day {day}: {rng.choice(['rain', 'sun', 'wind', 'fog'])} over the river, {rng.random()}",
        )
        for day in range(30)
    ]


def night_shift(account: str = "nurse") -> list[dict]:
    """A nurse on nights: active 00:00–06:00 local time, irregularly, from the app."""
    rng = random.Random(5)
    events = []
    for day in range(5):
        for _ in range(rng.randint(5, 9)):
            at = START + timedelta(days=day, hours=rng.uniform(0, 6))
            published = at - timedelta(minutes=rng.uniform(10, 600))
            events.append(
                _event(
                    account,
                    "like",
                    at,
                    "app",
                    target=f"note-{rng.randint(1, 999)}",
                    target_at=published.isoformat(),
                )
            )
    return events


def write(path, *accounts: list[dict]) -> None:
    events = sorted(
        (e for account in accounts for e in account), key=lambda e: datetime.fromisoformat(e["at"])
    )
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
