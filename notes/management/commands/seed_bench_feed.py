"""``python manage.py seed_bench_feed --notes N [--creators M] [--reset]``: data for the feed benchmark.

PostgreSQL only (``benchmarks/feed/run.py`` seeds a database of its own per size). Rows are made by
set-based SQL, one ``INSERT … SELECT generate_series`` per table, in one transaction, so a million
notes take a minute or two rather than hours of ORM saves:

- creators (``@bench.invalid`` accounts with unusable passwords), ``N / 50`` unless ``--creators``;
- ``N`` published notes, spread over the last 60 days; about 85 % at weight 1, 10 % with the quality
  bonus (a declaration, its declared label and the bonus factor) and 5 % with reduced distribution
  (an automated decision in force and its factor); ``rank_score`` is ``notes.ranking.rank_score``'s
  formula, written in SQL;
- ten days of ``ImpressionDay`` rows (before today) for one note in ten.

This bypasses the services on purpose: the rows are what ``note_distribution_sync`` and
``note_effects_sync`` would have derived, written in bulk. Never run it against a database whose
users matter; ``--reset`` deletes only the rows it made (creators by their ``@bench.invalid`` address).
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import User
from appeals.models import Decision
from notes.models import Declaration, DistributionFactor, ImpressionDay, Label, Note
from notes.ranking import MIN_WEIGHT

BENCH_DOMAIN = "@bench.invalid"
SPREAD_DAYS = 60

# The SQL below names these tables; a renamed table fails here rather than half-way through.
TABLES: dict[str, type[Model]] = {
    "accounts_user": User,
    "notes_note": Note,
    "notes_declaration": Declaration,
    "notes_label": Label,
    "notes_distributionfactor": DistributionFactor,
    "notes_impressionday": ImpressionDay,
    "appeals_decision": Decision,
}

# --reset: the earlier run's creators and notes, then every row made for them, dependents first.
RESET = [
    "CREATE TEMPORARY TABLE bench_old_user ON COMMIT DROP AS"
    " SELECT id FROM accounts_user WHERE email LIKE %(pattern)s",
    "CREATE TEMPORARY TABLE bench_old_note ON COMMIT DROP AS"
    " SELECT id FROM notes_note WHERE author_id IN (SELECT id FROM bench_old_user)",
    "DELETE FROM notes_impressionday WHERE note_id IN (SELECT id FROM bench_old_note)",
    "DELETE FROM notes_label WHERE note_id IN (SELECT id FROM bench_old_note)",
    "DELETE FROM notes_declaration WHERE note_id IN (SELECT id FROM bench_old_note)",
    "DELETE FROM notes_distributionfactor WHERE note_id IN (SELECT id FROM bench_old_note)",
    "DELETE FROM appeals_decision WHERE subject_owner_id IN (SELECT id FROM bench_old_user)",
    "DELETE FROM notes_note WHERE id IN (SELECT id FROM bench_old_note)",
    "DELETE FROM accounts_user WHERE id IN (SELECT id FROM bench_old_user)",
]

CREATORS = """
INSERT INTO accounts_user (password, last_login, is_superuser, public_id, email, display_name, is_staff,
                           is_active, date_joined, language, session_version)
SELECT '!bench', NULL, false, gen_random_uuid(), 'creator-' || g || %(domain)s, 'Bench creator ' || g,
       false, true, %(now)s - interval '90 days', 'en', 0
FROM generate_series(1, %(creators)s) AS g
"""

# Creator n (0-based, in id order) writes notes g with g mod M = n. The bucket spreads the three
# weights evenly over time: 5 % reduced, 10 % bonus, the rest normal.
CREATOR_MAP = """
CREATE TEMPORARY TABLE bench_creator ON COMMIT DROP AS
SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n FROM accounts_user WHERE email LIKE %(pattern)s
"""

NOTES = """
INSERT INTO notes_note (public_id, title, body, body_html, state, created_at, updated_at, published_at,
                        author_id, evidence_shown, reach_reduced, reach_reduced_until, withheld,
                        withheld_until, rank_score, traffic, weight, weight_until, client, like_count)
