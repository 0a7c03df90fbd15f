"""The public transparency report: figures per month and in total, aggregated into stored snapshots.

``snapshots_refresh`` (a periodic task, and ``manage.py transparency_refresh``) counts from the
ledger and the notes with a few grouped queries and stores one ``TransparencySnapshot`` per month
plus the total. ``report`` reads those rows only: a page view, a chart or a download never scans
the decision tables, and says when its figures were computed.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appeals.models import Appeal, Automation, CompensationVoucher, Decision, DecisionEvent
from notes.models import Degree, Note, Report, ReportFiling
from portal.models import TransparencySnapshot

Kind, Rule = Decision.Kind, Decision.RuleCode
LABEL_KINDS = (Kind.LABEL_CONFIRMED, Kind.LABEL_SUSPECTED)
# The account measures' ladder, lowest first: the report's "AI-managed accounts by measure level".
MEASURE_LEVELS = (
    ("warning", Kind.ACCOUNT_WARNING),
    ("reduced", Kind.ACCOUNT_MEASURE),
    ("restricted", Kind.POSTING_RESTRICTED),
    ("suspended", Kind.SUSPENSION),
    ("banned", Kind.BAN),
)


@dataclass(frozen=True)
class Figure:
    key: str
    label: Promise
    unit: str = "count"  # count | hours | percent


SECTIONS: tuple[tuple[str, Promise, tuple[Figure, ...]], ...] = (
    (
        "labels",
        _("AI labels"),
        (
            Figure("labels_confirmed", _("Confirmed AI labels applied by the platform")),
            Figure("labels_suspected", _("Suspected AI labels applied by the platform")),
            Figure("labels_declared", _("Notes published with a declared AI label")),
            Figure("undeclared_ai_decisions", _("Decisions on undeclared AI content")),
        ),
    ),
    (
        "enforcement",
        _("Forgery, label-removal tutorials and AI-managed accounts"),
        (
            Figure("forged_notes_removed", _("AI-forged notes removed")),
            Figure("tutorials_acted_on", _("Label-removal tutorials acted on")),
            Figure("ai_accounts_warning", _("AI-managed accounts warned")),
            Figure("ai_accounts_reduced", _("AI-managed accounts with reduced distribution")),
            Figure("ai_accounts_restricted", _("AI-managed accounts restricted from posting")),
            Figure("ai_accounts_suspended", _("AI-managed accounts suspended")),
            Figure("ai_accounts_banned", _("AI-managed accounts banned")),
        ),
    ),
    (
        "reports",
        _("Reports from users"),
        (
            Figure("reports_received", _("Reports received")),
            Figure("reports_acted_on", _("Reported cases acted on")),
        ),
    ),
    (
        "appeals",
        _("Appeals"),
        (
            Figure("appeals_received", _("Appeals received")),
            Figure("appeals_decided", _("Appeals decided")),
            Figure("appeals_overturned", _("Appeals that overturned the decision")),
            Figure("appeal_median_hours", _("Median time to a decision (hours)"), "hours"),
        ),
    ),
    (
        "automation",
        _("Automated labelling and its error rate"),
        (
            Figure("automated_labels", _("Labels applied fully automatically")),
            Figure("automated_labels_overturned", _("Automated labels overturned on appeal")),
            Figure("automated_label_overturn_rate", _("Overturn rate of automated labels (%)"), "percent"),
        ),
    ),
    (
        "redress",
        _("Decisions and redress"),
        (
            Figure("decisions_total", _("Decisions made")),
            Figure("vouchers_issued", _("Traffic compensation vouchers issued")),
        ),
    ),
)
FIGURES: tuple[Figure, ...] = tuple(figure for _key, _title, figures in SECTIONS for figure in figures)


def _month(moment: datetime) -> str:
    """Months are UTC months, as the statements' days are UTC days."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def _counted(qs: QuerySet, field: str, *, distinct: str | None = None) -> tuple[dict[str, int], int]:
    """Counts per month of ``field`` and in total; ``distinct`` counts that field's values once."""
    counted = Count(distinct, distinct=True) if distinct else Count("id")
    months = {
        _month(row["month"]): row["n"]
        for row in qs.exclude(**{f"{field}__isnull": True})
        .annotate(month=TruncMonth(field, tzinfo=UTC))
        .values("month")
        .annotate(n=counted)
        .order_by()
        if row["month"] is not None
    }
    total = qs.exclude(**{f"{field}__isnull": True}).aggregate(n=counted)["n"]
    return months, total


