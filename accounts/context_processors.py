from __future__ import annotations

import functools

from django.http import HttpRequest

from accounts.selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy and memoised: pages that never render the badge never run the query, and
    # pages that mention it twice run it once.
    return {"unread_notifications": functools.cache(lambda: notification_unread_count(user=user))}
