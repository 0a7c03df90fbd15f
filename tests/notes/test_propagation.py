from __future__ import annotations

import pytest

from notes import services
from notes.provenance import scan
from tests.images import a1111_png_bytes, jpeg_bytes
from tests.notes.conftest import declare

pytestmark = pytest.mark.django_db


def _publish(creator, capture, images: list[bytes], degrees: list[str]):
    note = services.note_create(author=creator, title="Propagated")
    with capture(execute=True):
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
    (aigc,) = _aigc_of(response.content)
    assert aigc.details["label"] == "2"  # declared
    assert aigc.details["propagator"] == "SUNLIGHT-TEST-0001"
    assert aigc.details["propagate_id"] == str(note.public_id)

    # The undeclared generator image was labelled "suspected" by a decision: Label 3.
    response = client.get(f"/notes/{note.public_id}/images/{suspected.public_id}/download/")
    assert response["Content-Type"] == "image/png"
    (aigc,) = _aigc_of(response.content)
    assert aigc.details["label"] == "3"


def test_an_unlabelled_image_is_served_without_an_aigc_label_and_without_exif(
    client, creator, django_capture_on_commit_callbacks
):
    note = _publish(creator, django_capture_on_commit_callbacks, [jpeg_bytes(gps=True)], ["none"])
    image = note.images.get()
    response = client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/")
    assert _aigc_of(response.content) == []
    assert b"SERIAL-0123456" not in response.content


def test_downloads_of_drafts_and_strangers_images_are_404(client, creator, outsider):
    note = services.note_create(author=creator, title="Draft")
    image = services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="a")
    url = f"/notes/{note.public_id}/images/{image.public_id}/download/"
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    other = services.note_create(author=outsider, title="Other")
    assert client.get(f"/notes/{other.public_id}/images/{image.public_id}/download/").status_code == 404
