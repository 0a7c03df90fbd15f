"""Files written alongside database rows: never an orphan, whichever side fails."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile


class WrittenFiles:
    """The files one unit of work has written so far."""

    def __init__(self) -> None:
        self.items: list[tuple[Storage, str]] = []

    def add(self, field_file: FieldFile) -> None:
        self.items.append((field_file.storage, field_file.name))


@contextmanager
def deleted_on_failure() -> Iterator[WrittenFiles]:
    """Files are written before their row; if anything in the block fails (the transaction
    rolls back), every file written inside it is deleted again."""
    written = WrittenFiles()
    try:
        yield written
    except BaseException:
        for storage, name in written.items:
            storage.delete(name)
        raise


def delete_on_commit(*field_files: FieldFile) -> None:
    """Delete stored files once the transaction that removed their rows commits (a rollback keeps them)."""
    files = [(f.storage, f.name) for f in field_files if f and f.name]

    def delete() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete)


# How much of a stored file is read at a time when it is copied to a local file.
COPY_CHUNK = 1024 * 1024


@contextmanager
def local_copy(field_file: FieldFile, *, prefix: str) -> Iterator[Path]:
    """A temporary folder holding ``original``, a local copy of the stored file (FFmpeg reads paths,
    and the storage may be S3); the folder and whatever was written into it go afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        work = Path(folder)
        with field_file.open("rb") as handle, (work / "original").open("wb") as out:
            while chunk := handle.read(COPY_CHUNK):
                out.write(chunk)
        yield work


def copy_to(field_file: FieldFile, target: Path) -> None:
    with field_file.open("rb") as handle, target.open("wb") as out:
        while chunk := handle.read(COPY_CHUNK):
            out.write(chunk)


def replace_file(field_file: FieldFile, *, name: str, content: File, written: WrittenFiles) -> None:
    """Store ``content`` in place of the field's current file, inside the caller's transaction: the
    new file goes if the transaction fails (``written``), the old one once it commits."""
    stale = (field_file.storage, field_file.name) if field_file else None
    field_file.save(name, content, save=False)
    written.add(field_file)
    if stale is not None:
        storage, old_name = stale
        transaction.on_commit(lambda: storage.delete(old_name))
