"""How a reporter's notification reads, in their language at reading time (see accounts.notifications)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.notifications import Action, Rendered


def report_reviewed(params: dict) -> Rendered | None:
    outcome = params.get("outcome")
    if outcome not in ("dismissed", "actioned"):
        return None
    message = (
        _("Your report was reviewed: no action was needed. The reply says why.")
        if outcome == "dismissed"
        else _("Your report was reviewed and action was taken. Thank you.")
    )
    return Rendered(message, [Action("view_reports", _("View your reports"), reverse("my-reports"))])
