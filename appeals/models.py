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


def _evidence_storage():  # noqa: ANN202
    from django.core.files.storage import storages

    return storages["originals"]


def _evidence_path(instance: AppealEvidence, filename: str) -> str:
    return f"appeal-evidence/{instance.appeal.public_id}/{uuid.uuid4().hex}"


class Appeal(models.Model):
    """A creator's challenge of a decision, decided by a person with a reasoned reply."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        UPHELD = "upheld", _("Upheld")
        OVERTURNED = "overturned", _("Overturned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATES = (State.SUBMITTED, State.IN_REVIEW)
    DECIDED_STATES = (State.UPHELD, State.OVERTURNED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("decision")
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("creator")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    reason = models.TextField(_("reason"), max_length=5000)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_appeals",
        verbose_name=_("assigned to"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    due_at = models.DateTimeField(_("decision expected by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reply = models.TextField(_("reply to the creator"), blank=True, max_length=5000)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            # At most one open appeal per decision.
            models.UniqueConstraint(
                fields=["decision"],
                condition=Q(state__in=["submitted", "in_review"]),
                name="appeals_appeal_one_open_per_decision",
            ),
            # No decision without a person and a written reply.
            models.CheckConstraint(
                condition=~Q(state__in=["upheld", "overturned"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False) & ~Q(reply="")),
                name="appeals_appeal_decided_has_reply",
            ),
        ]
        indexes = [
            # The staff queue: open appeals by due date.
            models.Index(fields=["state", "due_at"], name="appeals_appeal_queue_idx"),
            # "My appeals" for a creator.
            models.Index(fields=["appellant", "-submitted_at"], name="appeals_appeal_mine_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class AppealEvidence(models.Model):
    """A file the creator attached: drafts, process photos, a screen recording still, a PDF."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, storage=_evidence_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class AppealEvent(models.Model):
    """The appeal's timeline: who did what, when. Internal notes are for staff only."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Appeal submitted")
        EVIDENCE = "evidence", _("Evidence added")
        ASSIGNED = "assigned", _("Taken into review")
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")
        WITHDRAWN = "withdrawn", _("Appeal withdrawn")
        VOUCHER = "voucher", _("Compensation voucher issued")
        INTERNAL_NOTE = "internal_note", _("Internal note")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal timeline")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


class CompensationVoucher(models.Model):
    """Traffic granted once when an overturned decision had cost the creator reach."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vouchers")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="vouchers")
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="vouchers")
    impressions = models.PositiveIntegerField(_("extra impressions"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    redeemed_on = models.UUIDField(_("redeemed on note"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("compensation voucher")
        verbose_name_plural = _("compensation vouchers")
        constraints = [
            # Issued exactly once per overturned decision, however often the overturn is retried.
            models.UniqueConstraint(fields=["decision"], name="appeals_voucher_one_per_decision"),
            models.CheckConstraint(condition=Q(impressions__gt=0), name="appeals_voucher_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.impressions} → {self.owner}"

    @property
    def is_expired(self) -> bool:
        return self.redeemed_at is None and self.expires_at < timezone.now()
