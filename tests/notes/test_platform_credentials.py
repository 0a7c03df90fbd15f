"""Content Credentials kept and extended: served copies of an image that carried a manifest get a
platform manifest naming the upload as its parentOf ingredient, recording the platform's actions and
its label decision; a missing or expired certificate never fails a page."""

from __future__ import annotations

import io
import json
import logging

import c2pa
import pytest

from appeals import services as ledger
from appeals.models import Automation, Decision
from notes import credentials
from notes.models import NoteImage
from notes.provenance.reader import scan
from notes.services.copies import image_display_credentials_sync
from tests.notes.test_credentials_panel import _published_with
from tests.provenance.conftest import FIXTURES
from tests.support import require


def _publish(creator, data: bytes, *, degree: str = "generated"):
    note = _published_with(creator, data, degree=degree)
    return note, NoteImage.objects.get(note=note)


def _signed_upload() -> bytes:
    require(FIXTURES.is_dir(), "the shared provenance fixtures are missing")
    return (FIXTURES / "c2pa_generated/c2pa_signed_trained_algorithmic.jpg").read_bytes()


def _manifests(data: bytes) -> dict:
    with c2pa.Reader("image/jpeg", io.BytesIO(data)) as reader:
        return json.loads(reader.json())


@pytest.mark.django_db
def test_a_download_carries_the_platform_manifest_with_the_upload_as_its_parent(
    client, creator, platform_cert
):
    note, image = _publish(creator, _signed_upload())
    data = b"".join(
        client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/").streaming_content
    )
    report = _manifests(data)
    active = report["manifests"][report["active_manifest"]]
    assert active["claim_generator_info"][0]["name"] == "Sunlight"
    (parent,) = active["ingredients"]
    assert parent["relationship"] == "parentOf"
    upload = report["manifests"][parent["active_manifest"]]
    assert upload["claim_generator_info"][0]["name"] == "provenance-research-fixture"
    assertions = {a["label"]: a["data"] for a in active["assertions"]}
    actions = [a["action"] for a in assertions["c2pa.actions.v2"]["actions"]]
    assert actions == ["c2pa.opened", "c2pa.transcoded", "c2pa.edited.metadata"]
    assert assertions[credentials.LABEL_ASSERTION] == {
        "note": str(note.public_id),
        "label": "declared",
        "labelled_by": "Sunlight",
    }
    # Our own reader follows the chain: the copy is still a generated image, not "edited".
    result = scan(data)
    assert (result.tier, result.kind) == ("confirmed", "generated")


@pytest.mark.django_db
def test_the_display_copy_is_signed_and_signed_again_when_the_label_changes(creator, staff, platform_cert):
    note, image = _publish(creator, _signed_upload(), degree="none")
    assert image_display_credentials_sync(image_id=image.pk) is True
    image.refresh_from_db()
    first_name, first_key = image.display.name, image.display_key
    with image.display.open("rb") as handle:
        label = {a["label"]: a["data"] for a in _manifest_assertions(handle.read())}[
            credentials.LABEL_ASSERTION
        ]
    assert label["label"] == "none"
    assert image_display_credentials_sync(image_id=image.pk) is False  # same state: nothing to do
    ledger.decision_create(
        subject_owner=creator,
        subject_type=Decision.SubjectType.NOTE,
        subject_id=note.public_id,
        subject_title=note.title,
        kind=Decision.Kind.LABEL_CONFIRMED,
        statement=ledger.Statement(
            summary="A confirmed AI label was added.",
            facts="The file's signed credentials say it was generated.",
            rule_code=Decision.RuleCode.AI_LABEL_MISSING,
            automated_detection=Automation.FULLY,
            automated_decision=Automation.FULLY,
        ),
    )
    assert image_display_credentials_sync(image_id=image.pk) is True
    image.refresh_from_db()
    assert image.display_key != first_key and image.display.name != first_name
    with image.display.open("rb") as handle:
        label = {a["label"]: a["data"] for a in _manifest_assertions(handle.read())}[
            credentials.LABEL_ASSERTION
        ]
    assert label["label"] == "confirmed"


def _manifest_assertions(data: bytes) -> list[dict]:
    report = _manifests(data)
    return report["manifests"][report["active_manifest"]]["assertions"]


@pytest.mark.django_db
def test_an_upload_without_credentials_gets_none_added(client, creator, platform_cert):
    require(FIXTURES.is_dir(), "the shared provenance fixtures are missing")
    note, image = _publish(
        creator, (FIXTURES / "synthetic/stripped_reencoded.jpg").read_bytes(), degree="none"
    )
    data = b"".join(
        client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/").streaming_content
    )
    assert c2pa.Reader.try_create("image/jpeg", io.BytesIO(data)) is None
    assert image_display_credentials_sync(image_id=image.pk) is False


@pytest.mark.django_db
def test_a_missing_or_expired_certificate_serves_the_copy_unsigned_and_says_why(
    client, creator, settings, tmp_path, caplog
):
    settings.SUNLIGHT_C2PA = {"cert": str(tmp_path / "gone.pem"), "key": str(tmp_path / "gone.key")}
    credentials._load.cache_clear()
    note, image = _publish(creator, _signed_upload())
    with caplog.at_level(logging.ERROR, logger="notes.credentials"):
        response = client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert c2pa.Reader.try_create("image/jpeg", io.BytesIO(data)) is None  # the upload's was removed too
    assert "certificate could not be read" in caplog.text
    credentials._load.cache_clear()


