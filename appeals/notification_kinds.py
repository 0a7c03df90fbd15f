"""How the ledger's notifications read, in the reader's language at reading time, with deep links.

Registered with ``accounts.notifications`` from ``AppealsConfig.ready``. Parameters are what the
event stored (ids and titles); the words are made here, so a creator who switches to Chinese reads
last week's notifications in Chinese.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.notifications import Action, Rendered, register
from appeals.models import Decision


def _kind_label(kind: str) -> str:
    try:
        return str(Decision.Kind(kind).label)
    except ValueError:
        return kind


def _view_decision(params: dict) -> Action:
    return Action(
        "view_decision", _("View the decision"), reverse("appeals:decision", args=[params["decision"]])
    )


def decision(params: dict) -> Rendered | None:
    if not params.get("decision"):
        return None
    values = {"title": params.get("title", ""), "kind": _kind_label(params.get("kind", ""))}
    if params.get("reversed"):
        # Reversed since it was sent (appeals.notifications.decision_notifications_mark_reversed).
        message = _("A decision about “%(title)s”: %(kind)s. It has since been reversed.") % values
        return Rendered(message, [_view_decision(params)])
    message = _("A decision about “%(title)s”: %(kind)s.") % values
    appeal = Action(
        "appeal",
        _("Appeal"),
        reverse("appeals:decision", args=[params["decision"]]) + "#appeal",
    )
    return Rendered(message, [_view_decision(params), appeal])


def decision_reversed(params: dict) -> Rendered | None:
    if not params.get("decision"):
        return None
    message = _("The decision about “%(title)s” was reversed: %(kind)s no longer applies.") % {
        "title": params.get("title", ""),
        "kind": _kind_label(params.get("kind", "")),
    }
    return Rendered(message, [_view_decision(params)])


def _view_appeal(params: dict) -> Action:
    return Action("view_appeal", _("View the appeal"), reverse("appeals:appeal", args=[params["appeal"]]))


def appeal_received(params: dict) -> Rendered | None:
    if not params.get("appeal"):
        return None
    message = _("Your appeal about “%(title)s” was received; a person will review it.") % {
        "title": params.get("title", "")
    }
    return Rendered(message, [_view_appeal(params)])


def appeal_decided(params: dict) -> Rendered | None:
    if not params.get("appeal"):
        return None
    values = {"title": params.get("title", ""), "n": params.get("impressions", 0)}
    if params.get("outcome") == "overturned":
        if params.get("voucher"):
            message = (
                _(
                    "Your appeal about “%(title)s” succeeded: the decision was reversed, and you received a "
                    "voucher for %(n)s extra impressions."
                )
                % values
            )
            use = Action("use_voucher", _("Use the voucher"), reverse("appeals:wallet"))
            return Rendered(message, [_view_appeal(params), use])
        message = _("Your appeal about “%(title)s” succeeded: the decision was reversed.") % values
        return Rendered(message, [_view_appeal(params)])
    message = (
        _("Your appeal about “%(title)s” was reviewed: the decision stands. The reply says why.") % values
    )
    return Rendered(message, [_view_appeal(params)])


def voucher_issued(params: dict) -> Rendered | None:
    # Kept for notifications sent before an overturn's voucher came inside "appeal decided".
    if not params.get("voucher"):
        return None
    message = _("You received a voucher for %(n)s extra impressions.") % {"n": params.get("impressions", 0)}
    return Rendered(message, [Action("use_voucher", _("Use the voucher"), reverse("appeals:wallet"))])


def register_all() -> None:
    register("decision", decision)
    register("decision_reversed", decision_reversed)
    register("appeal_received", appeal_received)
    register("appeal_decided", appeal_decided)
    register("voucher_issued", voucher_issued)
