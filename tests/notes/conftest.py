from __future__ import annotations

import pytest

from notes import services
from notes.models import Note
from tests.images import jpeg_bytes, png_bytes


def make_draft(author, *, images: int = 2, title: str = "Morning at the lake") -> Note:
    note = services.note_create(
        author=author, title=title, body="Fog, then *sun*.", topics=["travel", "lakes"]
    )
    for index in range(images):
        data = jpeg_bytes(color=(index * 40, 90, 140)) if index % 2 == 0 else png_bytes()
        services.note_image_add(note=note, acting_user=author, data=data, filename=f"photo{index + 1}.jpg")
    return note


def declare(note: Note, *, degree: str = "assisted", text: str = "none", images: list[str] | None = None):
    image_list = list(note.images.order_by("position"))
    degrees = images or [degree] * len(image_list)
    return services.note_declare(
        note=note,
        acting_user=note.author,
        declaration=services.DeclarationInput(
            degree=degree,
            text_degree=text,
            image_degrees={str(i.public_id): d for i, d in zip(image_list, degrees, strict=True)},
            tools=("Photoshop Generative Fill",),
            usage_note="Removed a lamp post.",
        ),
    )


def make_published(author, **kwargs) -> Note:
    note = make_draft(author, **kwargs)
    declare(note)
    return services.note_publish(note=note, acting_user=author)


@pytest.fixture
def draft(creator) -> Note:
    return make_draft(creator)


@pytest.fixture
def platform_cert(settings, tmp_path):
    """A development signing certificate for the platform's Content Credentials."""
    from notes import credentials

    chain, key = credentials._dev_certificate(tmp_path / "cert")
    settings.SUNLIGHT_C2PA = {"cert": str(chain), "key": str(key)}
    credentials._load.cache_clear()
    yield chain, key
    credentials._load.cache_clear()
