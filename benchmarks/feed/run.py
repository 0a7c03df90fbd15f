"""Feed benchmark: the home feed at 10,000 and at 1,000,000 notes, and impressions recorded per second.

    python3 dev.py bench feed       # or: .venv/bin/python benchmarks/feed/run.py

Needs PostgreSQL (``DATABASE_URL``'s server, else postgres://postgres@127.0.0.1:5432/) and Redis on
127.0.0.1:6379 (database 13 is flushed; ``BENCH_REDIS_URL`` to change it). Each size gets its own
database, ``sunlight_bench_10k`` and ``sunlight_bench_1m``, migrated and seeded by
``manage.py seed_bench_feed``; a database that already holds exactly that many notes is reused, so
only the first run pays for seeding (under a minute for the million on 2 cores).

Per size, in a fresh process: an anonymous ``GET /`` (the first page) and a deep page (the cursor of
the note half-way down the ranked order), each warmed up and then timed ``BENCH_REQUESTS`` (50) times
through Django's test client, with the SQL queries per request and the plan of the page's keys query;
``BENCH_ROUNDS`` (2) rounds alternate the sizes and the p50 is over all of a size's requests.
Then impressions: ``impressions_record`` with a feed page of 24 notes per call, each call from a new
anonymous viewer, for ``BENCH_IMPRESSIONS_SECONDS`` (5) seconds, and one ``impressions_flush``.
Goals: first-page p50 at 1m within 1.5x of 10k, a constant query count of at most 8, and at least
2,000 impressions per second. Ends with one line of name=value pairs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"10k": 10_000, "1m": 1_000_000}
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
# Sizes alternate round by round, so a burst of load on a shared machine falls on both alike.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
WARMUP = 5
IMPRESSIONS_SECONDS = float(os.environ.get("BENCH_IMPRESSIONS_SECONDS", "5"))
IMPRESSION_PAGES = 50  # viewers see one of the first 50 ranked pages
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


# --- the parent: databases, seeding, the table --------------------------------------------------


def database_url(name: str) -> str:
    """``DATABASE_URL`` (or the local default) with its database name replaced by ``name``."""
    base = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"The feed benchmark needs PostgreSQL; DATABASE_URL is {parts.scheme}://…")
    return urlunsplit(("postgresql", parts.netloc, f"/{name}", parts.query, ""))


def child_env(url: str, var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SUNLIGHT_"))}
    return {
        **env,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        # Debug settings for ALLOWED_HOSTS and plain static files (no collectstatic manifest); the
        # template loaders are cached either way.
        "DJANGO_DEBUG": "1",
        "SUNLIGHT_VAR_DIR": var_dir,
        "SUNLIGHT_IMPRESSIONS_REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


def note_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM notes_note").fetchone()[0]


def ensure_database(label: str, notes: int, var_dir: str) -> tuple[str, str]:
    """The size's database, migrated and seeded; returns its URL and what was done."""
    import psycopg
    from psycopg import sql

    name = f"sunlight_bench_{label}"
    url = database_url(name)
    admin = database_url("postgres")
    env = child_env(url, var_dir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    found = note_count(url)
    if found == notes:
        print(f"{label}: reusing {name} (already holds {notes:,} notes)", flush=True)
        return url, "reused"
    if found:
        # Not what this size needs (an interrupted or older run): start the database afresh.
        print(f"{label}: {name} holds {found:,} notes, not {notes:,}: recreating it", flush=True)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    print(f"{label}: seeding {name} with {notes:,} notes …", flush=True)
    started = time.monotonic()
    subprocess.run([*manage, "seed_bench_feed", "--notes", str(notes)], cwd=ROOT, env=env, check=True)
    return url, f"seeded in {time.monotonic() - started:.0f} s"


def run_child(mode: str, url: str, var_dir: str, *args: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [sys.executable, __file__, mode, out.name, *args]
        subprocess.run(command, cwd=ROOT, env=child_env(url, var_dir), check=True)
        return json.loads(Path(out.name).read_text())


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sunlight-bench-feed-") as var_dir:
        urls, setup = {}, {}
        for label, notes in SIZES.items():
            urls[label], setup[label] = ensure_database(label, notes, var_dir)
        results: dict[str, dict] = {}
        for round_ in range(ROUNDS):
            for label, notes in SIZES.items():
                print(
                    f"\n{label}, round {round_ + 1} of {ROUNDS}: {REQUESTS} timed requests per page "
                    f"after {WARMUP} warm-up",
                    flush=True,
                )
                explain = "1" if round_ == 0 and label == "1m" else "0"
                result = run_child("measure", urls[label], var_dir, label, str(notes), explain)
                if label not in results:
                    results[label] = result
                    continue
                for page in ("first", "deep"):
                    merged = results[label][page]
                    merged["times_ms"] += result[page]["times_ms"]
                    if merged["queries"] != result[page]["queries"]:
                        merged["queries"] = -1
        for result in results.values():
            for page in ("first", "deep"):
                times = result[page]["times_ms"]
                result[page]["p50_ms"] = statistics.median(times)
                result[page]["p90_ms"] = statistics.quantiles(times, n=10)[-1]
        print(f"\nimpressions: {IMPRESSIONS_SECONDS:g} s of feed pages recorded to {REDIS_URL}", flush=True)
        imp = run_child("impressions", urls["1m"], var_dir)

    small, big = results["10k"], results["1m"]
    queries = {r[page]["queries"] for r in results.values() for page in ("first", "deep")}
    rows = [
        ("notes", f"{SIZES['10k']:,}", f"{SIZES['1m']:,}"),
        ("timed requests per page", f"{len(small['first']['times_ms'])}", f"{len(big['first']['times_ms'])}"),
        ("database", setup["10k"], setup["1m"]),
        ("first page p50 ms", f"{small['first']['p50_ms']:.2f}", f"{big['first']['p50_ms']:.2f}"),
        ("first page p90 ms", f"{small['first']['p90_ms']:.2f}", f"{big['first']['p90_ms']:.2f}"),
        ("deep page p50 ms", f"{small['deep']['p50_ms']:.2f}", f"{big['deep']['p50_ms']:.2f}"),
        ("deep page p90 ms", f"{small['deep']['p90_ms']:.2f}", f"{big['deep']['p90_ms']:.2f}"),
        ("deep page position", f"{small['deep']['position']:,}", f"{big['deep']['position']:,}"),
        ("queries first / deep", small["queries_text"], big["queries_text"]),
        ("first page keys plan", small["plan_first"], big["plan_first"]),
        ("deep page keys plan", small["plan_deep"], big["plan_deep"]),
    ]
    print(f"\n{'':26} {'10k':>24} {'1m':>24}")
    for name, a, b in rows:
        print(f"{name:26} {a:>24} {b:>24}")
    print(
        f"\nimpressions: {imp['events']:,} events in {imp['calls']:,} calls over {imp['busy_s']:.2f} s "
        f"recording ({imp['wall_s']:.2f} s wall): {imp['per_s']:,.0f}/s; "
        f"flush moved {imp['moved']:,} in {imp['flush_s']:.2f} s "
        f"({imp['rows']:,} daily rows, totals {'add up' if imp['adds_up'] else 'DO NOT add up'})"
    )
    if len(queries) != 1:
        print(f"WARNING: the query count differs between sizes or pages: {sorted(queries)}")
    figures = {
        "feed_p50_ms_10k": round(small["first"]["p50_ms"], 2),
        "feed_p50_ms_1m": round(big["first"]["p50_ms"], 2),
        "feed_ratio_1m_10k": round(big["first"]["p50_ms"] / small["first"]["p50_ms"], 3),
        "feed_deep_p50_ms_10k": round(small["deep"]["p50_ms"], 2),
        "feed_deep_p50_ms_1m": round(big["deep"]["p50_ms"], 2),
        "feed_deep_ratio_1m_10k": round(big["deep"]["p50_ms"] / small["deep"]["p50_ms"], 3),
        "feed_queries": max(queries) if len(queries) == 1 else "/".join(map(str, sorted(queries))),
        "impressions_per_s": round(imp["per_s"]),
        "impressions_flush_s": round(imp["flush_s"], 2),
        "impressions_add_up": int(imp["adds_up"]),
    }
    goals = [
        ("feed_ratio_1m_10k <= 1.5", figures["feed_ratio_1m_10k"] <= 1.5),
        ("feed_queries constant and <= 8", len(queries) == 1 and 0 < max(queries) <= 8),
        ("impressions_per_s >= 2000", figures["impressions_per_s"] >= 2000),
    ]
    print("goals: " + "; ".join(f"{name} {'met' if ok else 'NOT MET'}" for name, ok in goals))
    print()
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


# --- the children: one size's feed, or the impressions ----------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _plan(sql: str) -> tuple[str, bool, bool]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return plan, "notes_rank_idx" in plan, "Sort" in plan


def measure(out: str, label: str, notes: str, explain: str) -> None:
    _django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from notes.models import Note
    from notes.selectors import FEED_PAGE_SIZE

    feed = Note.objects.filter(state=Note.State.PUBLISHED).not_withheld().order_by("-rank_score", "-id")
    assert feed.count() == int(notes), "the database does not hold the seeded notes"
    position = int(notes) // 2
    pk, score = feed.values_list("pk", "rank_score")[position]
    pages = {"first": "/", "deep": f"/?order=ranked&after={quote(f'{score!r}~{pk}')}"}
    client = Client()
    result: dict = {}
    for page, url in pages.items():
        for _ in range(WARMUP):
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            assert response.content.count(b'class="note-card"') == FEED_PAGE_SIZE, url
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        counts = set()
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            counts.add(len(captured.captured_queries))
        # The page's keys: notes.selectors.feed_page's values_list over the ranked order.
        keys = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith('SELECT "notes_note"."id" AS "pk"')
        ]
        plan, uses_index, sorts = _plan(keys[0])
        if explain == "1":
            print(
                f"\nEXPLAIN (ANALYZE, BUFFERS) of the {page} page's keys query at {label}:\n{plan}",
                flush=True,
            )
        result[page] = {
            "times_ms": times,
            "queries": max(counts) if len(counts) == 1 else -1,
            "uses_rank_idx": uses_index,
            "sorts": sorts,
            "position": position if page == "deep" else 0,
        }
        print(
            f"  {label} {page:5} p50 {statistics.median(times):7.2f} ms  queries {sorted(counts)}  "
            f"notes_rank_idx {'yes' if uses_index else 'NO'}  sort {'YES' if sorts else 'no'}",
            flush=True,
        )
    result["queries_text"] = f"{result['first']['queries']} / {result['deep']['queries']}"
    for page in ("first", "deep"):
        index = "notes_rank_idx" if result[page]["uses_rank_idx"] else "NOT notes_rank_idx"
        result[f"plan_{page}"] = f"{index}, {'SORT' if result[page]['sorts'] else 'no sort'}"
    Path(out).write_text(json.dumps(result))


def impressions(out: str) -> None:
    _django()
    import redis
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import F, Sum
    from django.test import RequestFactory
    from django.utils import timezone

    from notes.impressions import impressions_flush, impressions_record
    from notes.models import ImpressionDay, Note, Traffic
    from notes.selectors import FEED_PAGE_SIZE

    ranked = Note.objects.filter(state=Note.State.PUBLISHED).not_withheld().order_by("-rank_score", "-id")
    notes = list(ranked.only("id", "author_id", "traffic")[: FEED_PAGE_SIZE * IMPRESSION_PAGES])
    pages = [
        [(n, "bonus" if n.traffic == Traffic.BONUS else "organic") for n in notes[i : i + FEED_PAGE_SIZE]]
        for i in range(0, len(notes), FEED_PAGE_SIZE)
    ]
    today = timezone.localdate()

    def total() -> int:
        rows = ImpressionDay.objects.filter(day=today)
        return rows.aggregate(n=Sum(F("organic") + F("bonus") + F("boost")))["n"] or 0

    before = total()
    factory = RequestFactory()
    events = calls = 0
    busy = 0.0
    started = time.perf_counter()
    while time.perf_counter() - started < IMPRESSIONS_SECONDS:
        # A new viewer per call: an address and a browser nobody used before today.
        request = factory.get(
            "/",
            REMOTE_ADDR=f"10.{calls >> 16 & 255}.{calls >> 8 & 255}.{calls & 255}",
            HTTP_USER_AGENT=f"bench-viewer/{calls}",
        )
        request.user = AnonymousUser()
        page = pages[calls % len(pages)]
        began = time.perf_counter()
        events += impressions_record(request, page)
        busy += time.perf_counter() - began
        calls += 1
    wall = time.perf_counter() - started
    shown = sum(len(pages[i % len(pages)]) for i in range(calls))
    began = time.perf_counter()
    moved = impressions_flush()
    flush_s = time.perf_counter() - began
    after = total()
    rows = ImpressionDay.objects.filter(day=today).count()
    redis.Redis.from_url(REDIS_URL).flushdb()
    result = {
        "events": events,
        "shown": shown,
        "calls": calls,
        "busy_s": busy,
        "wall_s": wall,
        "per_s": events / busy if busy else 0.0,
        "moved": moved,
        "flush_s": flush_s,
        "rows": rows,
        "adds_up": events == shown == moved == after - before,
    }
    print(
        f"  recorded {events:,} of {shown:,} shown; flushed {moved:,}; today's total {before:,} -> {after:,}"
    )
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        measure(*sys.argv[2:6])
    elif len(sys.argv) > 1 and sys.argv[1] == "impressions":
        impressions(sys.argv[2])
    else:
        main()
