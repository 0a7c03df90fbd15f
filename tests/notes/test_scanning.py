from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Notification
from appeals.models import Decision
from notes import scanning, services
from notes.models import ImageScan, Label, Note, ProvenanceSignal
from tests.images import a1111_png_bytes, jpeg_bytes
from tests.notes.conftest import declare
from tests.provenance.conftest import FIXTURES
from tests.support import require

pytestmark = pytest.mark.django_db


def _note_with(creator, capture, *images: bytes) -> Note:
    note = services.note_create(author=creator, title="Lighthouse at dusk")
    with capture(execute=True):
        for index, data in enumerate(images):
            services.note_image_add(note=note, acting_user=creator, data=data, filename=f"img{index + 1}")
    return note


def test_uploads_are_scanned_and_their_signals_stored(creator, django_capture_on_commit_callbacks):
    note = _note_with(creator, django_capture_on_commit_callbacks, jpeg_bytes(), a1111_png_bytes())
    first, second = note.images.order_by("position")
    assert (first.scan.status, first.scan.tier) == ("done", "none")
    assert (second.scan.status, second.scan.tier, second.scan.kind) == ("done", "suspected", "generated")
    signal = ProvenanceSignal.objects.get(image=second)
    assert (signal.kind, signal.location, signal.details["generator"]) == (
        "generator",
        "png:parameters",
        "AUTOMATIC1111-compatible",
    )
    # Scanning the same bytes again changes nothing.
    before = list(ProvenanceSignal.objects.values_list("pk", flat=True))
    scanning.image_scan(image_id=second.pk)
    assert list(ProvenanceSignal.objects.values_list("pk", flat=True)) == before


def test_undeclared_ai_is_labelled_by_a_reasoned_automated_decision(
    creator, django_capture_on_commit_callbacks
):
    creator.language = "en"
    creator.save(update_fields=["language"])
    note = _note_with(creator, django_capture_on_commit_callbacks, jpeg_bytes(), a1111_png_bytes())
    declare(note, degree="none")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.note_publish(note=note, acting_user=creator)
    assert callbacks  # the provenance task (and then the notification) ran after commit

    note.refresh_from_db()
    assert note.evidence_shown["images"] == [{"position": 2, "tier": "suspected", "kind": "generated"}]
    decision = Decision.objects.get()
    assert (decision.kind, decision.state, decision.subject_id) == (
        "label_suspected",
        "in_force",
        note.public_id,
    )
    assert decision.automated_detection and decision.automated_decision
    assert "AUTOMATIC1111" in decision.facts and "image(s) 2" in decision.summary
    label = Label.objects.get(note=note)
    assert (label.tier, label.kind, label.source, label.decision_id) == (
        "suspected",
        "generated",
        "detection",
        decision.pk,
    )

    notification = Notification.objects.get(recipient=creator)
    assert notification.url == f"/appeals/decisions/{decision.public_id}/"
    (message,) = mail.outbox
    assert message.to == [creator.email]
    assert "AUTOMATIC1111" in message.body and f"/appeals/decisions/{decision.public_id}/" in message.body
    assert message.alternatives[0][1] == "text/html"

    # The task may run again (a retry, a redelivery): no second decision, no second label.
    scanning.note_provenance_apply(note_id=note.pk)
    assert Decision.objects.count() == 1 and Label.objects.filter(note=note).count() == 1


def test_the_statement_of_reasons_is_written_in_the_creators_language(
    creator, django_capture_on_commit_callbacks
):
    creator.language = "zh-hans"
    creator.save(update_fields=["language"])
    note = _note_with(creator, django_capture_on_commit_callbacks, a1111_png_bytes())
    declare(note, degree="none")
    with django_capture_on_commit_callbacks(execute=True):
        services.note_publish(note=note, acting_user=creator)
    decision = Decision.objects.get()
    assert "标识" in decision.summary
    assert "生成参数" in decision.facts
    assert "申诉" in mail.outbox[0].body


