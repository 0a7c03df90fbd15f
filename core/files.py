"""Files written alongside database rows: never an orphan, whichever side fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
