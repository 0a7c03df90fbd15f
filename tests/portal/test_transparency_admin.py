"""Staff pages for transparency: exporting statements, re-queueing refused ones, recomputing the
report, and the staff overview of queues, overdue appeals and decisions per day."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from appeals import services as ledger
from appeals.models import Decision
from portal import dsa
from portal.models import DsaStatement, TransparencySnapshot
from portal.statements import statements_collect
from tests.factories import DecisionFactory, staff_with_permissions

EXPORT = "/admin/portal/dsastatement/export/"


@pytest.fixture
def exporter(client):
    user = staff_with_permissions("export_dsastatement", "view_dsastatement", language="en")
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_staff_download_a_window_of_statements_as_the_command_writes_them(client, exporter, creator):
    decision = DecisionFactory(subject_owner=creator)
    response = client.get(EXPORT, {"since": timezone.localdate().isoformat(), "until": ""})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="sunlight-statements-')
    statements = json.loads(response.content)
    assert [s["puid"] for s in statements] == [f"sunlight-{decision.public_id.hex}"]
    assert dsa.validate_batch(statements) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2026/11/01"}, "Write the day as YYYY-MM-DD, e.g. 2026-11-01."),
        ({"until": "2026-02-30"}, "Write the day as YYYY-MM-DD, e.g. 2026-11-30."),
        ({"since": "2026-11-20", "until": "2026-11-01"}, "The window ends before it starts"),
    ],
)
def test_a_window_staff_cannot_export_is_explained_on_the_form(client, exporter, query, message):
    response = client.get(EXPORT, query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()


@pytest.mark.django_db
def test_the_export_form_speaks_chinese(client, creator):
    client.force_login(staff_with_permissions("export_dsastatement", language="zh-hans"))
    html = client.get(EXPORT, {"since": "bad"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "请按 YYYY-MM-DD 填写日期" in html


@pytest.mark.django_db
def test_the_changelist_exports_selected_statements_and_requeues_refused_ones(client, exporter, creator):
    DecisionFactory(subject_owner=creator)
    DecisionFactory(subject_owner=creator)
    statements_collect()
    first, second = DsaStatement.objects.order_by("id")
    DsaStatement.objects.filter(pk=second.pk).update(state="refused", last_error='{"category": ["invalid"]}')
    url = "/admin/portal/dsastatement/"
    exported = client.post(url, {"action": "export_selected", "_selected_action": [first.pk], "index": "0"})
    assert [s["puid"] for s in json.loads(exported.content)] == [first.puid]
    client.post(url, {"action": "retry_refused", "_selected_action": [first.pk, second.pk], "index": "0"})
    assert set(DsaStatement.objects.values_list("state", flat=True)) == {"pending"}
    assert DsaStatement.objects.get(pk=second.pk).last_error == ""
    page = client.get(f"/admin/portal/dsastatement/{second.pk}/change/").content.decode()
    assert "DECISION_VISIBILITY_CONTENT_LABELLED" in page and 'name="_save"' not in page


@pytest.mark.django_db
def test_staff_recompute_the_report_from_the_admin(client):
    client.force_login(staff_with_permissions("refresh_transparencysnapshot", "view_transparencysnapshot"))
    response = client.post("/admin/portal/transparencysnapshot/refresh/")
    assert response.status_code == 302
    assert TransparencySnapshot.objects.filter(period="total").exists()
    assert "Recompute now" in client.get("/admin/portal/transparencysnapshot/").content.decode()


@pytest.mark.django_db
def test_the_overview_shows_queues_overdue_appeals_and_decisions_per_day_by_kind(client, creator, staff):
    moderator = staff_with_permissions("view_appeal", language="en")
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        late = ledger.appeal_file(
            decision=DecisionFactory(subject_owner=creator), appellant=creator, reason="Mine."
        )
    ledger.appeal_file(decision=DecisionFactory(subject_owner=creator), appellant=creator, reason="Mine too.")
    DecisionFactory(subject_owner=creator, kind=Decision.Kind.LABEL_CONFIRMED)
    client.force_login(moderator)
    html = client.get("/admin/overview/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Appeals waiting for a decision" in html
    assert f"/admin/appeals/appeal/{late.pk}/change/" in html  # overdue, listed
    assert "Confirmed AI label" in html and "Suspected AI label" in html
    today = response_row(html, timezone.localdate())
    assert today is not None and "<strong>2</strong>" in today  # two decisions today in all


def response_row(html: str, day) -> str | None:
    from django.utils import formats

    label = formats.date_format(day, "DATE_FORMAT")
    for row in html.split("<tr>"):
        if f'class="sunlight-day">{label}</th>' in row:
            return row
    return None
