"""Automation signals: a bot is a case; a person, an evening poster and a night shift are not."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from notes.automation import signals
from tests.notes import automation_logs as logs


def run(tmp_path, capsys, *accounts: list[dict]) -> dict[str, dict]:
    path = tmp_path / "events.jsonl"
    logs.write(path, *accounts)
    call_command("score_automation", "--events", str(path), "--json")
    return {row["account"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}


def fired(row: dict) -> set[str]:
    return {s["name"] for s in row["signals"] if s["fired"]}


def test_a_bot_opens_a_case_and_people_do_not(tmp_path, capsys):
    rows = run(tmp_path, capsys, logs.bot(), logs.person(), logs.evening_poster(), logs.night_shift())
    assert [a for a, row in rows.items() if row["case"]] == ["bot-7"]
    bot = rows["bot-7"]
    assert fired(bot) == {
        "regularity",
        "spread_over_day",
        "reaction_latency",
        "near_duplicate_texts",
        "api_share",
    }
    assert bot["score"] == pytest.approx(5 / 6, abs=1e-3)
    # The evening poster is regular (one signal), the night shift keeps odd hours (none): no case.
    assert fired(rows["evening"]) == {"regularity"} and not rows["evening"]["case"]
    assert not fired(rows["nurse"]) and not fired(rows["mei"])
    for row in rows.values():
        assert 0 <= row["score"] <= 1
        assert {s["name"] for s in row["signals"]} == {
            "regularity",
            "spread_over_day",
            "reaction_latency",
            "near_duplicate_texts",
            "bursts",
            "api_share",
        }
        assert all(s["meaning"] and s["threshold"] is not None for s in row["signals"])


def test_the_clearest_rule_needs_every_signal(tmp_path):
    events = [signals.parse_event(e, n) for n, e in enumerate(logs.bot(), 1)]
    assert not signals.score("bot-7", events).clearest  # no bursts: a person must decide
    burst = [signals.parse_event({**e, "at": e["at"]}, 1) for e in logs.bot()[:1]]
    assert burst


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "line 2: not JSON"),
        (
            '{"account": "a", "kind": "post", "at": "2026-11-29T10:00:00+08:00", "client": "web"}',
            'line 2: "kind"',
        ),
        (
            '{"account": "a", "kind": "note", "at": "2026-11-29T10:00:00", "client": "web"}',
            'line 2: "at" has no offset',
        ),
        (
            '{"account": "a", "kind": "note", "at": "2026-11-29T09:00:00+08:00", "client": "web"}',
            "line 2: out of order",
        ),
        (
            '{"account": "", "kind": "note", "at": "2026-11-29T11:00:00+08:00", "client": "web"}',
            'line 2: "account"',
        ),
        (
            '{"account": "a", "kind": "note", "at": "2026-11-29T11:00:00+08:00", "client": "bot"}',
            'line 2: "client"',
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_scored(tmp_path, capsys, line, problem):
    path = tmp_path / "events.jsonl"
    first = '{"account": "a", "kind": "note", "at": "2026-11-29T10:00:00+08:00", "client": "web"}'
    path.write_text(first + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match=problem):
        call_command("score_automation", "--events", str(path), "--json")
    assert capsys.readouterr().out == ""


def test_offsets_are_compared_as_instants_and_one_account_keeps_one(tmp_path, capsys):
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"account": "a", "kind": "note", "at": "2026-11-29T10:00:00+08:00", "client": "web"}\n'
        '{"account": "b", "kind": "like", "at": "2026-11-29T03:00:00+01:00", "client": "app"}\n',
        encoding="utf-8",
    )
    call_command("score_automation", "--events", str(path), "--json")  # 02:00 UTC, then 02:00 UTC: in order
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["account"] for r in rows] == ["a", "b"]
    path.write_text(
        '{"account": "a", "kind": "note", "at": "2026-11-29T10:00:00+08:00", "client": "web"}\n'
        '{"account": "a", "kind": "like", "at": "2026-11-29T03:00:00+01:00", "client": "app"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="line 2: account 'a' changes its UTC offset"):
        call_command("score_automation", "--events", str(path), "--json")


def test_a_text_with_a_line_separator_is_one_line(tmp_path, capsys):
    path = tmp_path / "events.jsonl"
    path.write_text(
        json.dumps(
            {
                "account": "a",
                "kind": "comment",
                "at": "2026-11-29T10:00:00+08:00",
                "client": "web",
                "text": "one\u2028two",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    call_command("score_automation", "--events", str(path), "--json")
    assert json.loads(capsys.readouterr().out)["account"] == "a"


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="cannot read"):
        call_command("score_automation", "--events", "/nonexistent/events.jsonl", "--json")
