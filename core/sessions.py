"""Sessions read from the shared cache, kept in the database.

Django's ``cached_db`` store, with one change: the cached copy lives at most ``CACHE_SECONDS``. The
shared cache ignores its own errors (a Redis outage is a miss, never a 500), so a sign-out during an
outage deletes the database row but may fail to delete the cached copy; bounded, that copy cannot
sign anyone back in for longer than a few minutes after Redis returns. Active sessions cost one
database read per ``CACHE_SECONDS``.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.contrib.sessions.backends.db import SessionStore as DbStore

logger = logging.getLogger("django.contrib.sessions")

CACHE_SECONDS = 300


class SessionStore(CachedDbStore):
    def _cache_seconds(self, expiry: object = None) -> int:
        age = self.get_expiry_age(expiry=expiry) if expiry is not None else self.get_expiry_age()
        return max(0, min(age, CACHE_SECONDS))

    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # an invalid key or an unreachable cache: read the database
            data = None
        if data is None:
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            try:
                self._cache.set(self.cache_key, data, self._cache_seconds(stored.expire_date))
            except Exception:
                logger.warning("session not cached: the shared cache is unreachable")
        return data

    def save(self, must_create: bool = False) -> None:
        DbStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self._cache_seconds())
        except Exception:
            logger.warning("session not cached: the shared cache is unreachable")

    def delete(self, session_key: str | None = None) -> None:
        DbStore.delete(self, session_key)
        key = session_key or self.session_key
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:  # the database row is gone; the cached copy expires within CACHE_SECONDS
            logger.warning(
                "signed-out session still cached until it expires: the shared cache is unreachable"
            )
