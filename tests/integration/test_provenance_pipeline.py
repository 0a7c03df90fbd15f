from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appeals.models import Decision
from notes.models import ImageScan, Label, Note
from tests.images import a1111_png_bytes, jpeg_bytes
from tests.support import wait_for

pytestmark = pytest.mark.integration


def test_a_real_worker_scans_uploads_and_labels_undeclared_ai(celery_worker, client, creator):
    client.force_login(creator)
    client.post("/notes/new/", {"title": "Lighthouse", "body": "", "topics": ""})
    note = Note.objects.get(title="Lighthouse")
    response = client.post(
        f"/notes/{note.public_id}/images/",
        {
            "images": [
                SimpleUploadedFile("a.jpg", jpeg_bytes()),
                SimpleUploadedFile("b.png", a1111_png_bytes()),
            ]
        },
    )
    assert response.status_code == 302

    # The web request only enqueued the scans; the worker process reads the originals.
    wait_for(lambda: ImageScan.objects.filter(image__note=note, status="done").count() == 2)
    assert client.get(f"/notes/{note.public_id}/scan-status/").json() == {"pending": 0, "images": 2}
    html = client.get(f"/notes/{note.public_id}/edit/").content.decode()
    assert "written by an AUTOMATIC1111-compatible Stable Diffusion tool, in the PNG text field" in html

    images = list(note.images.order_by("position"))
    client.post(
        f"/notes/{note.public_id}/declaration/",
        {
            "degree": "none",
            f"image_{images[0].public_id.hex}": "none",
            f"image_{images[1].public_id.hex}": "none",
        },
    )
    assert client.post(f"/notes/{note.public_id}/publish/").status_code == 302

    wait_for(lambda: Label.objects.filter(note=note, tier="suspected").exists())
    decision = Decision.objects.get(subject_id=note.public_id)
    assert decision.kind == "label_suspected" and decision.automated_decision
    assert (
        "scan_image" in celery_worker.log.read_text() and "apply_provenance" in celery_worker.log.read_text()
    )
    html = client.get(f"/notes/{note.public_id}/").content.decode()
    assert "Suspected AI-generated content" in html