SELECT gen_random_uuid(), 'Bench note ' || s.g, s.body, '<p>' || s.body || '</p>', 'published',
       s.published_at - interval '1 hour', s.published_at, s.published_at,
       c.id, NULL, s.traffic = 'reduced', NULL, false, NULL,
       s.log2_weight + extract(epoch FROM s.published_at)::double precision / %(half_life_s)s,
       s.traffic, s.weight, NULL, 'web', 0
FROM (
    SELECT g,
           'A benchmark note, number ' || g || ', with a few words about the work.' AS body,
           %(now)s - (%(spread)s * (%(notes)s - g)::double precision / %(notes)s)
                   - random() * interval '30 minutes' AS published_at,
           CASE WHEN mod(g::bigint * 7919, 100) < 5 THEN 'reduced'
                WHEN mod(g::bigint * 7919, 100) < 15 THEN 'bonus' ELSE 'normal' END AS traffic,
           CASE WHEN mod(g::bigint * 7919, 100) < 5 THEN %(reduced)s
                WHEN mod(g::bigint * 7919, 100) < 15 THEN %(bonus)s ELSE 1.0 END AS weight,
           CASE WHEN mod(g::bigint * 7919, 100) < 5 THEN %(log2_reduced)s
                WHEN mod(g::bigint * 7919, 100) < 15 THEN %(log2_bonus)s ELSE 0.0 END AS log2_weight
    FROM generate_series(1, %(notes)s) AS g
) AS s
JOIN bench_creator AS c ON c.n = mod(s.g, %(creators)s)
ORDER BY s.g
"""

# What note_effects_sync derives for a declared AI note: the declaration, the declared label, and
# the quality-bonus factor (the body is long enough to be substantive).
DECLARATIONS = """
INSERT INTO notes_declaration (degree, text_degree, tools, usage_note, declared_at, updated_at,
                               declared_by_id, note_id)
SELECT 'generated', 'generated', '["Bench model"]', 'Benchmark data.', n.published_at, n.published_at,
       n.author_id, n.id
FROM notes_note AS n JOIN bench_creator AS c ON c.id = n.author_id
WHERE n.traffic = 'bonus'
"""

LABELS = """
INSERT INTO notes_label (tier, kind, source, evidence, created_at, note_id, decision_id)
SELECT 'declared', 'generated', 'creator',
       '{"text": "generated", "images": [], "tools": ["Bench model"], "usage_note": "Benchmark data."}',
       n.published_at, n.id, NULL
FROM notes_note AS n JOIN bench_creator AS c ON c.id = n.author_id
WHERE n.traffic = 'bonus'
"""

BONUS_FACTORS = """
INSERT INTO notes_distributionfactor (name, value, reason, details, until, decision_id, note_id, featuring_id)
SELECT 'quality_bonus', n.weight, 'eligible', '{}', NULL, NULL, n.id, NULL
FROM notes_note AS n JOIN bench_creator AS c ON c.id = n.author_id
WHERE n.traffic = 'bonus'
"""

# A reduced note rests on an automated decision in force (no person named, as the constraint allows).
DECISIONS = """
INSERT INTO appeals_decision (public_id, subject_type, subject_id, subject_title, kind, state, summary, facts,
                              evidence, rule, created_at, ends_at, reversed_at, decided_by_id,
                              subject_owner_id, dedupe_key, automated_detection, automated_decision,
                              rule_code, ground, content_type, source, territorial_scope, expired_at)
SELECT gen_random_uuid(), 'note', n.public_id, n.title, 'reduced_distribution', 'in_force',
       'The distribution of this note is reduced.', 'Benchmark data: a seeded decision.', '[]',
       'No low-quality mass-produced AI content', LEAST(n.published_at + interval '1 hour', %(now)s),
       NULL, NULL, NULL, n.author_id, 'bench:reduced:' || n.id, 'fully', 'fully', 'low_quality_ai',
       'incompatible', 'text', 'own_initiative', '["*"]', NULL
FROM notes_note AS n JOIN bench_creator AS c ON c.id = n.author_id
WHERE n.traffic = 'reduced'
"""

REDUCED_FACTORS = """
INSERT INTO notes_distributionfactor (name, value, reason, details, until, decision_id, note_id, featuring_id)
SELECT 'reduced_distribution', n.weight, 'reduced', '{}', NULL, d.id, n.id, NULL
FROM notes_note AS n
JOIN bench_creator AS c ON c.id = n.author_id
JOIN appeals_decision AS d ON d.subject_type = 'note' AND d.subject_id = n.public_id
                           AND d.kind = 'reduced_distribution'
