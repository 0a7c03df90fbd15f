"""What an account may do while measures against it are in force (appeals.measures).

Every service that publishes or interacts calls ``require_can_post`` first, so a restriction holds
on every path: the browser, the API, a replayed form, a task.
"""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from appeals import measures
from core.errors import DomainError


def require_can_post(user: User) -> None:
    """Refuse when a measure in force blocks posting (restricted, suspended, banned)."""
    blocking = [m for m in measures.in_force(user.pk) if m.kind in measures.BLOCKS_POSTING]
    if not blocking:
        return
    measure = blocking[0]  # the most severe
    if measure.ends_at is None:
        message = _("Your account cannot post or interact: %(measure)s. You can appeal the decision.") % {
            "measure": measure.get_kind_display()
        }
    else:
        message = _(
            "Your account cannot post or interact until %(date)s: %(measure)s. You can appeal the decision."
        ) % {
            "measure": measure.get_kind_display(),
            "date": formats.date_format(timezone.localtime(measure.ends_at), "DATETIME_FORMAT"),
        }
    raise DomainError(message, code="account_restricted", status=403)