def test_the_embedded_default_makes_a_development_certificate_and_says_it_is_not_for_production(
    settings, tmp_path, caplog
):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    settings.SUNLIGHT_C2PA = {"cert": "", "key": ""}
    credentials._load.cache_clear()
    with caplog.at_level(logging.WARNING, logger="notes.credentials"):
        signer = credentials.platform_signer()
    assert signer is not None and signer.development
    assert (tmp_path / "c2pa-dev" / "platform-chain.pem").exists()
    assert "not for production" in caplog.text
    settings.DEBUG = False
    credentials._load.cache_clear()
    assert credentials.platform_signer() is None  # production: never a made-up certificate


@pytest.mark.django_db
def test_an_expired_certificate_is_noticed_and_copies_go_unsigned(settings, tmp_path, caplog):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    chain, key = credentials._dev_certificate(tmp_path / "cert")
    settings.SUNLIGHT_C2PA = {"cert": str(chain), "key": str(key)}
    credentials._load.cache_clear()
    with time_machine.travel(timezone.now() + timedelta(days=900)), caplog.at_level(logging.ERROR):
        assert credentials.platform_signer() is None
    assert "the certificate is valid from" in caplog.text
    credentials._load.cache_clear()


def test_the_creator_reads_who_passed_a_label_on():
    from notes.evidence_text import describe
    from notes.models import ProvenanceSignal

    signal = ProvenanceSignal(
        kind="aigc",
        location="xmp:TC260:AIGC",
        value="{}",
        tier="confirmed",
        ai="generated",
        details={
            "label": "1",
            "producer": "PRODUCER-1",
            "propagator": "PLATFORM-X",
            "propagate_id": "note-9",
        },
    )
    from django.utils import translation

    with translation.override("en"):
        text = describe(signal, 1)
    assert "producer code PRODUCER-1" in text and "passed on by PLATFORM-X (propagation id note-9)" in text


def _upload_with_gps() -> bytes:
    from tests.provenance.test_reader_derivation import DST, _jpeg, _signer

    manifest = {
        "claim_generator_info": [{"name": "ExampleCam", "version": "1"}],
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}
                    ]
                },
            },
            {
                "label": "stds.exif",
                "data": {
                    "@context": {"exif": "http://ns.adobe.com/exif/1.0/"},
                    "exif:GPSLatitude": "39,21.102N",
                    "exif:GPSLongitude": "74,26.5737W",
                },
            },
        ],
    }
    out = io.BytesIO()
    with c2pa.Builder(json.dumps(manifest)) as builder:
        builder.sign(_signer(), "image/jpeg", io.BytesIO(_jpeg(3)), out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_uploads_location_in_its_credentials_is_redacted_from_served_copies(
    client, creator, platform_cert
):
    upload = _upload_with_gps()
    assert b"39,21.102N" in upload
    note, image = _publish(creator, upload)
    data = b"".join(
        client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/").streaming_content
    )
    assert b"39,21.102N" not in data and b"GPSLatitude" not in data
    report = _manifests(data)
    actions = [
        a["action"]
        for a in {
            x["label"]: x["data"] for x in report["manifests"][report["active_manifest"]]["assertions"]
        }["c2pa.actions.v2"]["actions"]
    ]
    assert "c2pa.redacted" in actions
    with c2pa.Reader("image/jpeg", io.BytesIO(data)) as reader:
        assert reader.get_validation_state() == "Valid"


@pytest.mark.django_db
def test_a_failed_signing_is_not_served_for_good(client, creator, platform_cert, monkeypatch):
    note, image = _publish(creator, _signed_upload())
    url = f"/notes/{note.public_id}/images/{image.public_id}/download/"
    real = c2pa.Builder.sign

    def broken(self: object, *args: object, **kwargs: object) -> bytes:
        raise c2pa.C2paError("signing service down")

    monkeypatch.setattr(c2pa.Builder, "sign", broken)
    unsigned = b"".join(client.get(url).streaming_content)
    assert c2pa.Reader.try_create("image/jpeg", io.BytesIO(unsigned)) is None
    monkeypatch.setattr(c2pa.Builder, "sign", real)
    signed = b"".join(client.get(url).streaming_content)
    assert _manifests(signed)["active_manifest"]


@pytest.mark.django_db
def test_without_a_certificate_a_signed_display_copy_goes_back_to_unsigned(creator, settings, platform_cert):
    note, image = _publish(creator, _signed_upload(), degree="none")
    assert image_display_credentials_sync(image_id=image.pk) is True
    settings.SUNLIGHT_C2PA = {"cert": "", "key": ""}
    credentials._load.cache_clear()
    assert image_display_credentials_sync(image_id=image.pk) is True
    image.refresh_from_db()
    assert image.display_key == ""
    with image.display.open("rb") as handle:
        assert c2pa.Reader.try_create("image/jpeg", io.BytesIO(handle.read())) is None


@pytest.mark.django_db
def test_label_changes_queue_a_display_refresh_only_when_there_is_something_to_refresh(
    creator, platform_cert
):
    from core.models import OutboxTask
    from notes.services.effects import note_effects_sync

    note, image = _publish(creator, _signed_upload(), degree="none")
    OutboxTask.objects.all().delete()
    note_effects_sync(note=note)
    assert OutboxTask.objects.filter(task="notes.tasks.sign_display").count() == 1  # never signed yet
    image_display_credentials_sync(image_id=image.pk)
    OutboxTask.objects.all().delete()
    note_effects_sync(note=note)
    assert not OutboxTask.objects.filter(task="notes.tasks.sign_display").exists()  # nothing changed
