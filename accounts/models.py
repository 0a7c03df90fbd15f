from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A Sunlight account: creators, readers and staff alike. Email is the login."""

    # A public, unguessable id for URLs and the API; the integer pk stays internal.
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("email address"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # The language of notifications and emails (pages follow the browser or the switcher).
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Staff can sign in to the admin site (with MFA).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Part of every session's auth hash: raising it signs the account out everywhere — browser
    # sessions and the app's session tokens alike (accounts.services.user_sessions_revoke).
    session_version = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("session version")
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Login is by email and case must not create a second account.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """What other people see: never the email address."""
        return self.display_name or _("Creator %(id)s") % {"id": str(self.public_id)[:8]}

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's hash of the password, plus ``session_version`` once it was raised: used for the
        current key and for every fallback key alike, so a key rotation never revives revoked sessions."""
        from django.utils.crypto import salted_hmac

        if not self.session_version:
            return super()._get_session_auth_hash(secret=secret)  # sessions made before this field stay valid
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]


class Notification(models.Model):
    """An in-app message to one user; the same event may also go out by email."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # Where the notification leads (a path on this site), e.g. the decision it is about.
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The event's parameters (ids, titles, outcomes): the message is made from them in the reader's
    # language when read (accounts.notifications.render); title and body are what the email said.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The notification centre lists one user's newest first.
            models.Index(fields=["recipient", "-created_at"], name="accounts_notif_list_idx"),
            # The unread badge on every page counts these.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="accounts_notif_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title
