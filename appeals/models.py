from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    """A platform action against a creator's note or account, with its statement of reasons.

    Decisions are the single source of truth: effects (a label, reduced reach, a posting
    block) exist because a decision is in force. ``appeals`` never imports ``notes``: the
    subject is recorded generically (its kind and public id) and described in words.
    """

    class SubjectType(models.TextChoices):
        NOTE = "note", _("Note")
        ACCOUNT = "account", _("Account")

    class Kind(models.TextChoices):
        LABEL_CONFIRMED = "label_confirmed", _("Confirmed AI label")
        LABEL_SUSPECTED = "label_suspected", _("Suspected AI label")
        REDUCED_DISTRIBUTION = "reduced_distribution", _("Reduced distribution")
        REMOVAL = "removal", _("Removal")
        ACCOUNT_MEASURE = "account_measure", _("Account measure")

    class State(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        REVERSED = "reversed", _("Reversed")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subject_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("creator"),
    )
    subject_type = models.CharField(_("subject type"), max_length=12, choices=SubjectType.choices)
    subject_id = models.UUIDField(_("subject id"))
    subject_title = models.CharField(_("subject"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_FORCE)
    # Statement of reasons.
    summary = models.TextField(_("what was decided"))
    facts = models.TextField(_("facts and evidence"))
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    rule = models.CharField(_("guideline applied"), max_length=200)
    automated_detection = models.BooleanField(_("detected automatically"))
    automated_decision = models.BooleanField(_("decided automatically"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    ends_at = models.DateTimeField(_("in force until"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    # Automated decisions name what they rest on, so a retried task finds the decision it made.
    # Null (not "") for decisions without one, so the unique constraint ignores them.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [
            # "Decisions about you", newest first.
            models.Index(fields=["subject_owner", "-created_at"], name="appeals_decision_owner_idx"),
            # Effects derived per subject: which decisions are in force on this note?
            models.Index(fields=["subject_type", "subject_id", "state"], name="appeals_decision_subject_idx"),
        ]
        constraints = [
            # One decision per automated finding: re-running detection never decides twice.
            models.UniqueConstraint(fields=["dedupe_key"], name="appeals_decision_dedupe_unique"),
            # A reversed decision always says when; one in force never does.
            models.CheckConstraint(
                condition=Q(state="reversed", reversed_at__isnull=False) | ~Q(state="reversed"),
                name="appeals_decision_reversed_has_time",
            ),
            # A person is named whenever a person decided.
            models.CheckConstraint(
                condition=Q(automated_decision=True) | Q(decided_by__isnull=False),
                name="appeals_decision_human_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_title}"
