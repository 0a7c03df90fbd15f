from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Field limits, named once: models, forms, serializers and services use these.
SUBJECT_TITLE_MAX = 200
STATEMENT_MAX = 5000
APPEAL_REASON_MAX = 5000
REPLY_MAX = 5000


class Automation(models.TextChoices):
    """How far a machine acted, for detection and for the decision (DSA Art. 17(3)(c))."""

    FULLY = "fully", _("Fully automated")
    PARTIALLY = "partially", _("Partly automated")
    NOT_AUTOMATED = "none", _("Not automated")


class DecisionQuerySet(models.QuerySet["Decision"]):
    def in_force(self, now: datetime | None = None) -> DecisionQuerySet:
        """Decisions whose effects apply now: not reversed, not expired, and not past ``ends_at``
        even when the expiry task has not run yet."""
        now = now or timezone.now()
        return self.filter(state=Decision.State.IN_FORCE).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))


class Decision(models.Model):
    """A platform action against a creator's note or account, with its statement of reasons.

    Decisions are the single source of truth: effects (a label, reduced reach, a posting
    block) exist because a decision is in force. ``appeals`` never imports ``notes``: the
    subject is recorded generically (its kind and public id) and described in words.
    Every change of state goes through ``appeals.services`` and ``appeals.effects.decision_changed``.
    """

    class SubjectType(models.TextChoices):
        NOTE = "note", _("Note")
        ACCOUNT = "account", _("Account")
        COMMENT = "comment", _("Comment")

    class Kind(models.TextChoices):
        LABEL_CONFIRMED = "label_confirmed", _("Confirmed AI label")
        LABEL_SUSPECTED = "label_suspected", _("Suspected AI label")
        REDUCED_DISTRIBUTION = "reduced_distribution", _("Reduced distribution")
        REMOVAL = "removal", _("Removal")
        BONUS_WITHDRAWN = "bonus_withdrawn", _("Quality bonus withdrawn")
        # Measures against an account, in the order of the ladder (appeals.measures).
        ACCOUNT_WARNING = "account_warning", _("Warning")
        ACCOUNT_MEASURE = "account_measure", _("Account: reduced distribution")
        POSTING_RESTRICTED = "posting_restricted", _("Posting restricted")
        SUSPENSION = "suspension", _("Suspension")
        BAN = "ban", _("Ban")

    class State(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        REVERSED = "reversed", _("Reversed")
        EXPIRED = "expired", _("Expired")

    class Ground(models.TextChoices):
        INCOMPATIBLE = "incompatible", _("Incompatible with the terms and guidelines")
        ILLEGAL = "illegal", _("Illegal content")

    class RuleCode(models.TextChoices):
        AI_LABEL_MISSING = "ai_label_missing", _("All content made with AI must be actively marked")
        AI_FORGERY = "ai_forgery", _("No AI-forged experiences or impersonation")
        AI_MANAGED_ACCOUNT = "ai_managed_account", _("No AI-managed accounts")
        LABEL_REMOVAL_TUTORIAL = "label_removal_tutorial", _("No tutorials on removing AI labels")
        LOW_QUALITY_AI = "low_quality_ai", _("No low-quality mass-produced AI content")
        OTHER = "other", _("Another guideline (named in the statement)")

    class ContentType(models.TextChoices):
        SYNTHETIC_MEDIA = "synthetic_media", _("Synthetic media")
        IMAGE = "image", _("Image")
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video")
        ACCOUNT = "account", _("Account")

    class Source(models.TextChoices):
        OWN_INITIATIVE = "own_initiative", _("Found by the platform on its own initiative")
        USER_REPORT = "user_report", _("Reported by a user")
        TRUSTED_FLAGGER = "trusted_flagger", _("Reported by a trusted flagger")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("creator"),
    )
    subject_type = models.CharField(_("subject type"), max_length=12, choices=SubjectType.choices)
    subject_id = models.UUIDField(_("subject id"))
    subject_title = models.CharField(_("subject"), max_length=SUBJECT_TITLE_MAX)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.IN_FORCE)
    # Statement of reasons, captured when the decision is made: the ledger cannot look it up later.
    summary = models.TextField(_("what was decided"), max_length=STATEMENT_MAX)
    facts = models.TextField(_("facts and evidence"), max_length=STATEMENT_MAX)
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    rule = models.CharField(_("guideline applied"), max_length=200)
    rule_code = models.CharField(_("guideline"), max_length=32, choices=RuleCode.choices)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground.choices)
    content_type = models.CharField(_("content type"), max_length=16, choices=ContentType.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    automated_detection = models.CharField(
        _("automated detection"), max_length=10, choices=Automation.choices
    )
    automated_decision = models.CharField(_("automated decision"), max_length=10, choices=Automation.choices)
    # ISO 3166-1 alpha-2 codes where the decision applies; ["*"] is everywhere the service is offered.
    territorial_scope = models.JSONField(_("territorial scope"), default=list)
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
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    # Automated decisions name what they rest on, so a retried task finds the decision it made.
    # Null (not "") for decisions without one, so the unique constraint ignores them.
    dedupe_key = models.CharField(  # noqa: DJ001
        _("deduplication key"), max_length=200, null=True, blank=True, editable=False
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        permissions = [("decide", _("Can make and reverse decisions"))]
        indexes = [
            # "Decisions about you", newest first.
            models.Index(fields=["subject_owner", "-created_at"], name="appeals_decision_owner_idx"),
            # Effects derived per subject: which decisions are in force on this note?
            models.Index(fields=["subject_type", "subject_id", "state"], name="appeals_decision_subject_idx"),
            # The expiry task: timed decisions still in force, by end time.
            models.Index(
                fields=["ends_at"],
                condition=Q(state="in_force", ends_at__isnull=False),
                name="appeals_decision_expiry_idx",
            ),
        ]
        constraints = [
            # One decision per automated finding: re-running detection never decides twice.
            models.UniqueConstraint(fields=["dedupe_key"], name="appeals_decision_dedupe_unique"),
            # A reversed decision always says when; one in force never does.
            models.CheckConstraint(
                condition=Q(state="reversed", reversed_at__isnull=False) | ~Q(state="reversed"),
                name="appeals_decision_reversed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="in_force") | Q(reversed_at__isnull=True, expired_at__isnull=True),
                name="appeals_decision_in_force_not_ended",
            ),
            # An expired decision says when, and only a timed decision expires.
            models.CheckConstraint(
                condition=~Q(state="expired") | Q(expired_at__isnull=False, ends_at__isnull=False),
                name="appeals_decision_expired_has_time",
            ),
            # A person is named whenever a person took part in deciding.
            models.CheckConstraint(
                condition=Q(automated_decision="fully") | Q(decided_by__isnull=False),
                name="appeals_decision_human_named",
            ),
            # The statement of reasons is never empty.
            models.CheckConstraint(
                condition=~Q(summary="") & ~Q(facts="") & ~Q(rule=""),
                name="appeals_decision_has_reasons",
            ),
            models.CheckConstraint(
                condition=Q(automated_detection__in=Automation.values)
                & Q(automated_decision__in=Automation.values),
                name="appeals_decision_automation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_title}"

    @property
    def how_made(self) -> str:
        """How detection and decision were made, in plain words (statement of reasons)."""
        detection = {
            Automation.FULLY: _("Detected automatically"),
            Automation.PARTIALLY: _("Detected with automated help"),
            Automation.NOT_AUTOMATED: _("Found by a person"),
        }[self.automated_detection]
        decision = {
            Automation.FULLY: _("decided automatically"),
            Automation.PARTIALLY: _("decided by a staff member with automated help"),
            Automation.NOT_AUTOMATED: _("decided by a staff member"),
        }[self.automated_decision]
        return _("%(detection)s; %(decision)s") % {"detection": detection, "decision": decision}

    @property
    def rule_text(self) -> str:
        """The guideline in the reader's language; the recorded wording when it names another one."""
        if self.rule_code and self.rule_code != self.RuleCode.OTHER:
            return str(self.RuleCode(self.rule_code).label)
        return self.rule

    @property
    def is_in_force(self) -> bool:
        return self.state == self.State.IN_FORCE and (self.ends_at is None or self.ends_at > timezone.now())


class DecisionEvent(models.Model):
    """The decision's audit trail: made, reversed, expired — who acted (null: the system) and why.

    Written in the same transaction as the change it records. ``internal_note`` is for staff only;
    the creator sees the rest in the decision's timeline.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Decision made")
        REVERSED = "reversed", _("Decision reversed")
        EXPIRED = "expired", _("Decision expired")

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="events", verbose_name=_("decision")
    )
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty: the system (an automated step)."),
    )
    reason = models.TextField(_("reason"), max_length=STATEMENT_MAX)
    internal_note = models.TextField(_("internal note (staff only)"), blank=True, max_length=STATEMENT_MAX)
    appeal = models.ForeignKey(
        "Appeal", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("appeal")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("decision event")
        verbose_name_plural = _("decision history")
        indexes = [models.Index(fields=["decision", "at"], name="appeals_decevent_decision_idx")]
        constraints = [
            # Each change happens once: a retried reversal or expiry writes no second row.
            models.UniqueConstraint(fields=["decision", "kind"], name="appeals_decevent_once_per_kind"),
            models.CheckConstraint(condition=~Q(reason=""), name="appeals_decevent_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


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

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("decision")
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("creator")
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    reason = models.TextField(_("reason"), max_length=APPEAL_REASON_MAX)
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
    reply = models.TextField(_("reply to the creator"), blank=True, max_length=REPLY_MAX)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        permissions = [("decide_appeal", _("Can decide appeals"))]
        constraints = [
            # A withdrawn appeal says when.
            models.CheckConstraint(
                condition=~Q(state="withdrawn") | Q(withdrawn_at__isnull=False),
                name="appeals_appeal_withdrawn_has_time",
            ),
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

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("appeal")
    )
    file = models.FileField(
        upload_to=_evidence_path, storage=_evidence_storage, max_length=200, verbose_name=_("file")
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_at = models.DateTimeField(default=timezone.now, verbose_name=_("uploaded"))

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

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("appeal")
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    message = models.TextField(blank=True, verbose_name=_("message"))
    internal = models.BooleanField(default=False, verbose_name=_("staff only"))
    at = models.DateTimeField(default=timezone.now, verbose_name=_("when"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("appeal event")
        verbose_name_plural = _("appeal timeline")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


class CompensationVoucher(models.Model):
    """Traffic granted once when an overturned decision had cost the creator reach."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vouchers", verbose_name=_("owner")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("decision")
    )
    # The appeal that overturned the decision; null when staff reversed it on their own initiative.
    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vouchers",
        verbose_name=_("appeal"),
    )
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
            # Redeemed means redeemed on a note, and the other way round.
            models.CheckConstraint(
                condition=Q(redeemed_at__isnull=True, redeemed_on__isnull=True)
                | Q(redeemed_at__isnull=False, redeemed_on__isnull=False),
                name="appeals_voucher_redeemed_on_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.impressions} → {self.owner}"

    @property
    def is_expired(self) -> bool:
        return self.redeemed_at is None and self.expires_at < timezone.now()
