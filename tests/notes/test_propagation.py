from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from appeals import services as appeal_services
from appeals.models import Decision
from notes import services
from notes.models import Label
from notes.provenance import scan
from tests.factories import DecisionFactory
from tests.images import a1111_png_bytes, jpeg_bytes
from tests.notes.conftest import declare
from tests.provenance.conftest import FIXTURES
from tests.support import require

pytestmark = pytest.mark.django_db


def _publish(creator, capture, images: list[bytes], degrees: list[str]):
    note = services.note_create(author=creator, title="Propagated")
    with capture(execute=True) if capture else nullcontext():
        for index, data in enumerate(images):
            services.note_image_add(note=note, acting_user=creator, data=data, filename=f"{index}")
        overall = "generated" if "generated" in degrees else ("assisted" if "assisted" in degrees else "none")
        declare(note, degree=overall, text="none", images=degrees)
        services.note_publish(note=note, acting_user=creator)
    return note


def _aigc_of(data: bytes):
    return [s for s in scan(data).signals if s.kind == "aigc"]


def test_a_labelled_download_names_the_platform_as_propagator(
    client, creator, settings, django_capture_on_commit_callbacks
):
    settings.SUNLIGHT_PROPAGATOR_CODE = "SUNLIGHT-TEST-0001"
    note = _publish(
        creator, django_capture_on_commit_callbacks, [jpeg_bytes(), a1111_png_bytes()], ["assisted", "none"]
    )
    declared, suspected = note.images.order_by("position")

    response = client.get(f"/notes/{note.public_id}/images/{declared.public_id}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]
    (aigc,) = _aigc_of(b"".join(response.streaming_content))
    assert aigc.details["label"] == "2"  # declared
    assert aigc.details["propagator"] == "SUNLIGHT-TEST-0001"
    assert aigc.details["propagate_id"] == str(note.public_id)

    # The undeclared generator image was labelled "suspected" by a decision: Label 3.
    response = client.get(f"/notes/{note.public_id}/images/{suspected.public_id}/download/")
    assert response["Content-Type"] == "image/png"
    (aigc,) = _aigc_of(b"".join(response.streaming_content))
    assert aigc.details["label"] == "3"


def test_an_unlabelled_image_is_served_without_an_aigc_label_and_without_exif(
    client, creator, django_capture_on_commit_callbacks
):
    note = _publish(creator, django_capture_on_commit_callbacks, [jpeg_bytes(gps=True)], ["none"])
    image = note.images.get()
    response = client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/")
    body = b"".join(response.streaming_content)
    assert body[:2] == b"\xff\xd8" and _aigc_of(body) == []
    assert b"SERIAL-0123456" not in body


def test_downloads_of_drafts_and_strangers_images_are_404(client, creator, outsider):
    note = services.note_create(author=creator, title="Draft")
    image = services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="a")
    url = f"/notes/{note.public_id}/images/{image.public_id}/download/"
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    other = services.note_create(author=outsider, title="Other")
    assert client.get(f"/notes/{other.public_id}/images/{image.public_id}/download/").status_code == 404


def test_an_overturned_confirmed_label_leaves_the_download_unlabelled(
    client, creator, staff, django_capture_on_commit_callbacks
):
    """The propagation label follows the decisions in force, not the scan (issue: ledger)."""
    require(FIXTURES.is_dir(), "shared provenance fixtures missing")
    data = (FIXTURES / "c2pa_real/c2pa-rs_ocsp_firefly_photoshop.jpg").read_bytes()
    note = _publish(creator, django_capture_on_commit_callbacks, [data], ["none"])
    image = note.images.get()
    url = f"/notes/{note.public_id}/images/{image.public_id}/download/"
    (aigc,) = _aigc_of(b"".join(client.get(url).streaming_content))
    assert aigc.details["label"] == "1"  # confirmed by a decision in force

    decision = Decision.objects.get(subject_id=note.public_id, kind="label_confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = appeal_services.appeal_file(decision=decision, appellant=creator, reason="I painted it.")
        appeal_services.appeal_decide(
            appeal=appeal, outcome="overturned", acting_user=staff, reply="The layers show your work."
        )
    assert not Label.objects.filter(note=note).exists()
    assert image.scan.tier == "confirmed"  # the scan still says so; the ledger decides
    assert _aigc_of(b"".join(client.get(url).streaming_content)) == []


def test_an_expired_label_leaves_the_download_unlabelled_before_the_task_runs(client, creator):
    note = _publish(creator, None, [jpeg_bytes()], ["none"])
    image = note.images.get()
    DecisionFactory(
        subject_owner=creator,
        subject_id=note.public_id,
        subject_title=note.title,
        kind="label_suspected",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    url = f"/notes/{note.public_id}/images/{image.public_id}/download/"
    assert _aigc_of(b"".join(client.get(url).streaming_content))[0].details["label"] == "3"
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert _aigc_of(b"".join(client.get(url).streaming_content)) == []


def test_a_download_is_rendered_once_per_label_state_and_the_stale_file_removed(
    client, creator, django_capture_on_commit_callbacks, monkeypatch
):
    from notes import propagation

    note = _publish(creator, django_capture_on_commit_callbacks, [jpeg_bytes()], ["none"])
    image = note.images.get()
    url = f"/notes/{note.public_id}/images/{image.public_id}/download/"
    renders = []
    real_render = propagation.render_download
    monkeypatch.setattr(propagation, "render_download", lambda **kw: renders.append(1) or real_render(**kw))
    first = b"".join(client.get(url).streaming_content)
    assert b"".join(client.get(url).streaming_content) == first and len(renders) == 1
    image.refresh_from_db()
    unlabelled_path = Path(image.download.path)

    with django_capture_on_commit_callbacks(execute=True):
        DecisionFactory(subject_owner=creator, subject_id=note.public_id, kind="label_suspected")
        labelled = b"".join(client.get(url).streaming_content)
    assert _aigc_of(labelled)[0].details["label"] == "3" and len(renders) == 2
    assert not unlabelled_path.exists()  # the stale rendering is gone


def test_downloads_are_rate_limited(client, creator, monkeypatch, django_capture_on_commit_callbacks):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "downloads": "3/hour"}
    )
    note = _publish(creator, django_capture_on_commit_callbacks, [jpeg_bytes()], ["none"])
    url = f"/notes/{note.public_id}/images/{note.images.get().public_id}/download/"
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Retry-After" in client.get(url)
