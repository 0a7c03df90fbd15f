"""The public transparency report: figures counted into stored snapshots, a page that reads only those,
charts, and the same figures as CSV and JSON."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appeals import services as ledger
from appeals.models import Automation, Decision
from notes.models import Report
from notes.services.reports import report_file, report_resolve
from portal.models import TransparencySnapshot
from portal.transparency import FIGURES, figures_compute, snapshots_refresh
from tests.factories import DecisionFactory, UserFactory
from tests.notes.conftest import make_published

OCTOBER = datetime(2026, 10, 10, 12, tzinfo=timezone.get_fixed_timezone(0))
NOVEMBER = datetime(2026, 11, 10, 12, tzinfo=timezone.get_fixed_timezone(0))


def _measure(account, staff, kind):
    return DecisionFactory(
        subject_owner=account,
        subject_type=Decision.SubjectType.ACCOUNT,
        subject_id=account.public_id,
        subject_title=account.public_name,
        kind=kind,
        rule_code=Decision.RuleCode.AI_MANAGED_ACCOUNT,
        automated_decision=Automation.NOT_AUTOMATED,
        decided_by=staff,
    )


@pytest.fixture
def history(creator, outsider, staff):
    """Two months of activity, with every figure the report counts."""
    bot, bot2 = UserFactory(), UserFactory()
    with time_machine.travel(OCTOBER, tick=False):
        wrong = DecisionFactory(subject_owner=creator, kind=Decision.Kind.LABEL_CONFIRMED)
        DecisionFactory(subject_owner=creator)  # an automated suspected label that stands
        _measure(bot, staff, Decision.Kind.ACCOUNT_WARNING)
        make_published(creator)  # declared "assisted": a declared label
    with time_machine.travel(NOVEMBER, tick=False):
        appeal = ledger.appeal_file(decision=wrong, appellant=creator, reason="My own photo.")
    with time_machine.travel(NOVEMBER + timedelta(hours=30), tick=False):
        ledger.appeal_decide(appeal=appeal, outcome="overturned", acting_user=staff, reply="You are right.")
    with time_machine.travel(NOVEMBER + timedelta(days=1), tick=False):
        forged = DecisionFactory(
            subject_owner=creator,
            kind=Decision.Kind.REMOVAL,
            rule_code=Decision.RuleCode.AI_FORGERY,
            automated_decision=Automation.NOT_AUTOMATED,
            decided_by=staff,
        )
        upheld = ledger.appeal_file(decision=forged, appellant=creator, reason="It happened.")
    with time_machine.travel(NOVEMBER + timedelta(days=1, hours=10), tick=False):
        ledger.appeal_decide(
            appeal=upheld, outcome="upheld", acting_user=staff, reply="The photos are generated."
        )
        _measure(bot, staff, Decision.Kind.ACCOUNT_WARNING)
        _measure(bot, staff, Decision.Kind.SUSPENSION)
        _measure(bot2, staff, Decision.Kind.ACCOUNT_WARNING)
        DecisionFactory(
            subject_owner=creator,
            rule_code=Decision.RuleCode.LABEL_REMOVAL_TUTORIAL,
            kind=Decision.Kind.REMOVAL,
            automated_decision=Automation.NOT_AUTOMATED,
            decided_by=staff,
        )
        report_file(
            reporter=outsider, subject_type="account", subject_id=bot.public_id, category="ai_managed_account"
        )
        report_file(
            reporter=creator, subject_type="account", subject_id=bot.public_id, category="ai_managed_account"
        )
        report = Report.objects.get()
        report_resolve(report=report, acting_user=staff, action="dismiss", reply="We are looking into it.")


@pytest.mark.django_db
def test_every_figure_is_counted_per_month_and_in_total(history):
    with time_machine.travel(NOVEMBER + timedelta(days=5), tick=False):
        figures = figures_compute()
    assert list(figures) == ["2026-10", "2026-11", "total"]
    october, november, total = figures["2026-10"], figures["2026-11"], figures["total"]
    assert (october["labels_confirmed"], october["labels_suspected"], october["labels_declared"]) == (1, 1, 1)
    assert october["undeclared_ai_decisions"] == 2 and november["undeclared_ai_decisions"] == 0
    assert november["forged_notes_removed"] == 1 and november["tutorials_acted_on"] == 1
    # AI-managed accounts: once per level per period, however many measures.
    assert (
        october["ai_accounts_warning"],
        november["ai_accounts_warning"],
        total["ai_accounts_warning"],
    ) == (1, 2, 2)
    assert (november["ai_accounts_suspended"], total["ai_accounts_banned"]) == (1, 0)
    assert (november["reports_received"], november["reports_acted_on"]) == (2, 0)
    assert (november["appeals_received"], november["appeals_decided"], november["appeals_overturned"]) == (
        2,
        2,
        1,
    )
    assert november["appeal_median_hours"] == 20.0  # 30 h and 10 h
    assert october["appeal_median_hours"] is None
    # The error rate of automated labels, by the month the label was applied.
    assert (october["automated_labels"], october["automated_labels_overturned"]) == (2, 1)
    assert october["automated_label_overturn_rate"] == 50.0
    assert november["automated_label_overturn_rate"] is None
    assert total["vouchers_issued"] == 1 and total["decisions_total"] == 8
    assert set(total) == {figure.key for figure in FIGURES}


@pytest.mark.django_db
def test_a_report_acted_on_counts_in_the_month_it_was_handled(creator, outsider, staff):
    note = make_published(creator)
    report_file(reporter=outsider, subject_type="note", subject_id=note.public_id, category="missing_label")
    report_resolve(
        report=Report.objects.get(),
        acting_user=staff,
        action="label",
        reply="Labelled.",
        statement=ledger.Statement(
            summary="A suspected AI label was added.",
            facts="The reporter's evidence shows the image was generated.",
            rule_code=Decision.RuleCode.AI_LABEL_MISSING,
            automated_detection=Automation.NOT_AUTOMATED,
            automated_decision=Automation.NOT_AUTOMATED,
        ),
    )
    assert figures_compute()["total"]["reports_acted_on"] == 1


@pytest.mark.django_db
def test_a_refresh_replaces_the_snapshots_and_the_page_reads_only_them(client, history):
    with time_machine.travel(NOVEMBER + timedelta(days=5), tick=False):
        snapshots_refresh()
    assert list(TransparencySnapshot.objects.values_list("period", flat=True)) == [
        "2026-10",
        "2026-11",
        "total",
    ]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/transparency/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "appeals_" not in tables and "notes_" not in tables
    assert len(queries) <= 3  # the snapshots, and the session machinery at most
    html = response.content.decode()
    assert "Figures computed at" in html and "Overturn rate of automated labels" in html
    assert "50.0%" in html  # October's rate shows in the monthly table


@pytest.mark.django_db
def test_the_page_shows_one_month_on_request_and_refuses_an_unknown_period(client, history):
    with time_machine.travel(NOVEMBER + timedelta(days=5), tick=False):
        snapshots_refresh()
    october = client.get("/transparency/?period=2026-10", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "October 2026" in october
    assert client.get("/transparency/?period=1999-01").status_code == 404
    assert client.get("/transparency/?period=<script>").status_code == 404


@pytest.mark.django_db
def test_before_the_first_refresh_the_page_says_the_figures_are_coming(client):
    html = client.get("/transparency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The first figures are being computed" in html


@pytest.mark.django_db
def test_the_page_speaks_chinese(client, history):
    snapshots_refresh()
    html = client.get("/transparency/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "透明度报告" in html and "自动标签的推翻率" in html


@pytest.mark.django_db
def test_the_downloads_carry_the_same_figures_as_the_snapshots(client, history):
    with time_machine.travel(NOVEMBER + timedelta(days=5), tick=False):
        snapshots_refresh()
    stored = {row.period: row.figures for row in TransparencySnapshot.objects.all()}
    response = client.get("/transparency/report.json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Disposition"] == 'attachment; filename="sunlight-transparency.json"'
    body = response.json()
    assert {row.pop("period"): row for row in body["periods"]} == stored
    assert body["computed_at"] and body["figures"][0]["label"] == "平台添加的“确认”AI 标签"
    rows = list(csv.DictReader(io.StringIO(client.get("/transparency/report.csv").content.decode())))
    assert [row["period"] for row in rows] == ["total", "2026-11", "2026-10"]
    october = next(row for row in rows if row["period"] == "2026-10")
    assert october["automated_label_overturn_rate"] == "50.0" and october["appeal_median_hours"] == ""
    assert client.get("/transparency/report.xml").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["labels", "appeals", "accounts"])
def test_each_chart_is_a_script_free_svg_in_both_sizes(client, history, name):
    with time_machine.travel(NOVEMBER + timedelta(days=5), tick=False):
        snapshots_refresh()
    for size in ("wide", "narrow"):
        response = client.get(f"/transparency/charts/{name}.svg?size={size}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
        svg = response.content.decode()
        assert "<script" not in svg and "November 2026" in svg
    assert client.get(f"/transparency/charts/{name}.svg?size=huge").status_code == 404
    assert client.get("/transparency/charts/secrets.svg").status_code == 404


@pytest.mark.django_db
def test_the_periodic_task_and_the_command_refresh_the_snapshots(history):
    from django.core.management import call_command

    from portal.tasks import transparency_refresh

    transparency_refresh.delay().get()
    first = TransparencySnapshot.objects.get(period="total").computed_at
    out = io.StringIO()
    call_command("transparency_refresh", stdout=out)
    assert "Transparency figures computed at" in out.getvalue()
    assert TransparencySnapshot.objects.get(period="total").computed_at > first
