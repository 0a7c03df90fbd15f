from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals import services
from appeals.models import Appeal
from tests.appeals.conftest import pdf_bytes
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_a_creator_appeals_in_the_browser_and_follows_it(
    client, creator, decision, staff, django_capture_on_commit_callbacks
):
    client.force_login(creator)
    page = client.get(f"/appeals/decisions/{decision.public_id}/").content.decode()
    assert "Appeal this decision" in page and "You can appeal until" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/appeals/decisions/{decision.public_id}/",
            {
                "reason": "Here are my drafts.",
                "evidence": [
                    SimpleUploadedFile("draft.jpg", jpeg_bytes()),
                    SimpleUploadedFile("notes.pdf", pdf_bytes()),
                ],
            },
        )
    appeal = Appeal.objects.get()
    assert response["Location"] == f"/appeals/{appeal.public_id}/"
    services.appeal_decide(
        appeal=appeal, outcome="upheld", acting_user=staff, reply="Stands.", internal_note="secret"
    )
    html = client.get(f"/appeals/{appeal.public_id}/").content.decode()
    assert "Stands." in html and "secret" not in html
    assert "out-of-court" in html
    assert (
        client.get(f"/appeals/{appeal.public_id}/evidence/{appeal.evidence.first().pk}/").status_code == 200
    )


def test_bad_evidence_shows_a_clear_error_and_saves_nothing(client, creator, decision):
    client.force_login(creator)
    response = client.post(
        f"/appeals/decisions/{decision.public_id}/",
        {"reason": "Mine.", "evidence": [SimpleUploadedFile("tool.pdf", b"MZ\x90 executable")]},
    )
    assert response.status_code == 400
    assert (
        "tool.pdf: Only images (JPEG, PNG, WebP) and PDF documents can be attached."
        in response.content.decode()
    )
    assert not Appeal.objects.exists()


def test_other_creators_get_404(client, creator, outsider, decision, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_file(
            decision=decision, appellant=creator, reason="Mine.", files=[("a.jpg", jpeg_bytes())]
        )
    client.force_login(outsider)
    assert client.get(f"/appeals/decisions/{decision.public_id}/").status_code == 404
    assert client.post(f"/appeals/decisions/{decision.public_id}/", {"reason": "x"}).status_code == 404
    assert client.get(f"/appeals/{appeal.public_id}/").status_code == 404
    assert client.post(f"/appeals/{appeal.public_id}/withdraw/").status_code == 404
    assert (
        client.get(f"/appeals/{appeal.public_id}/evidence/{appeal.evidence.first().pk}/").status_code == 404
    )
    appeal.refresh_from_db()
    assert appeal.state == "submitted"


def test_the_wallet_lists_vouchers(client, creator, staff, decision, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_file(decision=decision, appellant=creator, reason="Mine.")
        services.appeal_decide(appeal=appeal, outcome="overturned", acting_user=staff, reply="Agreed.")
    client.force_login(creator)
    html = client.get("/appeals/wallet/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert re.search(r"1,?200", html) and "补偿" in html


@pytest.fixture
def staff_client(client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def test_the_staff_queue_filters_assigns_and_decides(
    staff_client, staff, creator, decision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_file(
            decision=decision, appellant=creator, reason="Mine.", files=[("a.jpg", jpeg_bytes())]
        )
    Appeal.objects.filter(pk=appeal.pk).update(due_at=appeal.submitted_at.replace(year=2000))
    queue = staff_client.get("/admin/appeals/appeal/?overdue=yes&assigned=unassigned").content.decode()
    assert "Harbour sketch" in queue and "past their service-level target" in queue
    assert "Harbour sketch" not in staff_client.get("/admin/appeals/appeal/?assigned=mine").content.decode()

    staff_client.post("/admin/appeals/appeal/", {"action": "assign_to_me", "_selected_action": [appeal.pk]})
    appeal.refresh_from_db()
    assert (appeal.state, appeal.assigned_to) == ("in_review", staff)
    assert "Harbour sketch" in staff_client.get("/admin/appeals/appeal/?assigned=mine").content.decode()

    page = staff_client.get(f"/admin/appeals/appeal/{appeal.pk}/decide/").content.decode()
    assert "a.jpg" in page and "Mine." in page
    response = staff_client.post(
        f"/admin/appeals/appeal/{appeal.pk}/decide/", {"outcome": "overturned", "reply": ""}
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/appeals/appeal/{appeal.pk}/decide/",
            {"outcome": "overturned", "reply": "Your drafts convince."},
        )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == "overturned"
    # A second staff member submitting the same form a moment later is told, not obeyed.
    response = staff_client.post(
        f"/admin/appeals/appeal/{appeal.pk}/decide/", {"outcome": "upheld", "reply": "No."}, follow=True
    )
    assert "already decided" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.state == "overturned"


def test_the_appeal_form_is_in_chinese(client, creator, decision):
    client.force_login(creator)
    html = client.get(
        f"/appeals/decisions/{decision.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "最多 5 个文件" in html and "为什么这个决定有误" in html


def test_staff_without_mfa_cannot_read_evidence(
    client, creator, decision, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_file(
            decision=decision, appellant=creator, reason="Mine.", files=[("a.jpg", jpeg_bytes())]
        )
    url = f"/appeals/{appeal.public_id}/evidence/{appeal.evidence.first().pk}/"
    no_mfa = UserFactory(is_staff=True)
    client.force_login(no_mfa)
    assert client.get(url).status_code == 404
    TOTP.activate(no_mfa, generate_totp_secret())
    # MFA alone is not enough: reading other creators' evidence needs the permission to view appeals.
    assert client.get(url).status_code == 404
    no_mfa.user_permissions.add(Permission.objects.get(codename="view_appeal"))
    no_mfa = type(no_mfa).objects.get(pk=no_mfa.pk)  # a fresh permission cache
    client.force_login(no_mfa)
    assert client.get(url).status_code == 200
