"""Reports: filed and merged, refused when they make no sense, handled by staff, reporters told."""

from __future__ import annotations

import uuid

import pytest
from django.http import Http404

from accounts.models import Notification
from appeals import services as ledger
from appeals.models import Decision
from core.errors import DomainError
from notes import services
from notes.models import Report, ReportFiling
from notes.services.reports import report_file, report_resolve
from tests.factories import UserFactory, staff_with_permissions
from tests.notes.conftest import make_draft, make_published

pytestmark = pytest.mark.django_db


def test_reports_of_the_same_thing_merge(creator):
    note = make_published(creator)
    readers = [UserFactory() for _ in range(3)]
    for reader in readers:
        report_file(reporter=reader, subject_type="note", subject_id=note.public_id, category="ai_forgery")
    report_file(reporter=readers[0], subject_type="note", subject_id=note.public_id, category="missing_label")
    assert Report.objects.count() == 2
    forgery = Report.objects.get(category="ai_forgery")
    assert forgery.filings_count == 3 and forgery.account == creator
    with pytest.raises(DomainError) as twice:
        report_file(
            reporter=readers[0], subject_type="note", subject_id=note.public_id, category="ai_forgery"
        )
    assert twice.value.code == "reported_already" and Report.objects.get(pk=forgery.pk).filings_count == 3


def test_reports_that_make_no_sense_are_refused(creator, outsider):
    note = make_published(creator)
    with pytest.raises(DomainError, match="yourself"):
        report_file(reporter=creator, subject_type="note", subject_id=note.public_id, category="other")
    with pytest.raises(DomainError, match="yourself"):
        report_file(reporter=creator, subject_type="account", subject_id=creator.public_id, category="other")
    for subject_type, subject_id in (
        ("note", uuid.uuid4()),
        ("note", make_draft(creator).public_id),
        ("comment", uuid.uuid4()),
        ("account", uuid.uuid4()),
    ):
        with pytest.raises(Http404):
            report_file(reporter=outsider, subject_type=subject_type, subject_id=subject_id, category="other")
    with pytest.raises(Exception, match="Choose what is wrong"):
        report_file(reporter=outsider, subject_type="note", subject_id=note.public_id, category="boring")
    assert not Report.objects.exists() and not ReportFiling.objects.exists()


