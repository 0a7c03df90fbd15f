"""The one staff-permission check every service runs before a staff action."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require_staff_permission(user: object, perm: str, message: str) -> object:
    """Return ``user`` if it is an active, signed-in staff member holding ``perm``; otherwise refuse
    with ``message``. Staff act through services only, and every staff action checks its own
    permission here, whichever view (admin, API, command) called."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        raise PermissionDenied(message)
    if not user.has_perm(perm):
        raise PermissionDenied(message)
    return user
