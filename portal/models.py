"""What the platform reports about itself: DSA statements of reasons and transparency snapshots.

Both are derived from the decision ledger (``appeals``) and the notes, never edited by hand:
``portal.statements`` writes statements, ``portal.transparency`` writes snapshots.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DsaStatement(models.Model):
    """One statement of reasons in the EU DSA Transparency Database format, frozen when made.

    A decision gives one statement when it is made and, if it is reversed, a second one: a new
    statement with its own ``puid`` that reports the restriction's end, never an edit of the first.
    The payload holds no personal data (``portal.statements.scrub``); it outlives the decision and
    the account it concerned, so its links to them are dropped, not cascaded.
    """

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision made")
        REVERSAL = "reversal", _("Decision reversed")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be submitted")
        ACCEPTED = "accepted", _("Accepted by the Transparency Database")
        REFUSED = "refused", _("Refused by the Transparency Database")

    puid = models.CharField(_("platform unique identifier"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    decision = models.ForeignKey(
        "appeals.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dsa_statements",
        verbose_name=_("decision"),
    )
    event = models.OneToOneField(
        "appeals.DecisionEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dsa_statement",
        verbose_name=_("decision event"),
    )
    payload = models.JSONField(_("statement"))
    # The day the reported change took effect: the export window is about these days.
    effective_on = models.DateField(_("took effect on"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    state = models.CharField(_("submission"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("submission attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    database_uuid = models.CharField(_("Transparency Database id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("DSA statement of reasons")
        verbose_name_plural = _("DSA statements of reasons")
        permissions = [
            ("export_dsastatement", _("Can export statements of reasons and queue refused ones again"))
        ]
        indexes = [
            models.Index(fields=["effective_on"], name="portal_statement_day_idx"),
            # The submission task's queue: what has not been accepted yet, oldest first.
            models.Index(fields=["id"], condition=Q(state="pending"), name="portal_statement_pending_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="accepted") | Q(accepted_at__isnull=False),
                name="portal_statement_accepted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.puid


class TransparencySnapshot(models.Model):
    """The transparency report's figures for one period, aggregated by a periodic task.

    ``period`` is a month (``2026-11``) or ``total``. The public page reads these rows only, so a
    page view never scans the decision tables; ``computed_at`` tells readers how fresh they are.
    """

    TOTAL = "total"

    period = models.CharField(_("period"), max_length=7, unique=True)
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["period"]
        verbose_name = _("transparency snapshot")
        verbose_name_plural = _("transparency snapshots")
        permissions = [("refresh_transparencysnapshot", _("Can recompute the transparency figures now"))]

    def __str__(self) -> str:
        return self.period
