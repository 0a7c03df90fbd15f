"""The moderator workspace (issue 15, item 9): an appeal's page shows the whole case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from appeals import services
from appeals.models import Appeal
from tests.appeals.conftest import labelled_note_decision, pdf_bytes
from tests.factories import DecisionFactory
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    return client


@pytest.fixture
def appeal(creator, django_capture_on_commit_callbacks) -> Appeal:
    decision = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    DecisionFactory(subject_owner=creator, subject_title="An older note")
    with django_capture_on_commit_callbacks(execute=True):
        return services.appeal_file(
            decision=decision,
            appellant=creator,
            reason="I drew it in Procreate; here are the layers.",
            files=[("layers.jpg", jpeg_bytes()), ("timelapse.pdf", pdf_bytes())],
        )


@pytest.mark.parametrize("page", ["change", "decide"])
def test_the_appeal_page_shows_the_whole_case(staff_client, appeal, page):
    url = f"/admin/appeals/appeal/{appeal.pk}/" + ("change/" if page == "change" else "decide/")
    html = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The note as published, its image, what the scanner found, the declaration.
    assert "Harbour sketch" in html and "sunlight-thumbs" in html
    assert "written by an AUTOMATIC1111-compatible Stable Diffusion tool" in html
    assert "The creator&#x27;s declaration" in html or "The creator's declaration" in html
    # The evidence previewed: the image shown, the PDF's pages counted.
    assert 'class="sunlight-evidence-image"' in html and "1 page" in html
    # The creator's other decisions, and the countdown.
    assert "An older note" in html
    assert "Due in" in html
    if page == "change":
        assert 'name="_save"' not in html  # nothing to save on this page
    else:
        assert "Start from a prepared reply" in html
        assert "中文:" in html and "English:" in html
        assert "admin-canned.js" in html


def test_the_queue_counts_down_and_leads_to_the_next_appeal(
    staff_client, appeal, creator, django_capture_on_commit_callbacks
):
    Appeal.objects.filter(pk=appeal.pk).update(due_at=timezone.now() - timedelta(hours=5))
    queue = staff_client.get("/admin/appeals/appeal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Overdue by 5" in queue
    other = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.appeal_file(decision=other, appellant=creator, reason="Also mine.")
    page = staff_client.get(f"/admin/appeals/appeal/{appeal.pk}/decide/").content.decode()
    assert f'href="/admin/appeals/appeal/{second.pk}/decide/"' in page