def test_the_browser_form_and_the_api(client, creator, outsider, creator_api):
    note = make_published(outsider)
    client.force_login(creator)
    page = client.get(f"/report/note/{note.public_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "AI forgery" in page.content.decode()
    missing = client.post(f"/report/note/{note.public_id}/", {"category": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 400 and "Choose what is wrong" in missing.content.decode()
    sent = client.post(
        f"/report/note/{note.public_id}/", {"category": "impersonation", "comment": "Not her."}
    )
    assert sent.status_code == 302
    response = creator_api.post(
        "/api/v1/reports/",
        {"subject_type": "account", "subject_id": str(outsider.public_id), "category": "ai_managed_account"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["state"] == "open"
    mine = creator_api.get("/api/v1/reports/").json()["results"]
    assert {r["category"] for r in mine} == {"impersonation", "ai_managed_account"}
    assert client.get("/report/planet/" + str(note.public_id) + "/").status_code == 404


def test_staff_handle_a_report_through_the_services_and_reporters_are_told(creator):
    note = make_published(creator)
    readers = [UserFactory(language="en") for _ in range(2)]
    for reader in readers:
        report_file(reporter=reader, subject_type="note", subject_id=note.public_id, category="ai_forgery")
    report = Report.objects.get()
    moderator = staff_with_permissions("decide")
    with pytest.raises(Exception, match="statement of reasons"):
        report_resolve(report=report, acting_user=moderator, action="remove", reply="Removed.")
    statement = ledger.Statement(
        summary="Removed: a fabricated experience.", facts="The trip never happened.", rule_code="ai_forgery"
    )
    report_resolve(
        report=report, acting_user=moderator, action="remove", reply="We removed it.", statement=statement
    )
    report.refresh_from_db()
    assert report.state == "actioned" and report.decision.kind == Decision.Kind.REMOVAL
    assert report.decision.source == "user_report"
    titles = sorted(Notification.objects.filter(recipient__in=readers).values_list("title", flat=True))
    assert titles == ["Your report was reviewed: action taken"] * 2
    with pytest.raises(DomainError, match="handled already"):
        report_resolve(report=report, acting_user=moderator, action="dismiss", reply="Again")
    # The note is gone from public view: nobody can report it again.
    with pytest.raises(Http404):
        report_file(
            reporter=UserFactory(), subject_type="note", subject_id=note.public_id, category="ai_forgery"
        )


def test_dismissing_needs_only_a_reply_and_the_permission(creator):
    comment_note = make_published(creator)
    reader = UserFactory()
    comment = services.comment_create(note=comment_note, author=creator, body="A comment")
    report_file(reporter=reader, subject_type="comment", subject_id=comment.public_id, category="other")
    report = Report.objects.get()
    with pytest.raises(Exception, match="not allowed"):
        report_resolve(report=report, acting_user=staff_with_permissions(), action="dismiss", reply="No.")
    with pytest.raises(Exception, match="Write the reply"):
        report_resolve(
            report=report, acting_user=staff_with_permissions("decide"), action="dismiss", reply=" "
        )
    report_resolve(
        report=report, acting_user=staff_with_permissions("decide"), action="dismiss", reply="Fine as is."
    )
    assert Report.objects.get().state == "dismissed" and not Decision.objects.exists()


def test_a_report_can_end_in_a_measure(creator):
    reader = UserFactory()
    report_file(
        reporter=reader, subject_type="account", subject_id=creator.public_id, category="ai_managed_account"
    )
    statement = ledger.Statement(
        summary="A warning.", facts="Reported as a bot.", rule_code="ai_managed_account"
    )
    report_resolve(
        report=Report.objects.get(),
        acting_user=staff_with_permissions("decide"),
        action="measure",
        reply="We warned the account.",
        statement=statement,
    )
    assert Decision.objects.get().kind == Decision.Kind.ACCOUNT_WARNING


def test_a_report_can_open_an_automation_case(creator):
    from notes.models import AutomationCase

    report_file(
        reporter=UserFactory(),
        subject_type="account",
        subject_id=creator.public_id,
        category="ai_managed_account",
    )
    report_resolve(
        report=Report.objects.get(),
        acting_user=staff_with_permissions("decide"),
        action="case",
        reply="We are looking at the account's activity.",
    )
    case = AutomationCase.objects.get()
    assert case.account == creator and case.state == "open" and len(case.signals) == 6
    assert Report.objects.get().state == "actioned" and not Decision.objects.exists()


def test_flooding_reports_is_rate_limited(client, creator):
    notes = [make_published(creator, title=f"Note {i}", images=1) for i in range(3)]
    reader = UserFactory()
    client.force_login(reader)
    statuses = []
    for _ in range(8):
        for note in notes:
            response = client.post(f"/report/note/{note.public_id}/", {"category": "other"})
            statuses.append(response.status_code)
    assert 429 in statuses and ReportFiling.objects.filter(reporter=reader).count() == 3


def test_a_comment_report_never_labels_the_note_around_it(creator, outsider):
    note = make_published(creator)
    comment = services.comment_create(note=note, author=outsider, body="Spam spam")
    report_file(
        reporter=UserFactory(), subject_type="comment", subject_id=comment.public_id, category="other"
    )
    statement = ledger.Statement(summary="Labelled.", facts="?", rule_code="ai_label_missing")
    with pytest.raises(Exception, match="Only a reported note can be labelled"):
        report_resolve(
            report=Report.objects.get(),
            acting_user=staff_with_permissions("decide"),
            action="label",
            reply="No.",
            statement=statement,
        )
    assert not Decision.objects.exists() and Report.objects.get().state == "open"
