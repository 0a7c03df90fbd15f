"""One request makes a costly file; concurrent first requests wait for it instead of making it too."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


@contextmanager
def render_once(key: str, *, seconds: int, made: Callable[[], T | None]) -> Iterator[T | None]:
    """Yield None to the request that should make the file (it holds a cache lock meanwhile), or what
    ``made()`` returns once another request has made it. A waiter gives up after ``seconds`` and
    makes it itself; only the request that took the lock frees it."""
    owner = cache.add(key, 1, timeout=seconds)
    # None: the shared cache is unreachable (its errors are ignored): make the file here, do not wait.
    if owner is False:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(0.2)
            done = made()
            if done is not None:
                yield done
                return
    try:
        yield None
    finally:
        if owner:
            cache.delete(key)
