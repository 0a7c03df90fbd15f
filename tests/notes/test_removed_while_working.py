"""A note deleted while a worker or a download is busy with one of its images: the work ends quietly,
writes nothing and the reader gets a "not found", never an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from notes import scanning
from notes.models import ImageScan, Note, NoteImage
from notes.services import copies, images
from notes.services.copies import image_display_credentials_sync
from tests.notes.test_platform_credentials import _publish, _signed_upload
from tests.provenance.conftest import FIXTURES
from tests.support import require

pytestmark = pytest.mark.django_db


def _stored_files() -> set[Path]:
    roots = (Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    return {path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()}


def _deleting_first(monkeypatch, module, name: str, note: Note) -> None:
    """Replace ``module.name`` with a call that deletes the note, then does the real work."""
    real = getattr(module, name)

    def deleting(*args: object, **kwargs: object) -> object:
        Note.objects.filter(pk=note.pk).delete()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, deleting)


def test_a_scan_of_an_image_removed_while_it_was_read_stores_nothing(monkeypatch, creator):
    require(FIXTURES.is_dir(), "the shared provenance fixtures are missing")
    note, image = _publish(creator, _signed_upload())
    ImageScan.objects.filter(image=image).delete()
    _deleting_first(monkeypatch, scanning.provenance, "scan", note)

    assert scanning.image_scan(image_id=image.pk) is None
    assert not NoteImage.objects.filter(pk=image.pk).exists()
    assert not ImageScan.objects.exists()


def test_a_display_copy_signed_for_an_image_removed_meanwhile_is_never_written(
    monkeypatch, creator, platform_cert
):
    note, image = _publish(creator, _signed_upload(), degree="none")
    before = _stored_files()
    _deleting_first(monkeypatch, copies.media, "process_image", note)

    assert image_display_credentials_sync(image_id=image.pk) is False
    assert _stored_files() == before


def test_a_download_of_an_image_removed_while_it_was_rendered_is_not_found(monkeypatch, client, creator):
    require(FIXTURES.is_dir(), "the shared provenance fixtures are missing")
    note, image = _publish(creator, _signed_upload())
    before = _stored_files()
    _deleting_first(monkeypatch, images.propagation, "render_download", note)

    response = client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/")
    assert response.status_code == 404
    assert _stored_files() == before


def test_a_download_whose_files_went_with_the_note_meanwhile_is_not_found(monkeypatch, client, creator):
    """The deletion committed and its files were removed while the copy was rendered: a 404, not a 500."""
    require(FIXTURES.is_dir(), "the shared provenance fixtures are missing")
    note, image = _publish(creator, _signed_upload())
    real = images.propagation.render_download

    def files_gone_first(*args: object, **kwargs: object) -> object:
        Path(image.original.path).unlink()
        return real(*args, **kwargs)

    monkeypatch.setattr(images.propagation, "render_download", files_gone_first)
    response = client.get(f"/notes/{note.public_id}/images/{image.public_id}/download/")
    assert response.status_code == 404
