"""The one way to start background work: by task name, after the surrounding transaction commits.

A task enqueued before commit could run before its rows exist (or after they were rolled back).
Naming the task instead of importing it keeps services free of import circles with the task
modules that call them. Without a broker (the embedded default) the task runs in-process, eagerly,
right after the commit.
"""

from __future__ import annotations

from importlib import import_module

from django.db import transaction


def enqueue_on_commit(task_name: str, *args: object) -> None:
    """Send ``task_name(*args)`` once the current transaction commits; args are ids or plain JSON."""

    module_name, _dot, attribute = task_name.rpartition(".")
    # Imported when the work is sent, not when the calling module loads: no import circle.
    task = getattr(import_module(module_name), attribute)

    def send() -> None:
        task.delay(*args)

    transaction.on_commit(send)
