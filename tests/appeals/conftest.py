from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from appeals.models import Decision
from notes import services
from tests.images import a1111_png_bytes
from tests.notes.conftest import declare


def labelled_note_decision(author, capture) -> Decision:
    """A published note whose undeclared generator image got a suspected label by decision."""
    note = services.note_create(author=author, title="Harbour sketch")
    with capture(execute=True):
        services.note_image_add(note=note, acting_user=author, data=a1111_png_bytes(), filename="harbour.png")
        declare(note, degree="none")
        services.note_publish(note=note, acting_user=author)
    return Decision.objects.get(subject_id=note.public_id)


@pytest.fixture
def decision(creator, django_capture_on_commit_callbacks) -> Decision:
    return labelled_note_decision(creator, django_capture_on_commit_callbacks)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