WHERE n.traffic = 'reduced'
"""

# Ten days from publication, before today, for one note in ten (today's rows are the flush's).
IMPRESSIONS = """
INSERT INTO notes_impressionday (day, organic, bonus, boost, note_id)
SELECT (n.published_at AT TIME ZONE %(tz)s)::date + d, (random() * 400)::int,
       CASE WHEN n.traffic = 'bonus' THEN (random() * 200)::int ELSE 0 END, 0, n.id
FROM notes_note AS n
JOIN bench_creator AS c ON c.id = n.author_id
CROSS JOIN generate_series(0, 9) AS d
WHERE mod(n.id, 10) = 3 AND (n.published_at AT TIME ZONE %(tz)s)::date + d < %(today)s
"""

STEPS = [
    ("creators", CREATORS),
    ("creator map", CREATOR_MAP),
    ("notes", NOTES),
    ("declarations", DECLARATIONS),
    ("labels", LABELS),
    ("bonus factors", BONUS_FACTORS),
    ("decisions", DECISIONS),
    ("reduced factors", REDUCED_FACTORS),
    ("impression days", IMPRESSIONS),
]


def _log2(weight: float) -> float:
    # The same logarithm notes.ranking.rank_score takes (weight × engagement 1.0).
    return math.log2(max(weight, MIN_WEIGHT))


class Command(BaseCommand):
    help = "Seed creators, published notes, decisions and impressions for the feed benchmark (PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--notes", type=int, required=True, help="how many published notes")
        parser.add_argument("--creators", type=int, default=None, help="how many creators (default notes/50)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the rows an earlier run made (@bench.invalid creators)",
        )

    def handle(
        self, *args: object, notes: int, creators: int | None, reset: bool = False, **options: object
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_bench_feed needs PostgreSQL (set DATABASE_URL=postgres://…); "
                f"this database is {connection.vendor}."
            )
        for table, model in TABLES.items():
            if model._meta.db_table != table:
                raise CommandError(f"{model.__name__} is stored in {model._meta.db_table}, not {table}.")
        if notes < 1:
            raise CommandError("--notes must be at least 1.")
        creators = creators or max(1, notes // 50)
        if creators < 1:
            raise CommandError("--creators must be at least 1.")
        conf = settings.SUNLIGHT_TRAFFIC
        now = timezone.now()
        params = {
            "domain": BENCH_DOMAIN,
            "pattern": "%" + BENCH_DOMAIN,
            "now": now,
            "today": timezone.localdate(),
            "tz": str(timezone.get_current_timezone()),
            "notes": notes,
            "creators": creators,
            "spread": timedelta(days=SPREAD_DAYS),
            "half_life_s": conf["HALF_LIFE_HOURS"] * 3600.0,
            "bonus": conf["QUALITY_BONUS"],
            "reduced": conf["REDUCED_FACTOR"],
            "log2_bonus": _log2(conf["QUALITY_BONUS"]),
            "log2_reduced": _log2(conf["REDUCED_FACTOR"]),
        }
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT setseed(0.42)")  # the same jitter and counts on every run
            cursor.execute("SELECT 1 FROM accounts_user WHERE email LIKE %(pattern)s LIMIT 1", params)
            if cursor.fetchone() is not None:
                if not reset:
                    raise CommandError("Bench rows exist already: pass --reset to replace them.")
                for statement in RESET:
                    cursor.execute(statement, params)
                self.stdout.write(f"  removed the earlier bench rows ({time.monotonic() - started:.1f} s)")
            for name, statement in STEPS:
                step = time.monotonic()
                cursor.execute(statement, params)
                rows = cursor.rowcount if cursor.rowcount >= 0 else 0
                self.stdout.write(f"  {name:16} {rows:>10,} rows  {time.monotonic() - step:6.1f} s")
        # Statistics and the visibility map, as a long-running database would have them.
        step = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) " + ", ".join(TABLES))
        self.stdout.write(f"  {'vacuum analyze':16} {'':>10}       {time.monotonic() - step:6.1f} s")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {notes:,} notes by {creators:,} creators in {time.monotonic() - started:.1f} s."
            )
        )