def test_declared_ai_gets_no_decision_but_the_evidence_is_kept(creator, django_capture_on_commit_callbacks):
    note = _note_with(creator, django_capture_on_commit_callbacks, a1111_png_bytes())
    declare(note, degree="generated", text="none", images=["generated"])
    with django_capture_on_commit_callbacks(execute=True):
        services.note_publish(note=note, acting_user=creator)
    assert not Decision.objects.exists()
    assert list(Label.objects.filter(note=note).values_list("tier", flat=True)) == ["declared"]
    (item,) = scanning.note_evidence(note=note)
    assert item["covered"] and item["tier"] == "suspected"
    assert Note.objects.get(pk=note.pk).evidence_shown is None


def test_content_credentials_confirm_and_name_the_signer(creator, django_capture_on_commit_callbacks):
    require(FIXTURES.is_dir(), "shared provenance fixtures missing")
    data = (FIXTURES / "c2pa_real/c2pa-rs_ocsp_firefly_photoshop.jpg").read_bytes()
    note = _note_with(creator, django_capture_on_commit_callbacks, data)
    # The original bytes were scanned, not the re-encoded display copy (which has no manifest).
    assert note.images.get().scan.tier == "confirmed"
    declare(note, degree="none")
    with django_capture_on_commit_callbacks(execute=True):
        services.note_publish(note=note, acting_user=creator)
    label = Label.objects.get(note=note)
    assert (label.tier, label.kind, label.source) == ("confirmed", "edited", "metadata")
    decision = Decision.objects.get()
    assert decision.kind == "label_confirmed"
    assert (
        "Adobe" in decision.facts and "Content Credentials" in decision.facts or "内容凭证" in decision.facts
    )


def test_a_scan_of_a_removed_image_is_a_no_op(creator, django_capture_on_commit_callbacks):
    note = services.note_create(author=creator, title="Gone")
    image = services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="a.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        services.note_image_remove(note=note, acting_user=creator, image_id=image.public_id)
    assert scanning.image_scan(image_id=image.pk) is None
    assert not ImageScan.objects.exists()


def test_the_api_shows_the_creator_what_was_found_in_plain_words(
    creator_api, creator, django_capture_on_commit_callbacks
):
    note = _note_with(creator, django_capture_on_commit_callbacks, a1111_png_bytes())
    (image,) = creator_api.get(f"/api/v1/notes/{note.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()[
        "images"
    ]
    assert image["scan"]["tier"] == "suspected"
    (signal,) = image["signals"]
    assert signal["location"] == "png:parameters"
    assert signal["description"] == (
        "图片 1 的 PNG 文本块“parameters”中含有由 AUTOMATIC1111 兼容的 Stable Diffusion 工具 写入的生成参数"
        "（AI图像生成工具的提示词和设置）。"
    )


def test_scan_status_is_only_for_the_author(client, creator, outsider):
    note = services.note_create(author=creator, title="Mine")
    services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="a")
    client.force_login(outsider)
    assert client.get(f"/notes/{note.public_id}/scan-status/").status_code == 404
    client.force_login(creator)
    # Tasks run after commit; in this test they never ran, so the scan is still pending.
    assert client.get(f"/notes/{note.public_id}/scan-status/").json() == {"pending": 1, "images": 1}


def test_readers_see_what_the_files_say_when_the_creator_declared_it(
    client, creator, django_capture_on_commit_callbacks
):
    note = _note_with(creator, django_capture_on_commit_callbacks, a1111_png_bytes())
    declare(note, degree="generated", text="none", images=["generated"])
    with django_capture_on_commit_callbacks(execute=True):
        services.note_publish(note=note, acting_user=creator)
    html = client.get(f"/notes/{note.public_id}/").content.decode()
    assert "What the files say" in html
    assert (
        "Image 1 contains generation parameters (the prompt and settings of an AI image generator) "
        "written by "
        "an AUTOMATIC1111-compatible Stable Diffusion tool, in the PNG text field parameters." in html
    )