def _median_hours(durations: list[float]) -> float | None:
    return round(statistics.median(durations), 1) if durations else None


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figures_compute() -> dict[str, dict[str, float | int | None]]:
    """Every figure for every month from the first with activity to this one, and the total."""
    decisions = Decision.objects.all()
    automated = decisions.filter(kind__in=LABEL_KINDS, automated_decision=Automation.FULLY)
    overturned_ids = DecisionEvent.objects.filter(
        kind=DecisionEvent.Kind.REVERSED, appeal__isnull=False
    ).values("decision_id")
    counts: dict[str, tuple[dict[str, int], int]] = {
        "labels_confirmed": _counted(decisions.filter(kind=Kind.LABEL_CONFIRMED), "created_at"),
        "labels_suspected": _counted(decisions.filter(kind=Kind.LABEL_SUSPECTED), "created_at"),
        "labels_declared": _counted(
            Note.objects.filter(declaration__degree__in=(Degree.ASSISTED, Degree.GENERATED)), "published_at"
        ),
        "undeclared_ai_decisions": _counted(decisions.filter(rule_code=Rule.AI_LABEL_MISSING), "created_at"),
        "forged_notes_removed": _counted(
            decisions.filter(
                kind=Kind.REMOVAL, subject_type=Decision.SubjectType.NOTE, rule_code=Rule.AI_FORGERY
            ),
            "created_at",
        ),
        "tutorials_acted_on": _counted(decisions.filter(rule_code=Rule.LABEL_REMOVAL_TUTORIAL), "created_at"),
        "reports_received": _counted(ReportFiling.objects.all(), "created_at"),
        "reports_acted_on": _counted(Report.objects.filter(state=Report.State.ACTIONED), "handled_at"),
        "appeals_received": _counted(Appeal.objects.all(), "submitted_at"),
        "appeals_decided": _counted(Appeal.objects.filter(state__in=Appeal.DECIDED_STATES), "decided_at"),
        "appeals_overturned": _counted(Appeal.objects.filter(state=Appeal.State.OVERTURNED), "decided_at"),
        "automated_labels": _counted(automated, "created_at"),
        "automated_labels_overturned": _counted(automated.filter(id__in=overturned_ids), "created_at"),
        "decisions_total": _counted(decisions, "created_at"),
        "vouchers_issued": _counted(CompensationVoucher.objects.all(), "issued_at"),
    }
    accounts = decisions.filter(subject_type=Decision.SubjectType.ACCOUNT, rule_code=Rule.AI_MANAGED_ACCOUNT)
    for level, kind in MEASURE_LEVELS:
        counts[f"ai_accounts_{level}"] = _counted(
            accounts.filter(kind=kind), "created_at", distinct="subject_owner"
        )

    durations: dict[str, list[float]] = {}
    everything: list[float] = []
    decided = Appeal.objects.filter(state__in=Appeal.DECIDED_STATES, decided_at__isnull=False)
    for submitted, decided_at in decided.values_list("submitted_at", "decided_at").iterator(chunk_size=2000):
        hours = max((decided_at - submitted).total_seconds(), 0) / 3600
        durations.setdefault(_month(decided_at), []).append(hours)
        everything.append(hours)

    seen = {month for months, _total in counts.values() for month in months} | set(durations)
    this_month = _month(timezone.now())
    periods = _months_between(min(seen, default=this_month), this_month)
    result: dict[str, dict[str, float | int | None]] = {}
    for period in [*periods, TransparencySnapshot.TOTAL]:
        row: dict[str, float | int | None] = {}
        for key, (months, total) in counts.items():
            row[key] = total if period == TransparencySnapshot.TOTAL else months.get(period, 0)
        row["appeal_median_hours"] = _median_hours(
            everything if period == TransparencySnapshot.TOTAL else durations.get(period, [])
        )
        row["automated_label_overturn_rate"] = _rate(
            row["automated_labels_overturned"], row["automated_labels"]
        )
        result[period] = {figure.key: row[figure.key] for figure in FIGURES}
    return result


def _months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def snapshots_refresh() -> datetime:
    """Recompute every figure and replace the stored snapshots in one transaction; returns when."""
    figures = figures_compute()
    now = timezone.now()
    with transaction.atomic():
        TransparencySnapshot.objects.exclude(period__in=list(figures)).delete()
        for period, values in figures.items():
            # update_or_create: a refresh running beside this one (the hourly task and a staff
            # member's "Recompute now") may create the same new month first.
            TransparencySnapshot.objects.update_or_create(
                period=period, defaults={"figures": values, "computed_at": now}
            )
    return now


@dataclass(frozen=True)
class StoredReport:
    computed_at: datetime | None
    total: dict
    months: list[tuple[str, dict]]  # newest first

    def period(self, name: str | None) -> dict | None:
        if not name or name == TransparencySnapshot.TOTAL:
            return self.total
        return dict(self.months).get(name)


def report() -> StoredReport:
    """The stored report, in one query; empty (``computed_at`` None) until the first refresh."""
    rows = list(TransparencySnapshot.objects.order_by("-period"))
    total = next((row for row in rows if row.period == TransparencySnapshot.TOTAL), None)
    months = [
        (row.period, _complete(row.figures)) for row in rows if row.period != TransparencySnapshot.TOTAL
    ]
    return StoredReport(
        computed_at=total.computed_at if total else None,
        total=_complete(total.figures) if total else _complete({}),
        months=months,
    )


def _complete(figures: dict) -> dict:
    """Every figure present: a snapshot written before a figure existed shows it as unknown."""
    return {figure.key: figures.get(figure.key) for figure in FIGURES}
