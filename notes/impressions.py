"""Impressions: a note shown on a feed page or opened counts once per viewer per day.

Recording never writes to the database. With Redis (``SUNLIGHT_IMPRESSIONS_REDIS_URL``, by default
the shared cache's Redis) one Lua script per page adds the viewer to a set per note and day and,
when the viewer is new, increments a pending counter for (day, note, source); sets expire after two
days. Without Redis (the embedded default) the same happens in process memory. Either way
``impressions_flush`` — the traffic task every minute, and the traffic page before it reads —
moves the pending counters into ``ImpressionDay`` rows and boost deliveries. On the embedded
default, recording also flushes when the last flush is a minute old, so counts show within a minute.

Sources: ``boost`` when the note filled a reserved boost slot, ``bonus`` when it was shown on a
feed while carrying a quality or featured bonus, ``organic`` otherwise (opening a note is organic).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from notes.models import Boost, ImpressionDay, Note

logger = logging.getLogger(__name__)

SOURCES = ("organic", "bonus", "boost")
SEEN_TTL_SECONDS = 2 * 86400
FLUSH_EVERY_SECONDS = 60

_PENDING = "sunlight:imp:pending"
_FLUSHING = "sunlight:imp:flushing"
_LOCK = "sunlight:imp:flush-lock"
_RECORD = """
local n = 0
for i = 3, #ARGV, 2 do
  local seen = 'sunlight:imp:seen:' .. ARGV[1] .. ':' .. ARGV[i]
  if redis.call('SADD', seen, ARGV[2]) == 1 then
    redis.call('EXPIRE', seen, %TTL%)
    redis.call('HINCRBY', '%PENDING%', ARGV[1] .. ':' .. ARGV[i] .. ':' .. ARGV[i + 1], 1)
    n = n + 1
  end
end
return n
""".replace("%TTL%", str(SEEN_TTL_SECONDS)).replace("%PENDING%", _PENDING)


class _Memory:
    """The in-process fallback: one process's viewers and pending counts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.pending: Counter[str] = Counter()
        self.taken: dict[str, int] = {}
        self.last_flush = time.monotonic()

    def record(self, day: str, viewer: str, items: list[tuple[int, str]]) -> int:
        added = 0
        with self.lock:
            for note_id, source in items:
                seen = self.seen[(day, note_id)]
                if viewer not in seen:
                    seen.add(viewer)
                    self.pending[f"{day}:{note_id}:{source}"] += 1
                    added += 1
        return added

    def take(self) -> dict[str, int] | None:
        with self.lock:
            taken, self.pending = dict(self.pending), Counter()
            self.taken = taken
            today = timezone.localdate().isoformat()
            for key in [k for k in self.seen if k[0] < today]:
                del self.seen[key]
            self.last_flush = time.monotonic()
        return taken

    def done(self, *, applied: bool) -> None:
        if not applied:  # the database refused them: keep them for the next flush
            with self.lock:
                for key, count in self.taken.items():
                    self.pending[key] += count
        self.taken = {}

    def due(self) -> bool:
        return time.monotonic() - self.last_flush >= FLUSH_EVERY_SECONDS


class _Redis:
    def __init__(self, url: str) -> None:
        import redis

        # Short time-outs, set here rather than left to redis-py's defaults (5 s, and none in older
        # releases): a Redis that stops answering (a failover, packets dropped) costs a page a couple
        # of seconds and an uncounted impression, never a web thread held.
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2)
        self.script = self.client.register_script(_RECORD)
        self.lock = None

    def record(self, day: str, viewer: str, items: list[tuple[int, str]]) -> int:
        args: list[object] = [day, viewer]
        for note_id, source in items:
            args += [note_id, source]
        return int(self.script(args=args))

    def take(self) -> dict[str, int] | None:
        """The counters to flush, or None when another flusher holds the lock (it owns them)."""
        # A token lock: only its holder releases it, and it outlives a crashed flusher briefly.
        lock = self.client.lock(_LOCK, timeout=120, blocking=False)
        if not lock.acquire(blocking=False):
            return None
        self.lock = lock
        # A flush that died after taking the counters left them under _FLUSHING: finish those first.
        if not self.client.exists(_FLUSHING):
            if not self.client.exists(_PENDING):
                return {}
            self.client.rename(_PENDING, _FLUSHING)
        return {k.decode(): int(v) for k, v in self.client.hgetall(_FLUSHING).items()}

    def done(self, *, applied: bool) -> None:
        """Release the lock taken by ``take``; drop the taken counters once they are in the database."""
        if applied:
            self.client.delete(_FLUSHING)
        lock, self.lock = self.lock, None
        if lock is not None:
            try:
                lock.release()
            except Exception:  # expired meanwhile: another flusher may hold it now, leave it
                logger.warning("impressions flush lock expired before release")

    def due(self) -> bool:
        return False  # the periodic task flushes


