from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals import services
from appeals.models import Appeal
from tests.appeals.conftest import labelled_note_decision, pdf_bytes
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def test_a_mobile_client_files_follows_and_withdraws_an_appeal(creator_api, decision):
    response = creator_api.post(
        "/api/v1/appeals/", {"decision": str(decision.public_id), "reason": "My own sketch."}, format="json"
    )
    assert response.status_code == 201, response.content
    appeal_id = response.json()["id"]
    assert response.json()["state"] == "submitted" and response.json()["due_at"]

    response = creator_api.post(
        f"/api/v1/appeals/{appeal_id}/evidence/",
        {"file": SimpleUploadedFile("p.pdf", pdf_bytes())},
        format="multipart",
    )
    assert response.status_code == 201
    assert [e["content_type"] for e in response.json()["evidence"]] == ["application/pdf"]
    assert [e["kind"] for e in response.json()["timeline"]] == ["submitted", "evidence"]

    assert [a["id"] for a in creator_api.get("/api/v1/appeals/").json()["results"]] == [appeal_id]
    response = creator_api.post(f"/api/v1/appeals/{appeal_id}/withdraw/")
    assert response.json()["state"] == "withdrawn"


def test_errors_are_clear(creator_api, creator, decision, django_capture_on_commit_callbacks):
    assert creator_api.post(
        "/api/v1/appeals/", {"decision": str(decision.public_id), "reason": ""}, format="json"
    ).json()["error"]["fields"]["reason"]
    creator_api.post(
        "/api/v1/appeals/", {"decision": str(decision.public_id), "reason": "Mine."}, format="json"
    )
    response = creator_api.post(
        "/api/v1/appeals/", {"decision": str(decision.public_id), "reason": "Again."}, format="json"
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_appealable"
    appeal = Appeal.objects.get()
    for i in range(5):
        creator_api.post(
            f"/api/v1/appeals/{appeal.public_id}/evidence/",
            {"file": SimpleUploadedFile(f"{i}.jpg", jpeg_bytes())},
            format="multipart",
        )
    response = creator_api.post(
        f"/api/v1/appeals/{appeal.public_id}/evidence/",
        {"file": SimpleUploadedFile("6.jpg", jpeg_bytes())},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "too_many_files"
    response = creator_api.post(
        f"/api/v1/appeals/{appeal.public_id}/evidence/",
        {"file": SimpleUploadedFile("x.pdf", b"MZ")},
        format="multipart",
    )
    assert response.json()["error"]["code"] in {"too_many_files", "evidence_not_allowed"}
    assert appeal.evidence.count() == 5


def test_other_creators_get_404(outsider_api, creator, decision, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_file(decision=decision, appellant=creator, reason="Mine.")
    assert (
        outsider_api.post(
            "/api/v1/appeals/", {"decision": str(decision.public_id), "reason": "x"}, format="json"
        ).status_code
        == 404
    )
    assert outsider_api.get(f"/api/v1/appeals/{appeal.public_id}/").status_code == 404
    assert outsider_api.post(f"/api/v1/appeals/{appeal.public_id}/withdraw/").status_code == 404
    assert (
        outsider_api.post(
            f"/api/v1/appeals/{appeal.public_id}/evidence/",
            {"file": SimpleUploadedFile("a.jpg", jpeg_bytes())},
            format="multipart",
        ).status_code
        == 404
    )
    assert outsider_api.get("/api/v1/appeals/").json()["results"] == []


def test_decided_appeals_show_reply_redress_and_vouchers(
    creator_api, creator, staff, decision, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_file(decision=decision, appellant=creator, reason="Mine.")
        services.appeal_decide(
            appeal=appeal,
            outcome="overturned",
            acting_user=staff,
            reply="Agreed.",
            internal_note="internal only",
        )
    detail = creator_api.get(f"/api/v1/appeals/{appeal.public_id}/").json()
    assert detail["state"] == "overturned" and detail["reply"] == "Agreed."
    assert "internal_note" not in [e["kind"] for e in detail["timeline"]]
    assert detail["vouchers"][0]["impressions"] == 1200
    assert creator_api.get("/api/v1/vouchers/").json()["results"][0]["decision"] == str(decision.public_id)
    assert creator_api.get(f"/api/v1/decisions/{decision.public_id}/").json()["state"] == "reversed"

    other = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        upheld = services.appeal_file(decision=other, appellant=creator, reason="Mine too.")
        services.appeal_decide(appeal=upheld, outcome="upheld", acting_user=staff, reply="No.")
    assert "out-of-court" in creator_api.get(f"/api/v1/appeals/{upheld.public_id}/").json()["further_redress"]


def test_a_voucher_from_an_own_initiative_reversal_lists_without_an_appeal(creator_api, creator, staff):
    from appeals import services as ledger
    from tests.factories import DecisionFactory

    decision = DecisionFactory(subject_owner=creator)
    ledger.decision_reverse(decision=decision, acting_user=staff, reason="Our mistake.")
    (voucher,) = creator_api.get("/api/v1/vouchers/").json()["results"]
    assert voucher["decision"] == str(decision.public_id) and voucher["appeal"] is None
    detail = creator_api.get(f"/api/v1/decisions/{decision.public_id}/").json()
    assert [(e["kind"], e["by"]) for e in detail["timeline"]] == [
        ("created", "system"),
        ("reversed", "staff"),
    ]
    assert detail["timeline"][1]["reason"] == "Our mistake." and "internal_note" not in detail["timeline"][1]
