"""A worker killed in the middle of a scan leaves nothing half done, and the retry completes it."""

from __future__ import annotations

import os
import shutil
import signal
import time

import pytest

from notes import services
from notes.models import ImageScan, ProvenanceSignal
from notes.tasks import scan_image
from tests.images import a1111_png_bytes
from tests.support import wait_for

pytestmark = pytest.mark.integration


def test_a_killed_worker_leaves_no_half_state_and_the_redelivery_completes(celery_workers, creator, tmp_path):
    first = celery_workers.start(CELERY_VISIBILITY_TIMEOUT="2")
    note = services.note_create(author=creator, title="Interrupted")
    image = services.note_image_add(note=note, acting_user=creator, data=a1111_png_bytes(), filename="a.png")
    wait_for(lambda: ImageScan.objects.filter(image=image, status="done").exists())

    # Start over with the scan, and make the original unreadable until we say so: a FIFO
    # blocks the worker inside the task, deterministically, where a real read would be.
    ImageScan.objects.filter(image=image).delete()
    ProvenanceSignal.objects.filter(image=image).delete()
    path = image.original.path
    kept = tmp_path / "original.bin"
    shutil.move(path, kept)
    os.mkfifo(path)

    result = scan_image.delay(image.pk)
    wait_for(lambda: f"scan_image[{result.id}] received" in first.log.read_text())
    time.sleep(0.5)
    os.kill(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)

    assert not ImageScan.objects.filter(image=image).exists()
    assert not ProvenanceSignal.objects.filter(image=image).exists()

    os.remove(path)
    shutil.move(kept, path)
    second = celery_workers.start(CELERY_VISIBILITY_TIMEOUT="2", CELERY_UNACKED_RESTORE_INTERVAL="1")
    wait_for(lambda: ImageScan.objects.filter(image=image, status="done").exists(), timeout=90)
    scan = ImageScan.objects.get(image=image)
    assert (scan.tier, scan.kind) == ("suspected", "generated")
    assert ProvenanceSignal.objects.filter(image=image).count() == 1
    assert f"scan_image[{result.id}]" in second.log.read_text()