_backend: _Memory | _Redis | None = None
# Flushes in one process never overlap (the dev server's threads; the task and a traffic page).
_FLUSH_LOCK = threading.Lock()
_backend_url: str | None = None


def backend() -> _Memory | _Redis:
    global _backend, _backend_url
    url = settings.SUNLIGHT_IMPRESSIONS_REDIS_URL
    if _backend is None or _backend_url != url:
        _backend = _Redis(url) if url else _Memory()
        _backend_url = url
    return _backend


def viewer_key(request: HttpRequest) -> str:
    """Who saw it, for once-per-day counting: the account, or else a daily keyed hash of the client
    address and browser (never stored, gone with the day's sets)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    ident = BaseThrottle().get_ident(request)
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    day = timezone.localdate().isoformat()
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{day}|{ident}|{agent}".encode(), hashlib.sha256)
    return "a" + digest.hexdigest()[:24]


def impressions_record(request: HttpRequest, shown: Iterable[tuple[Note, str]]) -> int:
    """Count each (note, source) shown to this request's viewer, once per note per day. A creator's
    own notes do not count. Returns how many impressions were new."""
    user = getattr(request, "user", None)
    own = user.pk if user is not None and user.is_authenticated else None
    items = [(note.pk, source) for note, source in shown if note.author_id != own]
    if not items:
        return 0
    store = backend()
    try:
        added = store.record(timezone.localdate().isoformat(), viewer_key(request), items)
    except Exception:  # a counter outage must never break reading
        logger.warning("impressions not recorded", exc_info=True)
        return 0
    return added


def tick_due() -> bool:
    """In process (the embedded default has no scheduler), whether the traffic task is due again:
    the pages that record impressions run it then (``notes.tasks.traffic_tick_if_due``)."""
    return backend().due()


def impressions_flush() -> int:
    """Move pending counters into daily rows and boost deliveries; returns impressions moved."""
    with _FLUSH_LOCK:
        return _flush()


def _flush() -> int:
    store = backend()
    taken = store.take()
    if taken is None:
        return 0  # another flush is running
    if not taken:
        store.done(applied=True)
        return 0
    per_day: dict[tuple[int, date], Counter[str]] = defaultdict(Counter)
    for key, count in taken.items():
        day, note_id, source = key.split(":")
        if source in SOURCES and count > 0:
            per_day[(int(note_id), date.fromisoformat(day))][source] += count
    try:
        with transaction.atomic():
            existing_notes = set(
                Note.objects.filter(pk__in={note_id for note_id, _day in per_day}).values_list(
                    "pk", flat=True
                )
            )
            per_day = {k: v for k, v in per_day.items() if k[0] in existing_notes}
            # One read of the rows concerned, then one bulk update and one bulk insert: a flush costs a few
            # queries whatever the number of notes (only one flush runs at a time: the Redis or process lock).
            rows = {
                (row.note_id, row.day): row
                for row in ImpressionDay.objects.select_for_update().filter(
                    note_id__in={note_id for note_id, _day in per_day},
                    day__in={day for _note, day in per_day},
                )
            }
            changed, created = [], []
            for (note_id, day), counts in per_day.items():
                row = rows.get((note_id, day))
                if row is None:
                    created.append(ImpressionDay(note_id=note_id, day=day, **{s: counts[s] for s in SOURCES}))
                    continue
                for source in SOURCES:
                    setattr(row, source, getattr(row, source) + counts[source])
                changed.append(row)
            ImpressionDay.objects.bulk_update(changed, list(SOURCES), batch_size=1000)
            ImpressionDay.objects.bulk_create(created, batch_size=1000)
            boosts: Counter[int] = Counter()
            for (note_id, _day), counts in per_day.items():
                boosts[note_id] += counts["boost"]
            for note_id, count in boosts.items():
                if count:
                    Boost.objects.filter(note_id=note_id, state=Boost.State.ACTIVE).update(
                        delivered=F("delivered") + count
                    )
    except BaseException:
        store.done(applied=False)
        raise
    store.done(applied=True)
    return sum(sum(c.values()) for c in per_day.values())
