"""The broker down at publish time: the creator's request succeeds, and no promised work is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import OutboxTask
from core.tasks import resend_outbox
from notes.models import ImageScan, Label, Note
from portal.celery import app
from tests.images import a1111_png_bytes
from tests.integration.conftest import REDIS_URL, _reset_celery_clients
from tests.support import wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def fail_fast_publishing():
    saved = {key: app.conf[key] for key in ("broker_connection_timeout", "task_publish_retry")}
    app.conf.update(broker_connection_timeout=1, task_publish_retry=False)
    yield
    app.conf.update(saved)


def test_uploads_and_publishing_survive_a_broker_outage_and_the_work_runs_when_it_is_back(
    celery_workers, fail_fast_publishing, client, creator
):
    # The broker is unreachable: nothing listens on port 1.
    app.conf.update(broker_url="redis://127.0.0.1:1/0")
    _reset_celery_clients()
    client.force_login(creator)
    client.post("/notes/new/", {"title": "Outage", "body": "", "topics": ""})
    note = Note.objects.get(title="Outage")
    response = client.post(
        f"/notes/{note.public_id}/images/", {"images": [SimpleUploadedFile("g.png", a1111_png_bytes())]}
    )
    assert response.status_code == 302  # the upload is stored; its scan is promised, not lost
    image = note.images.get()
    client.post(
        f"/notes/{note.public_id}/declaration/", {"degree": "none", f"image_{image.public_id.hex}": "none"}
    )
    assert client.post(f"/notes/{note.public_id}/publish/").status_code == 302
    note.refresh_from_db()
    assert note.state == "published"
    assert ImageScan.objects.get(image=image).status == "pending"
    assert set(OutboxTask.objects.values_list("task", flat=True)) >= {
        "notes.tasks.scan_image",
        "notes.tasks.apply_provenance",
    }

    # The broker is back, a worker runs, and the scheduler's sweep hands the promised work over.
    app.conf.update(broker_url=REDIS_URL)
    _reset_celery_clients()
    celery_workers.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        assert resend_outbox() >= 2
    assert not OutboxTask.objects.filter(task__startswith="notes.tasks").exists()
    wait_for(lambda: ImageScan.objects.get(image=image).status == "done")
    wait_for(lambda: Label.objects.filter(note=note, tier="suspected").exists())
