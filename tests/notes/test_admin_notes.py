from __future__ import annotations

import uuid

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from appeals.models import CompensationVoucher, Decision
from notes import services
from notes.models import Label, Note
from tests.factories import DecisionFactory, staff_with_permissions
from tests.images import a1111_png_bytes
from tests.notes.conftest import declare, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


def test_staff_see_notes_with_declaration_images_scans_and_labels(
    staff_client, creator, django_capture_on_commit_callbacks
):
    note = make_draft(creator, images=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.note_image_add(note=note, acting_user=creator, data=a1111_png_bytes(), filename="gen.png")
        declare(note, degree="none")
        services.note_publish(note=note, acting_user=creator)
    html = staff_client.get(f"/admin/notes/note/{note.pk}/change/").content.decode()
    assert "Morning at the lake" in html and "suspected" in html.lower()
    listing = staff_client.get("/admin/notes/note/?label=suspected&declaration__degree=none&state=published")
    assert "Morning at the lake" in listing.content.decode()
    assert (
        "Morning at the lake" not in staff_client.get("/admin/notes/note/?label=confirmed").content.decode()
    )
    assert staff_client.get("/admin/notes/note/?q=Morning").status_code == 200
    signals = staff_client.get("/admin/notes/provenancesignal/?kind=generator").content.decode()
    assert "png:parameters" in signals
    decisions = staff_client.get("/admin/appeals/decision/").content.decode()
    assert "Suspected AI label" in decisions


def _published_with_generator(creator, capture):
    note = make_draft(creator, images=1)
    with capture(execute=True):
        services.note_image_add(note=note, acting_user=creator, data=a1111_png_bytes(), filename="gen.png")
        declare(note, degree="none")
        services.note_publish(note=note, acting_user=creator)
    return note


def test_the_admin_deletes_nothing_behind_the_services(
    staff_client, creator, django_capture_on_commit_callbacks
):
    note = _published_with_generator(creator, django_capture_on_commit_callbacks)
    decision = Decision.objects.get()
    image = note.images.get(original_name="gen.png")
    for url in [
        f"/admin/notes/note/{note.pk}/delete/",
        f"/admin/notes/imagescan/{image.scan.pk}/delete/",
        f"/admin/notes/provenancesignal/{image.signals.first().pk}/delete/",
        f"/admin/appeals/decision/{decision.pk}/delete/",
        f"/admin/accounts/notification/{creator.notifications.first().pk}/delete/",
    ]:
        assert staff_client.post(url, {"post": "yes"}).status_code == 403, url
    assert Note.objects.filter(pk=note.pk).exists() and Decision.objects.filter(pk=decision.pk).exists()
    assert creator.notifications.exists()
    # Bulk delete is not offered either.
    assert "delete_selected" not in staff_client.get("/admin/notes/note/").content.decode()


def _decide(client, note, **overrides):
    data = {
        "kind": "label_confirmed",
        "label_kind": "generated",
        "summary": "The note is labelled as AI-generated.",
        "facts": "The image is a known Midjourney showcase picture.",
        "rule_code": "ai_label_missing",
        "ground": "incompatible",
        "content_type": "synthetic_media",
        "source": "user_report",
        "automated_detection": "none",
        "automated_decision": "none",
        "territorial_scope": "",
        "ends_at": "",
        "internal_note": "Matched by reverse image search.",
        "submission": str(uuid.uuid4()),
    }
    data.update(overrides)
    return client.post(f"/admin/notes/note/{note.pk}/decide/", data)


def test_staff_decide_about_a_note_and_reverse_it_in_the_admin(
    client, creator, django_capture_on_commit_callbacks
):
    note = make_draft(creator, images=1)
    declare(note, degree="none")
    services.note_publish(note=note, acting_user=creator)
    decider = staff_with_permissions("decide", "view_note", "view_decision")
    client.force_login(decider)

    form = client.get(f"/admin/notes/note/{note.pk}/decide/").content.decode()
    assert "Statement" in form or "statement" in form
    refused = _decide(client, note, summary="", facts="")
    assert refused.status_code == 200 and "This field is required." in refused.content.decode()
    assert not Decision.objects.exists()

    submission = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        response = _decide(client, note, submission=submission)
        _decide(client, note, submission=submission)  # a double-submitted form: still one decision
    decision = Decision.objects.get()
    assert response.status_code == 302 and decision.decided_by == decider
    assert Label.objects.filter(note=note, tier="confirmed", decision=decision).exists()
    assert decision.events.get().internal_note == "Matched by reverse image search."

    change = client.get(f"/admin/appeals/decision/{decision.pk}/change/").content.decode()
    assert "Matched by reverse image search." in change and "Reverse this decision" in change
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/appeals/decision/{decision.pk}/reverse/",
            {"reason": "The showcase picture was a different one.", "internal_note": ""},
        )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == "reversed"
    assert not Label.objects.filter(note=note, tier="confirmed").exists()
    assert CompensationVoucher.objects.filter(decision=decision, appeal=None).count() == 1


def test_staff_without_the_permission_cannot_decide_or_reverse(client, creator):
    note = make_draft(creator, images=1)
    declare(note, degree="none")
    services.note_publish(note=note, acting_user=creator)
    viewer = staff_with_permissions("view_note", "view_decision")
    client.force_login(viewer)
    assert client.get(f"/admin/notes/note/{note.pk}/decide/").status_code == 403
    assert _decide(client, note).status_code == 403
    decision = DecisionFactory(subject_owner=creator, subject_id=note.public_id)
    assert client.post(f"/admin/appeals/decision/{decision.pk}/reverse/", {"reason": "x"}).status_code == 403
    assert Decision.objects.count() == 1 and Decision.objects.get().state == "in_force"
