"""Reachability checks for /healthz."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def check_database() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def check_broker() -> dict[str, object]:
    if settings.SUNLIGHT_TASKS_IN_PROCESS:
        # The embedded default: tasks run inside the web process, nothing to reach.
        return {"ok": True, "mode": "in-process"}
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:
        return {"ok": False, "mode": "broker", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "broker"}
