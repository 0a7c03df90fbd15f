from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from notes import services
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
