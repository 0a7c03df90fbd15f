from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Field limits, named once: models, forms, serializers and services use these.
TITLE_MAX = 100
BODY_MAX = 20000
TOPIC_NAME_MAX = 40
ALT_TEXT_MAX = 300
USAGE_NOTE_MAX = 1000
TOOL_NAME_MAX = 60
MAX_IMAGES = 9
MAX_TOPICS = 10
MAX_TOOLS = 10

# Provenance tiers as the reader reports them ("" while a scan is pending).
SCAN_TIERS = [
    ("", _("Not scanned")),
    ("none", _("None")),
    ("suspected", _("Suspected")),
    ("confirmed", _("Confirmed")),
]
SCAN_KINDS = [("", "—"), ("generated", _("Generated")), ("edited", _("Edited with AI"))]


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=TOPIC_NAME_MAX, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class NoteQuerySet(models.QuerySet["Note"]):
    def not_withheld(self, now: datetime | None = None) -> NoteQuerySet:
        """Notes no removal decision withholds now."""
        now = now or timezone.now()
        return self.filter(Q(withheld=False) | Q(withheld_until__lte=now))


class Client(models.TextChoices):
    """Where an action came from, for the automation signals (core.clients.client_of)."""

    WEB = "web", _("Browser")
    APP = "app", _("Mobile app")
    API = "api", _("API script")


COMMENT_MAX = 2000


class Traffic(models.TextChoices):
    """The badge a creator sees per note: what its distribution is doing now."""

    NORMAL = "normal", _("Normal")
    BONUS = "bonus", _("Bonus")
    REDUCED = "reduced", _("Reduced")
    BOOSTED = "boosted", _("Boosted")


class Note(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        REMOVED = "removed", _("Removed")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(
        _("body"), blank=True, max_length=BODY_MAX, validators=[MaxLengthValidator(BODY_MAX)]
    )
    # The sanitised HTML of ``body``, rendered by notes.services.note_render_body whenever body changes.
    body_html = models.TextField(editable=False, blank=True, verbose_name=_("body (HTML)"))
    topics = models.ManyToManyField(Topic, related_name="notes", blank=True, verbose_name=_("topics"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # What the publish form showed the creator about AI evidence in the files (Art. 6(4) reminder),
    # recorded when they published anyway; null when there was nothing to show.
    evidence_shown = models.JSONField(_("evidence shown at publishing"), null=True, blank=True)
    # Effects of decisions in force, derived by notes.services.effects.note_effects_sync in the
    # same transaction as the decision change (never edited by hand). The "until" fields let
    # readers honour a timed decision's end before the expiry task has run.
    withheld = models.BooleanField(_("removed by a decision"), default=False, editable=False)
    withheld_until = models.DateTimeField(_("removed until"), null=True, blank=True, editable=False)
    reach_reduced = models.BooleanField(_("reach reduced by a decision"), default=False, editable=False)
    reach_reduced_until = models.DateTimeField(
        _("reach reduced until"), null=True, blank=True, editable=False
    )
    # Distribution, derived by notes.services.distribution.note_distribution_sync from the factors
    # below (DistributionFactor rows), in the transaction of whatever changed them; never by hand.
    weight = models.FloatField(_("distribution weight"), default=1.0, editable=False)
    # The ranking key (notes.ranking): log2(weight) + published time / half-life. Ordering by it is
    # ordering by weight × 2^(−age / half-life) at any moment, so it is stored once, not per request.
    rank_score = models.FloatField(_("ranking score"), default=0.0, editable=False)
    traffic = models.CharField(
        _("traffic"), max_length=10, choices=Traffic.choices, default=Traffic.NORMAL, editable=False
    )
    # Likes, counted by notes.services.interactions: the engagement slot of the ranking score.
    like_count = models.PositiveIntegerField(_("likes"), default=0, editable=False)
    # Where the note was created from (automation signals).
    client = models.CharField(
        _("client"), max_length=4, choices=Client.choices, default=Client.WEB, editable=False
    )
    # When the earliest timed factor ends: the traffic task rebuilds the weight then.
    weight_until = models.DateTimeField(_("weight holds until"), null=True, blank=True, editable=False)

    objects = NoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        indexes = [
            # The public feed: published notes, newest first, cursor-paginated on (published_at, id).
            models.Index(fields=["state", "-published_at", "-id"], name="notes_feed_idx"),
            # The creator dashboard: one author's notes, newest change first.
            models.Index(fields=["author", "-updated_at"], name="notes_dashboard_idx"),
            # The ranked feeds (notes.selectors.feed_page, order "ranked"): keyset pages on
            # (rank_score, id) over published notes, read in index order without sorting.
            models.Index(
                fields=["-rank_score", "-id"], condition=Q(state="published"), name="notes_rank_idx"
            ),
            # The traffic task (notes.services.distribution.distribution_refresh_due): notes whose
            # timed factor has ended.
            models.Index(
                fields=["weight_until"], condition=Q(weight_until__isnull=False), name="notes_weight_due_idx"
            ),
        ]
        constraints = [
            # A published note always has a publication time; the feed orders by it.
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="notes_note_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def withheld_now(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.withheld and (self.withheld_until is None or self.withheld_until > now)

    def reach_reduced_now(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.reach_reduced and (self.reach_reduced_until is None or self.reach_reduced_until > now)


class Degree(models.TextChoices):
    """How much AI took part, as the creator declares it (DESIGN.md: Declaration)."""

    NONE = "none", _("No AI")
    ASSISTED = "assisted", _("AI-assisted")
    GENERATED = "generated", _("AI-generated")


def _original_path(instance: NoteImage, filename: str) -> str:
    # Originals are kept byte for byte for provenance and are never served by URL.
    return f"originals/{instance.note.public_id}/{uuid.uuid4().hex}"


def _originals_storage() -> Storage:
    return storages["originals"]


def _download_path(instance: NoteImage, filename: str) -> str:
    return f"downloads/{instance.note.public_id}/{filename}"


def _derivative_path(instance: NoteImage, filename: str) -> str:
    return f"notes/{instance.note.public_id}/{filename}"


class NoteImage(models.Model):
    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="images", verbose_name=_("note"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    original = models.FileField(
        _("original upload"), upload_to=_original_path, storage=_originals_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    original_format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    original_size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # Perceptual hash (imagehash.phash, 64 bits as 16 hex digits) of the display image, for the
    # quality bonus's originality check; "" until computed.
    phash = models.CharField(_("perceptual hash"), max_length=16, blank=True, editable=False)
    display = models.ImageField(_("display image"), upload_to=_derivative_path, max_length=200)
    # The label state the display copy's platform Content Credentials were signed for ("" : none).
    display_key = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("display copy key")
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=_derivative_path, max_length=200)
    alt_text = models.CharField(_("description"), max_length=ALT_TEXT_MAX, blank=True)
    # The original-size download, rendered once per label state (notes.propagation) and then served
    # as stored bytes; ``download_key`` names the state it was rendered for.
    download = models.FileField(
        upload_to=_download_path,
        storage=_originals_storage,
        max_length=200,
        blank=True,
        editable=False,
        verbose_name=_("download copy"),
    )
    download_key = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("download copy key")
    )
    # The creator's answer for this image; null until declared (never defaulted silently).
    ai_degree = models.CharField(  # noqa: DJ001 - null means "not answered", distinct from "none"
        _("AI use in this image"), max_length=12, choices=Degree.choices, null=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.original_name


class Declaration(models.Model):
    """The creator's statement of AI use for a note. Exists once the creator has answered."""

    note = models.OneToOneField(
        Note, on_delete=models.CASCADE, related_name="declaration", verbose_name=_("note")
    )
    degree = models.CharField(_("AI use"), max_length=12, choices=Degree.choices)
    text_degree = models.CharField(_("AI use in the text"), max_length=12, choices=Degree.choices)
    tools = models.JSONField(_("AI tools used"), default=list, blank=True)
    usage_note = models.TextField(_("how AI was used"), blank=True, max_length=USAGE_NOTE_MAX)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            # "none" overall cannot coexist with AI in the text: the form and API say so first.
            models.CheckConstraint(
                condition=~Q(degree="none") | Q(text_degree="none"), name="notes_declaration_none_consistent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.note}: {self.get_degree_display()}"


class DeclarationChange(models.Model):
    """History of a declaration after publishing: who changed it, when, from what to what."""

    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="declaration_changes", verbose_name=_("note")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(default=timezone.now, verbose_name=_("changed"))
    before = models.JSONField(null=True, blank=True, verbose_name=_("before"))
    after = models.JSONField(verbose_name=_("after"))

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("declaration change")
        verbose_name_plural = _("declaration history")
        indexes = [models.Index(fields=["note", "changed_at"], name="notes_declchange_note_idx")]

    def __str__(self) -> str:
        return f"{self.note_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class LabelQuerySet(models.QuerySet["Label"]):
    def current(self, now: datetime | None = None) -> LabelQuerySet:
        """Labels in force now: a platform label whose decision has passed its end is gone already,
        even before the expiry task rebuilds the rows."""
        now = now or timezone.now()
        return self.filter(
            Q(decision__isnull=True) | Q(decision__ends_at__isnull=True) | Q(decision__ends_at__gt=now)
        )


class Label(models.Model):
    """A label readers see on a note, in force now.

    Labels are derived, never edited by hand: ``notes.services.effects.note_effects_sync`` rebuilds
    a note's rows from its declaration and the platform decisions in force, in the same
    transaction as whatever changed them. The rows exist so feeds can show labels in one query;
    ``Label.objects.current()`` also drops a label whose timed decision has ended.
    """

    class Tier(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        DECLARED = "declared", _("Declared")
        SUSPECTED = "suspected", _("Suspected")

    class Kind(models.TextChoices):
        GENERATED = "generated", _("Generated")
        EDITED = "edited", _("Edited with AI")

    class Source(models.TextChoices):
        CREATOR = "creator", _("The creator's declaration")
        METADATA = "metadata", _("File metadata")
        DETECTION = "detection", _("Platform detection")

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="labels", verbose_name=_("note"))
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # Evidence shown in "why this label": plain facts, e.g. which images, which tools.
    evidence = models.JSONField(default=dict, blank=True, verbose_name=_("evidence"))
    # The decision that attached a platform label (confirmed/suspected); null for declared.
    decision = models.ForeignKey(
        "appeals.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labels",
        verbose_name=_("decision"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created"))

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["tier", "id"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        constraints = [
            # One label per tier per note: the note shows each tier once.
            models.UniqueConstraint(fields=["note", "tier"], name="notes_label_one_per_tier"),
            # Platform tiers rest on a decision; the declared tier never does.
            models.CheckConstraint(
                condition=(Q(tier="declared") & Q(decision_id__isnull=True))
                | (~Q(tier="declared") & Q(decision_id__isnull=False)),
                name="notes_label_platform_has_decision",
            ),
        ]
        indexes = [models.Index(fields=["tier"], name="notes_label_tier_idx")]

    def __str__(self) -> str:
        return f"{self.note_id}: {self.tier}"

    @property
    def text(self) -> str:
        """The wording readers see (DESIGN.md: label wording), in the active language."""
        if self.tier == self.Tier.CONFIRMED:
            return str(LABEL_TEXT_CONFIRMED_EDITED if self.kind == self.Kind.EDITED else LABEL_TEXT_CONFIRMED)
        if self.tier == self.Tier.DECLARED:
            # The wording follows the degree: AI-assisted work does not "contain AI-generated content".
            return str(
                LABEL_TEXT_DECLARED if self.kind == self.Kind.GENERATED else LABEL_TEXT_DECLARED_ASSISTED
            )
        return str(LABEL_TEXT_SUSPECTED)


LABEL_TEXT_CONFIRMED = _("AI-generated content")
LABEL_TEXT_CONFIRMED_EDITED = _("Edited with AI")
LABEL_TEXT_DECLARED = _("Creator declared: contains AI-generated content")
LABEL_TEXT_DECLARED_ASSISTED = _("Creator declared: made with AI assistance")
LABEL_TEXT_SUSPECTED = _("Suspected AI-generated content — please judge carefully")


class ImageScan(models.Model):
    """The provenance read of one image's original bytes (notes.provenance), stored for display."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be scanned")
        DONE = "done", _("Scanned")
        FAILED = "failed", _("Scan failed")

    image = models.OneToOneField(
        NoteImage, on_delete=models.CASCADE, related_name="scan", verbose_name=_("image")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    tier = models.CharField(_("tier"), max_length=12, blank=True, choices=SCAN_TIERS)
    kind = models.CharField(_("kind"), max_length=12, blank=True, choices=SCAN_KINDS)
    # The bytes that were read: a retry of the same bytes is a no-op.
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256"))
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("provenance scan")
        verbose_name_plural = _("provenance scans")
        constraints = [
            # Only the reader's tiers and kinds; a finished scan always names its tier.
            models.CheckConstraint(
                condition=Q(tier__in=["", "none", "suspected", "confirmed"])
                & Q(kind__in=["", "generated", "edited"]),
                name="notes_imagescan_tier_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(tier=""), name="notes_imagescan_done_has_tier"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.image_id}: {self.status} {self.tier}"


class ProvenanceSignal(models.Model):
    """One piece of evidence found in an image's original bytes, with where and the raw value."""

    image = models.ForeignKey(
        NoteImage, on_delete=models.CASCADE, related_name="signals", verbose_name=_("image")
    )
    kind = models.CharField(_("kind"), max_length=20)
    location = models.CharField(_("found in"), max_length=80)
    value = models.TextField(_("raw value"), blank=True)
    ai = models.CharField(_("AI claim"), max_length=12, blank=True, choices=SCAN_KINDS)
    tier = models.CharField(_("tier"), max_length=12, choices=SCAN_TIERS[1:])
    readable = models.BooleanField(_("readable"), default=True)
    details = models.JSONField(default=dict, blank=True, verbose_name=_("details"))

    class Meta:
        ordering = ["image_id", "id"]
        verbose_name = _("provenance signal")
        verbose_name_plural = _("provenance signals")
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__in=["none", "suspected", "confirmed"])
                & Q(ai__in=["", "generated", "edited"]),
                name="notes_signal_tier_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}@{self.location}"


class AudioPart(models.TextChoices):
    """What AI did in a video's sound, when the creator says AI took part in it."""

    VOICE_CLONED = "voice_cloned", _("A cloned voice")
    VOICE_SYNTHETIC = "voice_synthetic", _("A synthesised voice")
    MUSIC = "music", _("Generated music")


def _video_path(instance: NoteVideo, filename: str) -> str:
    return f"notes/{instance.note.public_id}/{filename}"


class NoteVideo(models.Model):
    """A note's one video: the upload kept byte for byte, its web rendition and poster, its scan, and
    the creator's answer per modality (visuals, audio; the text is the declaration's)."""

    class Format(models.TextChoices):
        MP4 = "MP4", "MP4"
        MOV = "MOV", "QuickTime"
        WEBM = "WEBM", "WebM"

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting to be processed")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Processing failed")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # One video per note (the database says so: a second upload cannot slip in beside the first).
    note = models.OneToOneField(Note, on_delete=models.CASCADE, related_name="video", verbose_name=_("note"))
    original = models.FileField(
        _("original upload"), upload_to=_original_path, storage=_originals_storage, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    original_format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    original_size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    duration = models.FloatField(_("duration in seconds"))
    has_audio = models.BooleanField(_("has sound"), default=False)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.CharField(_("why processing failed"), max_length=300, blank=True)
    # The run processing it: when it took the video (its lease) and how many runs have tried.
    started_at = models.DateTimeField(_("processing started"), null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("processing attempts"), default=0, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    rendition = models.FileField(_("web rendition"), upload_to=_video_path, max_length=200, blank=True)
    rendition_size = models.PositiveBigIntegerField(_("rendition size in bytes"), default=0)
    poster = models.ImageField(_("poster frame"), upload_to=_video_path, max_length=200, blank=True)

    # The provenance scan of the original (``notes.provenance``), kept with the video: signals as the
    # reader returns them (kind, location, value, ai, tier, readable, details).
    scan_status = models.CharField(
        _("scan"), max_length=10, choices=ImageScan.Status.choices, default=ImageScan.Status.PENDING
    )
    scan_tier = models.CharField(_("tier"), max_length=12, blank=True, choices=SCAN_TIERS)
    scan_kind = models.CharField(_("kind"), max_length=12, blank=True, choices=SCAN_KINDS)
    scan_sha256 = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("scanned file SHA-256")
    )
    signals = models.JSONField(_("provenance signals"), default=list, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)

    # The creator's answer per modality; null until declared (never defaulted silently).
    visual_degree = models.CharField(  # noqa: DJ001 - null means "not answered", distinct from "none"
        _("AI use in the picture"), max_length=12, choices=Degree.choices, null=True
    )
    audio_degree = models.CharField(  # noqa: DJ001 - null means "not answered", distinct from "none"
        _("AI use in the sound"), max_length=12, choices=Degree.choices, null=True
    )
    audio_parts = models.JSONField(_("what AI did in the sound"), default=list, blank=True)
    visual_tools = models.JSONField(_("tools for the picture"), default=list, blank=True)
    audio_tools = models.JSONField(_("tools for the sound"), default=list, blank=True)
    # "AI-animated from my own artwork": the creator's own note (and image) the video brings to life.
    animated_from_note = models.ForeignKey(
        Note,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="animations",
        verbose_name=_("animated from note"),
    )
    animated_from_image = models.ForeignKey(
        NoteImage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="animations",
        verbose_name=_("animated from image"),
    )
    animated_from_own = models.BooleanField(_("animated from the creator's own artwork"), default=False)

    # The original-quality download (streams copied, metadata dropped, the platform's label in the
    # XMP box), rendered once per label state like an image's.
    download = models.FileField(
        upload_to=_download_path,
        storage=_originals_storage,
        max_length=200,
        blank=True,
        editable=False,
        verbose_name=_("download copy"),
    )
    download_key = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("download copy key")
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created"))

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        constraints = [
            # Progress is a percentage; the edit page draws it as one.
            models.CheckConstraint(condition=Q(progress__lte=100), name="notevideo_progress_percent"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY


class Featuring(models.Model):
    """Staff feature a note as encouraged AI creation; the quality bonus becomes the featured bonus."""

    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="featurings", verbose_name=_("note")
    )
    reason = models.TextField(_("why it is featured"), max_length=1000)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("featured by")
    )
    featured_at = models.DateTimeField(_("featured at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    class Meta:
        ordering = ["-featured_at", "-id"]
        verbose_name = _("featuring")
        verbose_name_plural = _("featurings")
        permissions = [("feature_note", _("Can feature notes"))]
        constraints = [
            # A note is featured at most once at a time.
            models.UniqueConstraint(
                fields=["note"], condition=Q(ended_at__isnull=True), name="notes_featuring_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.note_id} @ {self.featured_at:%Y-%m-%d}"


class Boost(models.Model):
    """A compensation voucher redeemed on a note: its impressions are delivered through reserved
    feed slots until delivered or ended."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Delivering")
        DELIVERED = "delivered", _("Delivered")
        ENDED = "ended", _("Ended before delivery")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    voucher = models.OneToOneField(
        "appeals.CompensationVoucher",
        on_delete=models.PROTECT,
        related_name="boost",
        verbose_name=_("voucher"),
    )
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="boosts", verbose_name=_("note"))
    target = models.PositiveIntegerField(_("impressions to deliver"))
    delivered = models.PositiveIntegerField(_("impressions delivered"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ends_at = models.DateTimeField(_("delivery ends"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("boost")
        verbose_name_plural = _("boosts")
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0), name="notes_boost_positive"),
            # One boost runs per note at a time: a second voucher waits for another note.
            models.UniqueConstraint(
                fields=["note"], condition=Q(state="active"), name="notes_boost_one_active_per_note"
            ),
        ]
        indexes = [
            # Reserved feed slots (notes.selectors.boosted_note_ids) and the traffic task
            # (notes.services.traffic.boosts_finish_due): the few active boosts, found by state.
            models.Index(fields=["state", "started_at"], name="notes_boost_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id}: {self.delivered}/{self.target}"

    @property
    def progress(self) -> int:
        """Delivered share in whole percent, 0..100."""
        return min(100, self.delivered * 100 // self.target) if self.target else 100


class DistributionFactor(models.Model):
    """One factor of a note's distribution weight, with its reason (derived, never edited)."""

    class Name(models.TextChoices):
        QUALITY_BONUS = "quality_bonus", _("Quality bonus")
        UNDECLARED_AI = "undeclared_ai", _("Undeclared AI")
        REDUCED = "reduced_distribution", _("Reduced distribution")
        ACCOUNT_LIMIT = "account_limit", _("Account measure")

    class Reason(models.TextChoices):
        ELIGIBLE = "eligible", _("Declared AI work that is original and substantive: quality bonus.")
        FEATURED = "featured", _("Featured by Sunlight as encouraged AI creation.")
        NOT_DECLARED = "not_declared", _("No AI use declared: the bonus rewards declared AI work.")
        NOT_SUBSTANTIVE = (
            "not_substantive",
            _("Too little to go on yet: a few sentences about the work, or several images, earn the bonus."),
        )
        NEAR_DUPLICATE = "near_duplicate", _("Too close to a note another creator published earlier.")
        DECISION_IN_FORCE = "decision_in_force", _("A decision about this note is in force.")
        BONUS_WITHDRAWN = "bonus_withdrawn", _("The bonus was withdrawn by a decision.")
        ACCOUNT_STANDING = "account_standing", _("A measure against the account is in force.")
        UNDECLARED_AI = "undeclared_ai", _("Sunlight labelled AI content the declaration did not cover.")
        REDUCED = "reduced", _("A decision reduces this note's distribution.")
        ACCOUNT_LIMIT = "account_limit", _("A measure against the account limits its reach.")

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="factors", verbose_name=_("note"))
    name = models.CharField(_("factor"), max_length=24, choices=Name.choices)
    value = models.FloatField(_("multiplier"))
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    # Facts behind the reason that readers of the traffic page see (e.g. the earlier note).
    details = models.JSONField(_("details"), default=dict, blank=True)
    decision = models.ForeignKey(
        "appeals.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision"),
    )
    featuring = models.ForeignKey(
        Featuring,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("featuring"),
    )
    until = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["note_id", "id"]
        verbose_name = _("distribution factor")
        verbose_name_plural = _("distribution factors")
        constraints = [
            models.UniqueConstraint(fields=["note", "name"], name="notes_factor_one_per_name"),
            models.CheckConstraint(condition=Q(value__gt=0), name="notes_factor_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id}: {self.name} ×{self.value:g}"


class NoteFingerprint(models.Model):
    """What the originality check compares: a MinHash of the note's text (datasketch) and the
    perceptual hashes of its images, with the LSH keys that find candidates by index."""

    note = models.OneToOneField(
        Note, on_delete=models.CASCADE, related_name="fingerprint", verbose_name=_("note")
    )
    # SHA-256 of the normalised text and the image hashes the fingerprint was built from.
    source = models.CharField(max_length=64, verbose_name=_("source"))
    minhash = models.BinaryField(blank=True, verbose_name=_("MinHash"))

    class Meta:
        verbose_name = _("note fingerprint")
        verbose_name_plural = _("note fingerprints")

    def __str__(self) -> str:
        return str(self.note_id)


class SimilarityKey(models.Model):
    """One LSH key of a note: a band of its text MinHash, or a 16-bit chunk of an image hash."""

    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="similarity_keys", verbose_name=_("note")
    )
    key = models.BigIntegerField(verbose_name=_("key"))

    class Meta:
        verbose_name = _("similarity key")
        verbose_name_plural = _("similarity keys")
        constraints = [models.UniqueConstraint(fields=["note", "key"], name="notes_simkey_unique")]
        indexes = [
            # Candidates for the originality check (notes.services.distribution.near_duplicate_of):
            # notes sharing a key.
            models.Index(fields=["key"], name="notes_simkey_key_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id}:{self.key}"


class ImpressionDay(models.Model):
    """Impressions of a note on one day, split by where they came from (flushed from the counters)."""

    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, related_name="impression_days", verbose_name=_("note")
    )
    day = models.DateField(_("day"))
    organic = models.PositiveIntegerField(_("organic"), default=0)
    bonus = models.PositiveIntegerField(_("from the bonus"), default=0)
    boost = models.PositiveIntegerField(_("from a boost"), default=0)

    class Meta:
        ordering = ["note_id", "day"]
        verbose_name = _("daily impressions")
        verbose_name_plural = _("daily impressions")
        constraints = [
            # One row per note and day; the flush adds to it (notes.impressions.impressions_flush).
            models.UniqueConstraint(fields=["note", "day"], name="notes_impressions_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id} {self.day}: {self.organic}+{self.bonus}+{self.boost}"

    @property
    def total(self) -> int:
        return self.organic + self.bonus + self.boost


class Comment(models.Model):
    """A reader's comment on a published note: plain text, shown escaped."""

    class State(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        DELETED = "deleted", _("Deleted by its author")
        REMOVED = "removed", _("Removed by a decision")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="comments", verbose_name=_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments", verbose_name=_("author")
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.VISIBLE)
    client = models.CharField(_("client"), max_length=4, choices=Client.choices)
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            # A note's comments in order (notes.selectors.comments_for_note).
            models.Index(fields=["note", "created_at"], name="notes_comment_note_idx"),
            # An account's recent activity (the automation scan).
            models.Index(fields=["author", "created_at"], name="notes_comment_author_idx"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Like(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="likes", verbose_name=_("note"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes", verbose_name=_("user")
    )
    client = models.CharField(_("client"), max_length=4, choices=Client.choices)
    created_at = models.DateTimeField(_("liked"), default=timezone.now)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [models.UniqueConstraint(fields=["note", "user"], name="notes_like_once")]
        indexes = [
            # An account's recent activity (the automation scan).
            models.Index(fields=["user", "created_at"], name="notes_like_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.note_id}"


class TutorialRule(models.Model):
    """A phrase or regular expression that marks a "how to remove AI labels" tutorial (staff-managed)."""

    class Kind(models.TextChoices):
        PHRASE = "phrase", _("Phrase (case and width ignored)")
        REGEX = "regex", _("Regular expression")

    pattern = models.CharField(_("pattern"), max_length=300)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.PHRASE)
    description = models.CharField(_("what it catches"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["pattern"]
        verbose_name = _("label-removal tutorial rule")
        verbose_name_plural = _("label-removal tutorial rules")
        constraints = [models.UniqueConstraint(fields=["pattern", "kind"], name="notes_tutorialrule_unique")]

    def __str__(self) -> str:
        return self.pattern

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.pattern.strip():
            raise ValidationError({"pattern": _("Write the phrase or expression to look for.")})
        if self.kind == self.Kind.REGEX:
            import regex

            from notes.rule_patterns import pattern_too_slow

            try:
                regex.compile(self.pattern)
            except regex.error as exc:
                raise ValidationError(
                    {"pattern": _("Not a valid regular expression: %(error)s") % {"error": exc}}
                ) from exc
            if pattern_too_slow(self.pattern):
                raise ValidationError(
                    {
                        "pattern": _(
                            "This expression can take too long on some texts. Avoid repetition inside "
                            "repetition, such as (a+)+ or (a|aa)*."
                        )
                    }
                )


class AutomationCase(models.Model):
    """An account whose activity looked machine-driven (notes.automation.signals), for staff to review."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ESCALATED = "escalated", _("Escalated to a measure")
        DISMISSED = "dismissed", _("Dismissed")
        ACTED = "acted", _("Measure by the clearest rule")

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="automation_cases",
        verbose_name=_("account"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    score = models.FloatField(_("score"))
    clearest = models.BooleanField(_("all signals fired"), default=False)
    signals = models.JSONField(_("signals"), default=list)
    window_start = models.DateTimeField(_("activity from"))
    window_end = models.DateTimeField(_("activity until"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    staff_note = models.TextField(_("note (staff only)"), blank=True, max_length=2000)
    decision = models.ForeignKey(
        "appeals.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("measure"),
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("automation case")
        verbose_name_plural = _("automation cases")
        constraints = [
            # One open case per account: a new scan updates it instead of opening another.
            models.UniqueConstraint(
                fields=["account"], condition=Q(state="open"), name="notes_case_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} ({self.score:.2f})"


REPORT_COMMENT_MAX = 1000


class Report(models.Model):
    """What readers reported about one note, comment or account in one category: reports of the same
    thing are merged into one (each reader's filing is a ``ReportFiling``) until staff resolve it."""

    class SubjectType(models.TextChoices):
        NOTE = "note", _("Note")
        COMMENT = "comment", _("Comment")
        ACCOUNT = "account", _("Account")

    class Category(models.TextChoices):
        AI_FORGERY = "ai_forgery", _("AI forgery: a fabricated personal experience")
        IMPERSONATION = "impersonation", _("Impersonation of a real person")
        MISSING_LABEL = "missing_label", _("AI content without a label")
        AI_MANAGED_ACCOUNT = "ai_managed_account", _("An AI-managed account")
        LABEL_REMOVAL_TUTORIAL = "label_removal_tutorial", _("A tutorial on removing AI labels")
        OTHER = "other", _("Something else")

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        DISMISSED = "dismissed", _("Reviewed: no action")
        ACTIONED = "actioned", _("Reviewed: action taken")

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject_type = models.CharField(_("about"), max_length=10, choices=SubjectType.choices)
    note = models.ForeignKey(
        Note, on_delete=models.CASCADE, null=True, blank=True, related_name="reports", verbose_name=_("note")
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("comment"),
    )
    # The account reported, or whose note or comment is: never one of the reporters.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports_against",
        verbose_name=_("account"),
    )
    # "note:<uuid>", "comment:<uuid>" or "account:<uuid>": what the report is about, in one column.
    subject_key = models.CharField(max_length=60, editable=False, verbose_name=_("subject key"))
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    filings_count = models.PositiveIntegerField(_("reports"), default=1)
    first_at = models.DateTimeField(_("first reported"), default=timezone.now)
    last_at = models.DateTimeField(_("last reported"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    reply = models.TextField(_("reply to the reporters"), blank=True, max_length=2000)
    decision = models.ForeignKey(
        "appeals.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision"),
    )

    class Meta:
        ordering = ["-last_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # Reports of the same thing in the same category merge into one open report.
            models.UniqueConstraint(
                fields=["subject_key", "category"], condition=Q(state="open"), name="notes_report_one_open"
            ),
        ]
        indexes = [
            # The staff queue: open reports, most reported first (the admin's default order).
            models.Index(fields=["state", "-filings_count"], name="notes_report_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.filings_count})"

    @property
    def subject(self) -> object:
        return self.comment or self.note or self.account


class ReportFiling(models.Model):
    """One reader's report, with their words; they are told the outcome."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="filings", verbose_name=_("report")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_filings",
        verbose_name=_("reporter"),
    )
    comment = models.TextField(_("comment"), blank=True, max_length=REPORT_COMMENT_MAX)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report filing")
        verbose_name_plural = _("report filings")
        constraints = [models.UniqueConstraint(fields=["report", "reporter"], name="notes_filing_once")]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.report_id}"
