"""The access matrix: every URL Sunlight serves, checked against six personas.

Every URL pattern the resolver knows (walked recursively, namespaces included) must be accounted
for, either in ``MATRIX`` (Sunlight's own pages, API operations and admin views, each checked as
every persona) or in ``LIBRARY`` (third-party pages we mount but do not own, given a one-line
reason and a light check). ``test_every_url_has_an_entry`` fails, naming the pattern, as soon as
a URL lands without an entry.

The personas, in the order every ``expect`` tuple lists them:

* ``anonymous``: not signed in.
* ``creator_a``: owns everything in the ``World`` (draft, published note, decision, appeal...).
* ``creator_b``: another creator, owning nothing of A's.
* ``staff_no_mfa``: ``is_staff`` and the check's permissions, but no authenticator app.
* ``staff_no_perm``: staff with TOTP set up (``staff_with_permissions()``), no permission.
* ``staff_perm``: staff with TOTP and exactly the check's ``perms``. Staff are not authors: a
  creator-only page answers them as it answers creator B, whatever their permissions.

Browser personas sign in with ``force_login``; on API checks (``api=True``) creators send an
``X-Session-Token`` from allauth headless, as the mobile app does, and staff use their session.

Adding an entry when a URL lands:

1. Add objects the URL needs to ``World`` as a ``cached_property`` (built only when used).
2. Add ``MATRIX["<namespace:name>"] = (Check(...), ...)``: one ``Check`` per HTTP method (and per
   object state when access differs, e.g. a draft and a published note), with its six expected
   outcomes. An outcome is an exact status code, or ``Go(...)`` for a redirect and where it leads
   (``LOGIN``, ``ADMIN_LOGIN``, ``MFA_SETUP``). For a POST, send an empty or minimal body; give
   ``intact`` (what must still hold after anyone but the entitled ``actor``, creator A by
   default, tried) and, for lists, ``private`` (a string only creator A's answer may contain) or
   ``hidden`` (strings no one's answer may contain).
3. A new model in the admin: add it to ``ADMIN_MODELS``; its generated URLs follow the rules in
   ``admin_model_entries``. A custom admin view gets a hand-written entry.
4. A third-party URL: add it to ``LIBRARY`` with the reason it is not ours.

An expected outcome the code does not yet give (an access bug) is written as the *correct* outcome
wrapped in ``Bug(outcome, reason)``: that one (entry, persona) is then a strict xfail, and turns
into a failure once the code is fixed, to have the ``Bug`` removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts.models import User
from accounts.services import notification_create
from appeals import services as appeal_services
from appeals.models import CompensationVoucher, Decision
from appeals.services import Statement
from notes import scanning
from notes import services as note_services
from notes.models import Note
from portal.models import DsaStatement, TransparencySnapshot
from tests.appeals.conftest import pdf_bytes
from tests.factories import PASSWORD, DecisionFactory, UserFactory, staff_with_permissions
from tests.images import a1111_png_bytes
from tests.notes.conftest import make_draft, make_published
from tests.notes.videos import make_video_draft, make_video_published
from tests.support import headless_login

PERSONAS = ("anonymous", "creator_a", "creator_b", "staff_no_mfa", "staff_no_perm", "staff_perm")

DRAFT_TITLE = "Draft only creator A sees"
PUBLISHED_TITLE = "Published by creator A"
WITHHELD_TITLE = "Removed by a decision"
NOTICE_TITLE = "Notice meant for creator A"
VIDEO_TITLE = "A video draft of creator A"


# --- Outcomes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Go:
    """A redirect: ``status`` and a Location starting with (or, if ``exact``, equal to) ``to``."""

    to: str | Callable[[World], str]
    exact: bool = False
    status: int = 302

    def target(self, world: World) -> str:
        return self.to(world) if callable(self.to) else self.to


@dataclass(frozen=True)
class Bug:
    """The correct outcome, which the code does not give yet: a strict xfail for this persona."""

    expected: int | Go
    reason: str


Outcome = int | Go | Bug

LOGIN = Go("/accounts/login/?next=")
ADMIN_LOGIN = Go("/admin/login/?next=")
MFA_SETUP = Go("/accounts/2fa/totp/activate/", exact=True)


@dataclass(frozen=True)
class Check:
    method: str
    url: Callable[[World], str]
    expect: tuple[Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]
    perms: tuple[str, ...] = ()
    data: Callable[[World], dict] | None = None
    api: bool = False
    format: str = "json"
    label: str = ""
    # Must still hold after every persona but ``actor`` (who may change things) sent the request.
    intact: Callable[[World], bool] | None = None
    actor: str = "creator_a"
    # Appears in creator A's successful answer and in nobody else's.
    private: Callable[[World], str] | None = None
    # Appears in nobody's answer (what no page or list may show, e.g. a draft in the feed).
    hidden: Callable[[World], tuple[str, ...]] | None = None


def get(url: Callable[[World], str], expect: tuple, **kwargs: object) -> Check:
    return Check("GET", url, expect, **kwargs)


def post(url: Callable[[World], str], expect: tuple, **kwargs: object) -> Check:
    return Check("POST", url, expect, **kwargs)


def api(method: str, url: Callable[[World], str], expect: tuple, **kwargs: object) -> Check:
    return Check(method, url, expect, api=True, **kwargs)


# --- The world ----------------------------------------------------------------------------------


class World:
    """Creator A's objects, each built on first use (most checks need one or two)."""

    def __init__(self) -> None:
        self.a = UserFactory(email="creator-a@example.com", display_name="Creator A")
        self.b = UserFactory(email="creator-b@example.com", display_name="Creator B")

    @cached_property
    def draft(self):
        return make_draft(self.a, images=1, title=DRAFT_TITLE)

    @cached_property
    def draft_image(self):
        return self.draft.images.get()

    @cached_property
    def published(self):
        return make_published(self.a, images=1, title=PUBLISHED_TITLE)

    @cached_property
    def published_image(self):
        return self.published.images.get()

    @cached_property
    def withheld(self):
        """A published note a staff removal decision withholds: its author still sees it."""
        note = make_published(self.a, images=1, title=WITHHELD_TITLE)
        note_services.note_decide(
            note=note,
            acting_user=staff_with_permissions("decide"),
            kind=Decision.Kind.REMOVAL,
            statement=Statement(
                summary="Removed.", facts="An impersonation.", rule_code=Decision.RuleCode.AI_FORGERY
            ),
        )
        note.refresh_from_db()
        assert note.withheld_now()
        return note

    @cached_property
    def deleted(self):
        """A note its author deleted: no one sees it any more, its author neither."""
        note = make_published(self.a, images=1, title="Deleted by creator A")
        note_services.note_delete(note=note, acting_user=self.a)
        return note

    @cached_property
    def deleted_image(self):
        return self.deleted.images.get()

    @cached_property
    def withheld_image(self):
        return self.withheld.images.get()

    @cached_property
    def video_draft(self):
        return make_video_draft(self.a, title=VIDEO_TITLE)

    @cached_property
    def video_published(self):
        return make_video_published(self.a, title="A published video")

    @cached_property
    def b_draft(self):
        """Creator B's own draft: a container B may open, to try A's ids in."""
        return make_draft(self.b, images=1, title="Creator B's draft")

    @cached_property
    def b_appeal(self):
        return appeal_services.appeal_file(
            decision=DecisionFactory(subject_owner=self.b), appellant=self.b, reason="Mine too."
        )

    @cached_property
    def topic(self):
        return self.published.topics.order_by("slug").first()

    @cached_property
    def decision(self):
        return DecisionFactory(subject_owner=self.a)

    @cached_property
    def dsa_statement(self):
        from portal.statements import statements_collect

        decision = self.decision
        statements_collect()
        return DsaStatement.objects.get(decision=decision)

    @cached_property
    def snapshot(self):
        from portal.transparency import snapshots_refresh

        snapshots_refresh()
        return TransparencySnapshot.objects.get(period="total")

    @cached_property
    def appeal(self):
        return appeal_services.appeal_file(
            decision=self.decision, appellant=self.a, reason="I drew it.", files=[("sketch.pdf", pdf_bytes())]
        )

    @cached_property
    def evidence(self):
        return self.appeal.evidence.get()

    @cached_property
    def notification(self):
        return notification_create(recipient=self.a, kind="decision", title=NOTICE_TITLE)

    @cached_property
    def voucher(self):
        return CompensationVoucher.objects.create(
            owner=self.a,
            decision=self.decision,
            impressions=4321,
            expires_at=timezone.now() + timedelta(days=30),
        )

    @cached_property
    def boost(self):
        return note_services.voucher_redeem(
            voucher_id=self.voucher.public_id, note_id=self.published.public_id, acting_user=self.a
        )

    @cached_property
    def featuring(self):
        return note_services.note_feature(
            note=self.published,
            acting_user=staff_with_permissions("feature_note"),
            reason="Her own painting.",
        )

    @cached_property
    def comment(self):
        """Creator A's comment on their own published note."""
        return note_services.comment_create(note=self.published, author=self.a, body="A's own comment")

    @cached_property
    def tutorialrule(self):
        from notes.models import TutorialRule

        return TutorialRule.objects.create(pattern="matrix phrase", kind="phrase")

    @cached_property
    def report(self):
        from notes.services.reports import report_file

        report_file(reporter=self.a, subject_type="account", subject_id=self.b.public_id, category="other")
        return self.a.report_filings.get().report

    @cached_property
    def case(self):
        from notes.models import AutomationCase

        now = timezone.now()
        return AutomationCase.objects.create(
            account=self.b, score=0.67, signals=[], window_start=now - timedelta(hours=48), window_end=now
        )

    @cached_property
    def scan(self):
        """An image with generator metadata, scanned: an ImageScan and its ProvenanceSignals."""
        note = note_services.note_create(author=self.a, title="Harbour sketch")
        image = note_services.note_image_add(
            note=note, acting_user=self.a, data=a1111_png_bytes(), filename="harbour.png"
        )
        return scanning.image_scan(image_id=image.pk)

    @cached_property
    def signal(self):
        return self.scan.image.signals.order_by("pk").first()

    @cached_property
    def group(self):
        return Group.objects.create(name="Moderators")

    @cached_property
    def email_address(self):
        return self.a.emailaddress_set.get()

    @cached_property
    def authenticator(self):
        return TOTP.activate(UserFactory(), generate_totp_secret()).instance

    def client(self, persona: str, *, perms: tuple[str, ...], api: bool) -> APIClient:
        client = APIClient()
        if persona == "anonymous":
            return client
        if persona in ("creator_a", "creator_b"):
            user = self.a if persona == "creator_a" else self.b
            if api:
                client.credentials(HTTP_X_SESSION_TOKEN=headless_login(client, user.email, PASSWORD))
            else:
                client.force_login(user)
            return client
        found = Permission.objects.filter(codename__in=perms)
        assert found.count() == len(set(perms)), f"unknown or ambiguous permission in {perms}"
        if persona == "staff_no_mfa":
            user = UserFactory(is_staff=True)
            user.user_permissions.add(*found)
        elif persona == "staff_no_perm":
            user = staff_with_permissions()
        else:
            user = staff_with_permissions(*perms)
        client.force_login(user)
        return client


# --- Helpers for URLs ---------------------------------------------------------------------------


def note_url(name: str, attr: str = "draft") -> Callable[[World], str]:
    return lambda w: reverse(name, args=[getattr(w, attr).public_id])


def image_url(name: str, attr: str = "draft") -> Callable[[World], str]:
    return lambda w: reverse(name, args=[getattr(w, attr).public_id, getattr(w, f"{attr}_image").public_id])


def appeal_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.appeal.public_id])


def decision_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.decision.public_id])


def voucher_url(name: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[w.voucher.public_id])


def voucher_unspent(w: World) -> bool:
    w.voucher.refresh_from_db()
    return w.voucher.redeemed_at is None


def not_featured(w: World) -> bool:
    return not w.published.featurings.exists()


def fixed(path: str) -> Callable[[World], str]:
    return lambda w: path


def hidden_notes(w: World) -> tuple[str, ...]:
    return (w.draft.title, w.withheld.title, str(w.draft.public_id), str(w.withheld.public_id))


def draft_unchanged(w: World) -> bool:
    note = Note.objects.get(pk=w.draft.pk)
    return note.state == Note.State.DRAFT and note.title == DRAFT_TITLE and note.images.count() == 1


def video_draft_unchanged(w: World) -> bool:
    note = Note.objects.get(pk=w.video_draft.pk)
    return note.state == Note.State.DRAFT and note.title == VIDEO_TITLE and hasattr(note, "video")


def notification_unread(w: World) -> bool:
    w.notification.refresh_from_db()
    return w.notification.read_at is None


def appeal_untouched(w: World) -> bool:
    w.appeal.refresh_from_db()
    return w.appeal.state == "submitted" and w.appeal.evidence.count() == 1


def decision_not_appealed(w: World) -> bool:
    return not w.decision.appeals.exists()


# --- The matrix: Sunlight's own URLs ------------------------------------------------------------
#
# Columns of every ``expect``: anonymous, creator A, creator B, staff without MFA,
# staff with MFA and no permission, staff with MFA and ``perms``.

MATRIX: dict[str, tuple[Check, ...]] = {
    # portal/urls.py
    "healthz": (get(fixed("/healthz"), (200, 200, 200, 200, 200, 200)),),
    # For the Prometheus scraper's bearer token only (tests/portal/test_observability.py): no person,
    # staff included, reads it with a session.
    "metrics": (get(fixed("/metrics"), (404, 404, 404, 404, 404, 404)),),
    "guidelines": (get(fixed("/guidelines/"), (200, 200, 200, 200, 200, 200)),),
    "transparency": (get(fixed("/transparency/"), (200, 200, 200, 200, 200, 200)),),
    # Browsers ask for /favicon.ico: a permanent redirect to the site's icon, for everyone.
    "favicon": (get(fixed("/favicon.ico"), (Go("/static/img/sunlight.svg", status=301),) * 6),),
    # Anyone may ask for a confirmation link again; the answer never says whether the address exists.
    "verification-resend": (
        get(fixed("/account/confirmation/resend/"), (405, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            fixed("/account/confirmation/resend/"),
            (Go("/accounts/confirm-email/", exact=True),) * 6,
            data=lambda w: {"email": "nobody@example.com"},
            intact=lambda w: True,
        ),
    ),
    # The report's charts and downloads: public, like the page (stored snapshots only).
    "transparency-chart": (get(fixed("/transparency/charts/labels.svg"), (200, 200, 200, 200, 200, 200)),),
    "transparency-download": (
        get(fixed("/transparency/report.csv"), (200, 200, 200, 200, 200, 200), label="csv"),
        get(fixed("/transparency/report.json"), (200, 200, 200, 200, 200, 200), label="json"),
    ),
    # Our view serving allauth headless's specification (public, as the spec is documentation).
    "auth-openapi-json": (get(fixed("/_allauth/openapi.json"), (200, 200, 200, 200, 200, 200)),),
    "note-media": (
        get(
            lambda w: w.published_image.display.url,
            (200, 200, 200, 200, 200, 200),
            label="published",
        ),
        get(
            lambda w: w.draft_image.display.url,
            (404, 200, 404, 404, 404, 404),
            perms=("view_note",),
            label="draft",
        ),
        get(
            lambda w: w.draft_image.thumbnail.url,
            (404, 200, 404, 404, 404, 404),
            perms=("view_note",),
            label="draft-thumbnail",
        ),
        get(
            lambda w: w.withheld_image.display.url,
            (404, 200, 404, 404, 404, 200),  # moderators review what a decision removed
            perms=("view_note",),
            label="withheld",
        ),
        get(
            lambda w: w.deleted_image.display.url,
            (404, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="deleted",
        ),
        # A draft's file name under a published note's id: files are looked up in their note.
        get(
            lambda w: "/media/notes/{}/{}".format(
                w.published.public_id, w.draft_image.display.name.rsplit("/", 1)[1]
            ),
            (404, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="other-note",
        ),
    ),
    # notes/urls.py
    "home": (get(fixed("/"), (200, 200, 200, 200, 200, 200), hidden=hidden_notes),),
    "dashboard": (
        get(
            fixed("/dashboard/"),
            (LOGIN, 200, 200, 200, 200, 200),
            perms=("view_note",),
            private=lambda w: w.draft.title,
        ),
    ),
    "topic": (
        get(lambda w: f"/topics/{w.topic.slug}/", (200, 200, 200, 200, 200, 200), hidden=hidden_notes),
    ),
    "note-new": (
        get(fixed("/notes/new/"), (LOGIN, 200, 200, 200, 200, 200)),
        post(fixed("/notes/new/"), (LOGIN, 400, 400, 400, 400, 400), data=lambda w: {"title": ""}),
    ),
    "note-detail": (
        get(note_url("note-detail", "published"), (200, 200, 200, 200, 200, 200), label="published"),
        get(
            note_url("note-detail"),
            (404, 200, 404, 404, 404, 404),
            perms=("view_note",),
            label="draft",
        ),
        get(
            note_url("note-detail", "withheld"),
            (404, 200, 404, 404, 404, 200),  # moderators review what a decision removed
            perms=("view_note",),
            label="withheld",
        ),
        get(
            note_url("note-detail", "deleted"),
            (404, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="deleted",
        ),
    ),
    "note-edit": (
        get(note_url("note-edit"), (LOGIN, 200, 404, 404, 404, 404), perms=("view_note", "change_note")),
        get(
            note_url("note-edit", "deleted"),
            (LOGIN, 404, 404, 404, 404, 404),
            perms=("view_note", "change_note"),
            label="deleted",
        ),
        post(
            note_url("note-edit"),
            (LOGIN, Go(lambda w: f"/notes/{w.draft.public_id}/edit/", exact=True), 404, 404, 404, 404),
            perms=("view_note", "change_note"),
            data=lambda w: {"title": "Taken over", "body": "", "topics": ""},
            intact=draft_unchanged,
        ),
    ),
    "note-images": (
        get(note_url("note-images"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            note_url("note-images"),
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.draft.public_id}/edit/#h-images", exact=True),
                404,
                404,
                404,
                404,
            ),
            perms=("change_note",),
            intact=draft_unchanged,
        ),
    ),
    "note-video": (
        get(note_url("note-video"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            note_url("note-video"),
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.draft.public_id}/edit/#h-images", exact=True),
                404,
                404,
                404,
                404,
            ),
            perms=("change_note",),
            intact=draft_unchanged,
        ),
    ),
    "note-video-remove": (
        get(
            note_url("note-video-remove", "video_draft"),
            (LOGIN, 405, 405, 405, 405, 405),
            label="not-allowed",
        ),
        post(
            note_url("note-video-remove", "video_draft"),
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.video_draft.public_id}/edit/#h-images", exact=True),
                404,
                404,
                404,
                404,
            ),
            perms=("change_note",),
            intact=video_draft_unchanged,
        ),
    ),
    "note-video-status": (
        get(
            note_url("note-video-status", "video_draft"),
            (LOGIN, 200, 404, 404, 404, 404),
            perms=("view_note",),
        ),
        # A note without a video has no video status, for its author too.
        get(
            note_url("note-video-status"),
            (LOGIN, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="none",
        ),
    ),
    "note-video-download": (
        get(
            note_url("note-video-download", "video_published"),
            (200, 200, 200, 200, 200, 200),
            label="published",
        ),
        get(
            note_url("note-video-download", "video_draft"),
            (404, 200, 404, 404, 404, 404),
            perms=("view_note",),
            label="draft",
        ),
        get(note_url("note-video-download", "published"), (404,) * 6, label="no-video"),
    ),
    "note-scan-status": (
        get(note_url("note-scan-status"), (LOGIN, 200, 404, 404, 404, 404), perms=("view_note",)),
    ),
    "note-image-download": (
        get(
            image_url("note-image-download", "published"),
            (200, 200, 200, 200, 200, 200),
            label="published",
        ),
        get(
            image_url("note-image-download"),
            (404, 200, 404, 404, 404, 404),
            perms=("view_note",),
            label="draft",
        ),
        get(
            image_url("note-image-download", "withheld"),
            (404, 200, 404, 404, 404, 200),
            perms=("view_note",),
            label="withheld",
        ),
        get(
            image_url("note-image-download", "deleted"),
            (404, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="deleted",
        ),
        # A's draft image asked for under a published note it does not belong to.
        get(
            lambda w: reverse("note-image-download", args=[w.published.public_id, w.draft_image.public_id]),
            (404, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="other-note",
        ),
    ),
    "note-image-remove": (
        get(image_url("note-image-remove"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            image_url("note-image-remove"),
            (LOGIN, Go(lambda w: f"/notes/{w.draft.public_id}/edit/", exact=True), 404, 404, 404, 404),
            perms=("change_note",),
            intact=draft_unchanged,
        ),
        # B's own draft, A's image id: B may post to their note, A's image stays.
        post(
            lambda w: reverse("note-image-remove", args=[w.b_draft.public_id, w.draft_image.public_id]),
            (LOGIN, 404, Go(lambda w: f"/notes/{w.b_draft.public_id}/edit/", exact=True), 404, 404, 404),
            perms=("change_note",),
            intact=draft_unchanged,
            actor="nobody",
            label="other-note",
        ),
    ),
    "note-declaration": (
        get(note_url("note-declaration"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            note_url("note-declaration"),
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.draft.public_id}/edit/#h-declaration", exact=True),
                404,
                404,
                404,
                404,
            ),
            perms=("change_note",),
            data=lambda w: {"degree": ""},
            intact=draft_unchanged,
        ),
    ),
    "note-declaration-from-evidence": (
        get(
            note_url("note-declaration-from-evidence"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"
        ),
        post(
            note_url("note-declaration-from-evidence"),
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.draft.public_id}/edit/#h-declaration", exact=True),
                404,
                404,
                404,
                404,
            ),
            perms=("change_note",),
            intact=draft_unchanged,
        ),
    ),
    "note-publish": (
        get(note_url("note-publish"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            note_url("note-publish"),
            # An undeclared draft is refused: back to its edit page with the reason (post/redirect/get).
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.draft.public_id}/edit/#publish", exact=True),
                404,
                404,
                404,
                404,
            ),
            perms=("change_note",),
            intact=draft_unchanged,
        ),
    ),
    "note-image-alt": (
        get(image_url("note-image-alt"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            image_url("note-image-alt"),
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.draft.public_id}/edit/#h-images", exact=True),
                404,
                404,
                404,
                404,
            ),
            perms=("change_note",),
            data=lambda w: {"alt_text": "Fog over a lake"},
            intact=lambda w: type(w.draft_image).objects.get(pk=w.draft_image.pk).alt_text == "",
        ),
    ),
    "note-delete": (
        get(note_url("note-delete"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            note_url("note-delete"),
            (LOGIN, Go("/dashboard/", exact=True), 404, 404, 404, 404),
            perms=("delete_note",),
            intact=draft_unchanged,
        ),
    ),
    "note-traffic": (
        get(note_url("note-traffic", "published"), (LOGIN, 200, 404, 404, 404, 404), perms=("view_note",)),
        get(
            note_url("note-traffic", "deleted"),
            (LOGIN, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="deleted",
        ),
    ),
    "note-traffic-chart": (
        get(
            note_url("note-traffic-chart", "published"),
            (LOGIN, 200, 404, 404, 404, 404),
            perms=("view_note",),
        ),
    ),
    "note-comment": (
        get(note_url("note-comment", "published"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            note_url("note-comment", "published"),
            (LOGIN, *[Go(lambda w: f"/notes/{w.published.public_id}/#comments", exact=True)] * 5),
            data=lambda w: {"body": ""},
        ),
        post(
            note_url("note-comment"),
            (LOGIN, 404, 404, 404, 404, 404),
            data=lambda w: {"body": "On a draft"},
            label="draft",
            intact=lambda w: not w.draft.comments.exists(),
            actor="nobody",
        ),
    ),
    "note-comment-delete": (
        post(
            lambda w: reverse("note-comment-delete", args=[w.published.public_id, w.comment.public_id]),
            (
                LOGIN,
                Go(lambda w: f"/notes/{w.published.public_id}/#comments", exact=True),
                404,
                404,
                404,
                404,
            ),
            intact=lambda w: type(w.comment).objects.get(pk=w.comment.pk).state == "visible",
        ),
    ),
    "note-like": (
        post(
            note_url("note-like", "published"),
            (LOGIN, *[Go(lambda w: f"/notes/{w.published.public_id}/#like", exact=True)] * 5),
            data=lambda w: {"liked": "1"},
        ),
        post(
            note_url("note-like", "withheld"),
            (LOGIN, 404, 404, 404, 404, 404),
            data=lambda w: {"liked": "1"},
            label="withheld",
            intact=lambda w: not w.withheld.likes.exists(),
            actor="nobody",
        ),
    ),
    "report": (
        get(
            lambda w: reverse("report", args=["note", w.published.public_id]),
            (LOGIN, 200, 200, 200, 200, 200),
            label="published",
        ),
        get(
            lambda w: reverse("report", args=["note", w.draft.public_id]),
            (LOGIN, 404, 404, 404, 404, 404),
            label="draft",
        ),
        post(
            lambda w: reverse("report", args=["note", w.published.public_id]),
            (LOGIN, 400, 400, 400, 400, 400),
            data=lambda w: {"category": ""},
            intact=lambda w: not w.published.reports.exists(),
            actor="nobody",
        ),
    ),
    "my-reports": (get(fixed("/reports/"), (LOGIN, 200, 200, 200, 200, 200)),),
    "voucher-redeem": (
        get(voucher_url("voucher-redeem"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            voucher_url("voucher-redeem"),
            (LOGIN, Go("/appeals/wallet/", exact=True), 404, 404, 404, 404),
            perms=("change_compensationvoucher",),
            data=lambda w: {"note": str(w.published.public_id)},
            intact=voucher_unspent,
        ),
    ),
    # accounts/urls.py
    "account": (
        get(fixed("/account/"), (LOGIN, 200, 200, 200, 200, 200)),
        post(
            fixed("/account/"),
            (LOGIN, *[Go("/account/", exact=True)] * 5),
            data=lambda w: {"display_name": "Renamed", "language": "en"},
            intact=lambda w: User.objects.get(pk=w.a.pk).display_name == "Creator A",
        ),
    ),
    "notifications": (
        get(
            fixed("/notifications/"),
            (LOGIN, 200, 200, 200, 200, 200),
            perms=("view_notification",),
            private=lambda w: w.notification.title,
        ),
    ),
    "notifications-read": (
        get(fixed("/notifications/read/"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            fixed("/notifications/read/"),
            (LOGIN, *[Go("/notifications/", exact=True)] * 5),
            perms=("change_notification",),
            data=lambda w: {"id": str(w.notification.pk)},
            intact=notification_unread,
        ),
    ),
    # appeals/urls.py (namespace "appeals")
    "appeals:index": (
        get(
            fixed("/appeals/"),
            (LOGIN, 200, 200, 200, 200, 200),
            perms=("view_decision", "view_appeal"),
            private=lambda w: str(w.decision.public_id),
        ),
    ),
    "appeals:wallet": (
        get(
            fixed("/appeals/wallet/"),
            (LOGIN, 200, 200, 200, 200, 200),
            perms=("view_compensationvoucher",),
            private=lambda w: f"{w.voucher.impressions:,}",
        ),
    ),
    "appeals:standing": (get(fixed("/appeals/standing/"), (LOGIN, 200, 200, 200, 200, 200)),),
    "appeals:decision": (
        get(decision_url("appeals:decision"), (LOGIN, 200, 404, 404, 404, 404), perms=("view_decision",)),
        post(
            decision_url("appeals:decision"),
            (LOGIN, Go("/appeals/"), 404, 404, 404, 404),
            perms=("view_decision", "add_appeal"),
            data=lambda w: {"reason": "It was not me."},
            intact=decision_not_appealed,
        ),
    ),
    "appeals:appeal": (
        get(appeal_url("appeals:appeal"), (LOGIN, 200, 404, 404, 404, 404), perms=("view_appeal",)),
        post(
            appeal_url("appeals:appeal"),
            (LOGIN, 400, 404, 404, 404, 404),
            perms=("view_appeal", "change_appeal"),
            data=lambda w: {"evidence": ""},
            intact=appeal_untouched,
        ),
    ),
    "appeals:withdraw": (
        get(appeal_url("appeals:withdraw"), (LOGIN, 405, 405, 405, 405, 405), label="not-allowed"),
        post(
            appeal_url("appeals:withdraw"),
            (LOGIN, Go(lambda w: f"/appeals/{w.appeal.public_id}/", exact=True), 404, 404, 404, 404),
            perms=("change_appeal", "decide_appeal"),
            intact=appeal_untouched,
        ),
    ),
    # Staff allowed to view appeals see evidence files too, but only with MFA (as in the admin).
    "appeals:evidence": (
        get(
            lambda w: reverse("appeals:evidence", args=[w.appeal.public_id, w.evidence.pk]),
            (LOGIN, 200, 404, 404, 404, 200),
            perms=("view_appeal",),
        ),
        # B's own appeal, A's evidence id: the file is looked up inside the appeal, not found.
        get(
            lambda w: reverse("appeals:evidence", args=[w.b_appeal.public_id, w.evidence.pk]),
            (LOGIN, 404, 404, 404, 404, 404),
            perms=("view_appeal",),
            label="other-appeal",
        ),
    ),
    # The API (namespace "v1"): creators by X-Session-Token, staff by session. Staff permissions
    # open nothing here: the API is the creators' own.
    "v1:me": (
        api("GET", fixed("/api/v1/me/"), (401, 200, 200, 200, 200, 200)),
        api(
            "PATCH",
            fixed("/api/v1/me/"),
            (401, 200, 200, 200, 200, 200),
            data=lambda w: {"display_name": "Renamed"},
            intact=lambda w: User.objects.get(pk=w.a.pk).display_name == "Creator A",
        ),
    ),
    "v1:notification-list": (
        api(
            "GET",
            fixed("/api/v1/notifications/"),
            (401, 200, 200, 200, 200, 200),
            perms=("view_notification",),
            private=lambda w: w.notification.title,
        ),
    ),
    "v1:notification-unread": (
        api("GET", fixed("/api/v1/notifications/unread-count/"), (401, 200, 200, 200, 200, 200)),
    ),
    "v1:notification-read": (
        api(
            "POST",
            fixed("/api/v1/notifications/read/"),
            (401, 200, 200, 200, 200, 200),
            perms=("change_notification",),
            data=lambda w: {"ids": [w.notification.pk]},
            intact=notification_unread,
        ),
    ),
    "v1:decision-list": (
        api(
            "GET",
            fixed("/api/v1/decisions/"),
            (401, 200, 200, 200, 200, 200),
            perms=("view_decision",),
            private=lambda w: str(w.decision.public_id),
        ),
    ),
    "v1:decision-detail": (
        api(
            "GET",
            decision_url("v1:decision-detail"),
            (401, 200, 404, 404, 404, 404),
            perms=("view_decision",),
        ),
    ),
    "v1:appeal-list": (
        api(
            "GET",
            fixed("/api/v1/appeals/"),
            (401, 200, 200, 200, 200, 200),
            perms=("view_appeal",),
            private=lambda w: str(w.appeal.public_id),
        ),
        api(
            "POST",
            fixed("/api/v1/appeals/"),
            (401, 201, 404, 404, 404, 404),
            perms=("view_decision", "add_appeal"),
            data=lambda w: {"decision": str(w.decision.public_id), "reason": "It was not me."},
            intact=decision_not_appealed,
        ),
    ),
    "v1:appeal-detail": (
        api("GET", appeal_url("v1:appeal-detail"), (401, 200, 404, 404, 404, 404), perms=("view_appeal",)),
    ),
    "v1:appeal-withdraw": (
        api(
            "POST",
            appeal_url("v1:appeal-withdraw"),
            (401, 200, 404, 404, 404, 404),
            perms=("change_appeal", "decide_appeal"),
            intact=appeal_untouched,
        ),
    ),
    "v1:appeal-evidence": (
        api(
            "POST",
            appeal_url("v1:appeal-evidence"),
            (401, 400, 404, 404, 404, 404),
            perms=("change_appeal",),
            format="multipart",
            intact=appeal_untouched,
        ),
    ),
    "v1:voucher-list": (
        api(
            "GET",
            fixed("/api/v1/vouchers/"),
            (401, 200, 200, 200, 200, 200),
            perms=("view_compensationvoucher",),
            private=lambda w: str(w.voucher.public_id),
        ),
    ),
    "v1:note-list": (
        api(
            "GET",
            fixed("/api/v1/notes/"),
            (401, 200, 200, 200, 200, 200),
            perms=("view_note",),
            private=lambda w: str(w.draft.public_id),
        ),
        api("POST", fixed("/api/v1/notes/"), (401, 400, 400, 400, 400, 400), data=lambda w: {}),
    ),
    "v1:note-detail": (
        api("GET", note_url("v1:note-detail"), (401, 200, 404, 404, 404, 404), perms=("view_note",)),
        api(
            "GET",
            note_url("v1:note-detail", "withheld"),
            (401, 200, 404, 404, 404, 404),
            perms=("view_note",),
            label="withheld",
        ),
        api(
            "GET",
            note_url("v1:note-detail", "deleted"),
            (401, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="deleted",
        ),
        api(
            "PATCH",
            note_url("v1:note-detail"),
            (401, 200, 404, 404, 404, 404),
            perms=("change_note",),
            data=lambda w: {"title": "Taken over"},
            intact=draft_unchanged,
        ),
        api(
            "DELETE",
            note_url("v1:note-detail"),
            (401, 204, 404, 404, 404, 404),
            perms=("delete_note",),
            intact=draft_unchanged,
        ),
    ),
    "v1:note-images": (
        api(
            "POST",
            note_url("v1:note-images"),
            (401, 400, 404, 404, 404, 404),
            perms=("change_note",),
            format="multipart",
            intact=draft_unchanged,
        ),
    ),
    "v1:note-video": (
        api(
            "GET",
            note_url("v1:note-video", "video_draft"),
            (401, 200, 404, 404, 404, 404),
            perms=("view_note",),
        ),
        api(
            "POST",
            note_url("v1:note-video"),
            (401, 400, 404, 404, 404, 404),
            perms=("change_note",),
            format="multipart",
            intact=draft_unchanged,
        ),
        api(
            "DELETE",
            note_url("v1:note-video", "video_draft"),
            (401, 200, 404, 404, 404, 404),
            perms=("change_note",),
            intact=video_draft_unchanged,
        ),
    ),
    "v1:note-image": (
        api(
            "DELETE",
            image_url("v1:note-image"),
            (401, 200, 404, 404, 404, 404),
            perms=("change_note",),
            intact=draft_unchanged,
        ),
        # B's own draft, A's image id: "not part of this note", A's image stays.
        api(
            "DELETE",
            lambda w: reverse("v1:note-image", args=[w.b_draft.public_id, w.draft_image.public_id]),
            (401, 404, 404, 404, 404, 404),
            perms=("change_note",),
            intact=draft_unchanged,
            actor="nobody",
            label="other-note",
        ),
    ),
    "v1:note-declaration": (
        api(
            "PUT",
            note_url("v1:note-declaration"),
            (401, 400, 404, 404, 404, 404),
            perms=("change_note",),
            data=lambda w: {},
            intact=draft_unchanged,
        ),
    ),
    "v1:note-publish": (
        api(
            "POST",
            note_url("v1:note-publish"),
            (401, 400, 404, 404, 404, 404),
            perms=("change_note",),
            intact=draft_unchanged,
        ),
    ),
    "v1:feed": (api("GET", fixed("/api/v1/feed/"), (200, 200, 200, 200, 200, 200), hidden=hidden_notes),),
    "v1:note-comments": (
        api("GET", note_url("v1:note-comments", "published"), (200, 200, 200, 200, 200, 200)),
        api("GET", note_url("v1:note-comments"), (404, 404, 404, 404, 404, 404), label="draft"),
        api(
            "POST",
            note_url("v1:note-comments", "published"),
            (401, 400, 400, 400, 400, 400),
            data=lambda w: {},
        ),
    ),
    "v1:note-comment": (
        api(
            "DELETE",
            lambda w: reverse("v1:note-comment", args=[w.published.public_id, w.comment.public_id]),
            (401, 204, 404, 404, 404, 404),
            intact=lambda w: type(w.comment).objects.get(pk=w.comment.pk).state == "visible",
        ),
    ),
    "v1:note-like": (
        api("POST", note_url("v1:note-like", "published"), (401, 200, 200, 200, 200, 200)),
        api("DELETE", note_url("v1:note-like", "published"), (401, 200, 200, 200, 200, 200)),
        api(
            "POST",
            note_url("v1:note-like", "withheld"),
            (401, 404, 404, 404, 404, 404),
            label="withheld",
            intact=lambda w: not w.withheld.likes.exists(),
            actor="nobody",
        ),
    ),
    "v1:reports": (
        api("GET", fixed("/api/v1/reports/"), (401, 200, 200, 200, 200, 200)),
        api("POST", fixed("/api/v1/reports/"), (401, 400, 400, 400, 400, 400), data=lambda w: {}),
    ),
    "v1:standing": (api("GET", fixed("/api/v1/standing/"), (401, 200, 200, 200, 200, 200)),),
    "v1:note-traffic": (
        api(
            "GET",
            note_url("v1:note-traffic", "published"),
            (401, 200, 404, 404, 404, 404),
            perms=("view_note",),
        ),
    ),
    "v1:voucher-redeem": (
        api(
            "POST",
            voucher_url("v1:voucher-redeem"),
            (401, 201, 404, 404, 404, 404),
            perms=("change_compensationvoucher",),
            data=lambda w: {"note": str(w.published.public_id)},
            intact=voucher_unspent,
        ),
    ),
    # The public view of a note: drafts and withheld notes are not public, not even to their
    # author (who has v1:note-detail).
    "v1:feed-note": (
        api("GET", note_url("v1:feed-note", "published"), (200, 200, 200, 200, 200, 200), label="published"),
        api(
            "GET",
            note_url("v1:feed-note"),
            (404, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="draft",
        ),
        api(
            "GET",
            note_url("v1:feed-note", "withheld"),
            (404, 404, 404, 404, 404, 404),
            perms=("view_note",),
            label="withheld",
        ),
    ),
}


# --- The admin ----------------------------------------------------------------------------------
#
# The admin site is Sunlight's staff surface: anonymous visitors and creators are sent to its
# login (which itself sends them to allauth, or refuses creators), staff without TOTP to the MFA
# set-up, staff without the permission get 403.

ADMIN_OUT = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, MFA_SETUP)


def statements_export_url(w: World) -> str:
    """The admin's export of a window of days, with a statement in it (creator A's decision)."""
    assert w.dsa_statement
    return "/admin/portal/dsastatement/export/?since=2020-01-01"


def admin_pk(name: str, attr: str) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[getattr(w, attr).pk])


def view_on_site_url(w: World) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(w.published).pk}/{w.published.pk}/"


MATRIX.update(
    {
        "admin:notes_note_decide": (
            get(admin_pk("admin:notes_note_decide", "published"), (*ADMIN_OUT, 403, 200), perms=("decide",)),
            post(
                admin_pk("admin:notes_note_decide", "published"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
                data=lambda w: {"kind": ""},
                intact=lambda w: not Decision.objects.filter(subject_id=w.published.public_id).exists(),
            ),
        ),
        "admin:appeals_decision_measure": (
            get(admin_pk("admin:appeals_decision_measure", "b"), (*ADMIN_OUT, 403, 200), perms=("decide",)),
            post(
                admin_pk("admin:appeals_decision_measure", "b"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
                data=lambda w: {"kind": "next"},
                intact=lambda w: not Decision.objects.filter(subject_owner=w.b).exists(),
            ),
        ),
        "admin-overview": (get(fixed("/admin/overview/"), (*ADMIN_OUT, 403, 200), perms=("view_appeal",)),),
        "admin:portal_dsastatement_export": (
            get(
                fixed("/admin/portal/dsastatement/export/"),
                (*ADMIN_OUT, 403, 200),
                perms=("export_dsastatement",),
            ),
            get(
                statements_export_url,
                (*ADMIN_OUT, 403, 200),
                perms=("export_dsastatement",),
                label="download",
            ),
        ),
        "admin:portal_transparencysnapshot_refresh": (
            get(
                fixed("/admin/portal/transparencysnapshot/refresh/"),
                (*ADMIN_OUT, 405, 405),
                perms=("refresh_transparencysnapshot",),
                label="not-allowed",
            ),
            post(
                fixed("/admin/portal/transparencysnapshot/refresh/"),
                (*ADMIN_OUT, 403, Go("/admin/portal/transparencysnapshot/", exact=True)),
                perms=("refresh_transparencysnapshot",),
                intact=lambda w: not TransparencySnapshot.objects.exists(),
                actor="staff_perm",
            ),
        ),
        "admin:notes_report_resolve": (
            get(admin_pk("admin:notes_report_resolve", "report"), (*ADMIN_OUT, 403, 200), perms=("decide",)),
            post(
                admin_pk("admin:notes_report_resolve", "report"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
                data=lambda w: {"action": "dismiss", "reply": ""},
                intact=lambda w: type(w.report).objects.get(pk=w.report.pk).state == "open",
            ),
        ),
        "admin:notes_comment_remove": (
            get(admin_pk("admin:notes_comment_remove", "comment"), (*ADMIN_OUT, 403, 200), perms=("decide",)),
            post(
                admin_pk("admin:notes_comment_remove", "comment"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
                data=lambda w: {"summary": ""},
                intact=lambda w: not Decision.objects.filter(subject_id=w.comment.public_id).exists(),
            ),
        ),
        "admin:notes_automationcase_escalate": (
            get(
                admin_pk("admin:notes_automationcase_escalate", "case"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
            ),
            post(
                admin_pk("admin:notes_automationcase_escalate", "case"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
                data=lambda w: {"kind": "next", "summary": "", "facts": ""},
                intact=lambda w: type(w.case).objects.get(pk=w.case.pk).state == "open",
            ),
        ),
        "admin:notes_automationcase_dismiss": (
            get(
                admin_pk("admin:notes_automationcase_dismiss", "case"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
            ),
            post(
                admin_pk("admin:notes_automationcase_dismiss", "case"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
                data=lambda w: {"note": ""},
                intact=lambda w: type(w.case).objects.get(pk=w.case.pk).state == "open",
            ),
        ),
        "admin:notes_note_feature": (
            get(
                admin_pk("admin:notes_note_feature", "published"),
                (*ADMIN_OUT, 403, 200),
                perms=("feature_note",),
            ),
            post(
                admin_pk("admin:notes_note_feature", "published"),
                (*ADMIN_OUT, 403, 200),
                perms=("feature_note",),
                data=lambda w: {"reason": ""},
                intact=not_featured,
            ),
        ),
        "admin:notes_note_unfeature": (
            get(
                admin_pk("admin:notes_note_unfeature", "published"),
                (*ADMIN_OUT, 403, 200),
                perms=("feature_note",),
            ),
        ),
        "admin:appeals_decision_reverse": (
            get(
                admin_pk("admin:appeals_decision_reverse", "decision"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
            ),
            post(
                admin_pk("admin:appeals_decision_reverse", "decision"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide",),
                data=lambda w: {"reason": ""},
                intact=lambda w: Decision.objects.get(pk=w.decision.pk).state == w.decision.state,
            ),
        ),
        "admin:appeals_appeal_decide": (
            get(
                admin_pk("admin:appeals_appeal_decide", "appeal"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide_appeal",),
            ),
            post(
                admin_pk("admin:appeals_appeal_decide", "appeal"),
                (*ADMIN_OUT, 403, 200),
                perms=("decide_appeal",),
                data=lambda w: {"outcome": ""},
                intact=appeal_untouched,
            ),
        ),
        # The admin site's own pages.
        "admin:index": (get(fixed("/admin/"), (*ADMIN_OUT, 200, 200)),),
        # secure_admin_login: anonymous → allauth's login, creators refused, staff → the index.
        "admin:login": (
            get(
                fixed("/admin/login/"),
                (LOGIN, 403, 403, MFA_SETUP, Go("/admin/", exact=True), Go("/admin/", exact=True)),
            ),
        ),
        "admin:logout": (
            get(
                fixed("/admin/logout/"),
                (*[Go("/admin/", exact=True)] * 3, MFA_SETUP, 405, 405),
                label="not-allowed",
            ),
            post(
                fixed("/admin/logout/"),
                (
                    Go("/admin/", exact=True),
                    Go("/admin/", exact=True),
                    Go("/admin/", exact=True),
                    MFA_SETUP,
                    200,
                    200,
                ),
            ),
        ),
        "admin:password_change": (get(fixed("/admin/password_change/"), (*ADMIN_OUT, 200, 200)),),
        "admin:password_change_done": (get(fixed("/admin/password_change/done/"), (*ADMIN_OUT, 200, 200)),),
        # Django's autocomplete answers whoever may view the related model (here: users).
        "admin:autocomplete": (
            get(
                fixed("/admin/autocomplete/?app_label=notes&model_name=note&field_name=author&term=a"),
                (*ADMIN_OUT, 403, 200),
                perms=("view_user",),
            ),
        ),
        "admin:jsi18n": (get(fixed("/admin/jsi18n/"), (*ADMIN_OUT, 200, 200)),),
        # No model of ours has get_absolute_url: "view on site" has nowhere to go.
        "admin:view_on_site": (
            get(
                view_on_site_url,
                (*ADMIN_OUT, 404, 404),
                perms=("view_note",),
            ),
        ),
        "admin:app_list": (get(fixed("/admin/notes/"), (*ADMIN_OUT, 404, 200), perms=("view_note",)),),
        # The catch-all at the end of the admin's URLs.
        "admin/(?P<url>.*)$": (get(fixed("/admin/no-such-page/"), (*ADMIN_OUT, 404, 404)),),
        "admin:auth_user_password_change": (
            get(
                admin_pk("admin:auth_user_password_change", "a"),
                (*ADMIN_OUT, 403, 200),
                perms=("change_user",),
            ),
        ),
    }
)


@dataclass(frozen=True)
class AdminModel:
    """A registered ModelAdmin: the object its per-object pages use and what it lets anyone do."""

    app_label: str
    model_name: str
    obj: str  # a World attribute
    add: bool
    delete: bool
    change: bool = True  # False: the change page is read-only, even with the change permission
    add_perms: tuple[str, ...] = ()
    # A secret the object holds, which no admin page may show (``hidden``), and, while one does,
    # why the staff-with-permission cell is a ``Bug``.
    secret: Callable[[World], str] | None = None
    secret_bug: str = ""


ADMIN_MODELS = [
    # Third-party models on our admin site.
    AdminModel("auth", "group", "group", add=True, delete=True),
    AdminModel("account", "emailaddress", "email_address", add=True, delete=True),
    AdminModel(
        "mfa",
        "authenticator",
        "authenticator",
        add=False,
        delete=True,
        change=False,
        # Sunlight's AuthenticatorAdmin (accounts/admin.py) never shows the secret.
        secret=lambda w: w.authenticator.data["secret"],
    ),
    # UserAdmin's add form needs the change permission too (without it, DEBUG answers 404).
    AdminModel("accounts", "user", "a", add=True, delete=True, add_perms=("add_user", "change_user")),
    # The ledger and everything written by services: no add, no delete.
    AdminModel("accounts", "notification", "notification", add=False, delete=False, change=False),
    AdminModel("appeals", "decision", "decision", add=False, delete=False, change=False),
    AdminModel("appeals", "appeal", "appeal", add=False, delete=False),
    AdminModel("appeals", "compensationvoucher", "voucher", add=False, delete=False),
    AdminModel("notes", "note", "published", add=False, delete=False),
    AdminModel("notes", "topic", "topic", add=True, delete=True),
    AdminModel("notes", "provenancesignal", "signal", add=False, delete=False, change=False),
    AdminModel("notes", "imagescan", "scan", add=False, delete=False, change=False),
    AdminModel("notes", "featuring", "featuring", add=False, delete=False, change=False),
    AdminModel("notes", "boost", "boost", add=False, delete=False, change=False),
    AdminModel("notes", "comment", "comment", add=False, delete=False, change=False),
    AdminModel("notes", "automationcase", "case", add=False, delete=False, change=False),
    AdminModel("notes", "tutorialrule", "tutorialrule", add=True, delete=True),
    AdminModel("notes", "report", "report", add=False, delete=False, change=False),
    # What the platform reports about itself: written by the ledger's readers, never by hand.
    AdminModel("portal", "dsastatement", "dsa_statement", add=False, delete=False, change=False),
    AdminModel("portal", "transparencysnapshot", "snapshot", add=False, delete=False, change=False),
]


def admin_model_entries(model: AdminModel) -> dict[str, tuple[Check, ...]]:
    """The rules for the admin's generated URLs of one model."""
    prefix = f"{model.app_label}_{model.model_name}"
    base = f"/admin/{model.app_label}/{model.model_name}/"
    view = (f"view_{model.model_name}",)

    def obj_url(suffix: str) -> Callable[[World], str]:
        return lambda w: f"{base}{getattr(w, model.obj).pk}/{suffix}"

    change_url = obj_url("change/")
    to_change = Go(change_url, exact=True)
    return {
        f"admin:{prefix}_changelist": (get(fixed(base), (*ADMIN_OUT, 403, 200), perms=view),),
        f"admin:{prefix}_add": (
            get(
                fixed(f"{base}add/"),
                (*ADMIN_OUT, 403, 200 if model.add else 403),
                perms=model.add_perms or (f"add_{model.model_name}",),
            ),
        ),
        f"admin:{prefix}_change": (
            get(
                change_url,
                (*ADMIN_OUT, 403, Bug(200, model.secret_bug) if model.secret_bug else 200),
                perms=view,
                hidden=(lambda w: (model.secret(w),)) if model.secret else None,
            ),
            *(
                ()
                if model.change
                else (
                    # Written by services only: even the change permission cannot save a change.
                    post(
                        change_url,
                        (*ADMIN_OUT, 403, 403),
                        perms=(f"view_{model.model_name}", f"change_{model.model_name}"),
                        label="read-only",
                    ),
                )
            ),
        ),
        f"admin:{prefix}_history": (get(obj_url("history/"), (*ADMIN_OUT, 403, 200), perms=view),),
        f"admin:{prefix}_delete": (
            get(
                obj_url("delete/"),
                (*ADMIN_OUT, 403, 200 if model.delete else 403),
                perms=(f"delete_{model.model_name}",),
            ),
        ),
        # Django's redirect from the bare object URL to its change page (which then checks).
        f"admin/{model.app_label}/{model.model_name}/<path:object_id>/": (
            get(obj_url(""), (*ADMIN_OUT, to_change, to_change)),
        ),
    }


for _model in ADMIN_MODELS:
    MATRIX.update(admin_model_entries(_model))


def appeal_unassigned(w: World) -> bool:
    w.appeal.refresh_from_db()
    return w.appeal.assigned_to_id is None and w.appeal.state == "submitted"


def assign_to_me(w: World) -> dict:
    return {"action": "assign_to_me", "_selected_action": [str(w.appeal.pk)], "index": "0"}


# The appeal changelist's "Assign to me" action is offered to whoever may view appeals; the
# service behind it asks for decide_appeal.
MATRIX["admin:appeals_appeal_changelist"] += (
    post(
        fixed("/admin/appeals/appeal/"),
        (*ADMIN_OUT, 403, Go("/admin/appeals/appeal/", exact=True)),
        perms=("view_appeal", "decide_appeal"),
        data=assign_to_me,
        intact=appeal_unassigned,
        actor="staff_perm",
        label="assign_to_me",
    ),
    post(
        fixed("/admin/appeals/appeal/"),
        (*ADMIN_OUT, 403, 403),
        perms=("view_appeal",),
        data=assign_to_me,
        intact=appeal_unassigned,
        actor="nobody",
        label="assign_to_me-view-only",
    ),
)


# --- Third-party URLs we mount but do not own ---------------------------------------------------


@dataclass(frozen=True)
class Library:
    reason: str
    url: str | None = None  # default: reverse(name)


ALLAUTH_PAGE = "allauth's account pages (sign-in, sign-up, e-mail, password), configured in settings"
ALLAUTH_MFA = "allauth's two-factor pages; staff are sent to them by StaffMfaRequiredMiddleware"
HEADLESS = "allauth headless, the mobile app's authentication API (X-Session-Token)"

LIBRARY: dict[str, Library] = {
    **{
        name: Library(ALLAUTH_PAGE)
        for name in [
            "account_login",
            "account_logout",
            "account_inactive",
            "account_signup",
            "account_reauthenticate",
            "account_email",
            "account_email_verification_sent",
            "account_change_password",
            "account_set_password",
            "account_reset_password",
            "account_confirm_login_code",
            "account_reset_password_from_key_done",
            "account_reset_password_done",
        ]
    },
    "account_confirm_email": Library(ALLAUTH_PAGE, "/accounts/confirm-email/not-a-key/"),
    "account_reset_password_from_key": Library(ALLAUTH_PAGE, "/accounts/password/reset/key/1-not-a-key/"),
    **{
        name: Library(ALLAUTH_MFA)
        for name in [
            "mfa_index",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_generate_recovery_codes",
            "mfa_download_recovery_codes",
        ]
    },
    **{
        f"headless:app:{name}": Library(HEADLESS)
        for name in [
            "config",
            "account:current_session",
            "account:reauthenticate",
            "account:confirm_login_code",
            "account:request_password_reset",
            "account:reset_password",
            "account:login",
            "account:signup",
            "account:verify_email",
            "account:resend_email_verification_code",
            "account:verify_phone",
            "account:resend_phone_verification_code",
            "account:change_password",
            "account:manage_email",
            "account:manage_phone",
            "mfa:authenticate",
            "mfa:reauthenticate",
            "mfa:authenticators",
            "mfa:manage_totp",
            "mfa:manage_recovery_codes",
            "tokens:refresh",
        ]
    },
    "headless:openapi_yaml": Library("allauth headless's specification (HEADLESS_SERVE_SPECIFICATION)"),
    "headless:openapi_json": Library("allauth's route, shadowed by our auth-openapi-json (same path)"),
    "headless:openapi_html": Library("allauth headless's specification viewer"),
    "set_language": Library("django.conf.urls.i18n: the language switcher's POST target"),
    "javascript-catalog": Library("Django's JavaScriptCatalog: the translations our scripts use"),
    "api-schema": Library("drf-spectacular's OpenAPI schema of /api/v1 (public documentation)"),
    "api-docs": Library("drf-spectacular's Swagger UI over api-schema"),
}


# --- Enumeration --------------------------------------------------------------------------------


def url_patterns() -> list[tuple[str, str, object]]:
    """(key, route, callback) for every pattern: the key is ``namespace:name``, or the route when
    the pattern has no name."""

    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str, object]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if pattern.name:
                    key = f"{namespace}:{pattern.name}" if namespace else pattern.name
                else:
                    key = route
                yield key, route, pattern.callback

    return list(walk(get_resolver().url_patterns, "", ""))


def _params() -> list:
    params = []
    for name, checks in MATRIX.items():
        for index, check in enumerate(checks):
            for persona, outcome in zip(PERSONAS, check.expect, strict=True):
                what = check.method + (f":{check.label}" if check.label else "")
                marks = ()
                if isinstance(outcome, Bug):
                    marks = (pytest.mark.xfail(strict=True, reason=outcome.reason),)
                params.append(pytest.param(name, index, persona, id=f"{name}|{what}|{persona}", marks=marks))
    return params


def _show(outcome: int | Go, world: World) -> str:
    if isinstance(outcome, Go):
        return f"{outcome.status} to {'' if outcome.exact else 'a URL starting with '}{outcome.target(world)}"
    return str(outcome)


def _matches(response: object, outcome: int | Go, world: World) -> bool:
    if isinstance(outcome, Go):
        location = response.get("Location", "")
        target = outcome.target(world)
        return response.status_code == outcome.status and (
            location == target if outcome.exact else location.startswith(target)
        )
    return response.status_code == outcome


# --- Tests --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index", "persona"), _params())
def test_access(name, index, persona):
    check = MATRIX[name][index]
    world = World()
    client = world.client(persona, perms=check.perms, api=check.api)
    url = check.url(world)
    data = check.data(world) if check.data else None
    # Built before the request, as the URL is: the objects must exist when it is answered.
    marker = check.private(world) if check.private else None
    hidden = check.hidden(world) if check.hidden else ()
    send = getattr(client, check.method.lower())
    if check.api:
        response = send(url, data, format=check.format)
    elif check.method == "GET":
        response = send(url)
    else:
        response = send(url, data or {})
    expected = check.expect[PERSONAS.index(persona)]
    if isinstance(expected, Bug):
        expected = expected.expected
    got = f"{response.status_code}" + (
        f" to {response['Location']}" if response.has_header("Location") else ""
    )
    assert _matches(response, expected, world), (
        f"{check.method} {url} ({name}) as {persona}: expected {_show(expected, world)}, got {got}"
    )
    if check.intact is not None and persona != check.actor:
        assert check.intact(world), f"{check.method} {url} ({name}) as {persona} changed creator A's data"
    if marker is not None and not response.streaming:
        shown = marker in response.content.decode()
        if persona == "creator_a":
            assert shown, f"{url} ({name}) does not show creator A their own {marker!r}"
        else:
            assert not shown, f"{url} ({name}) shows creator A's {marker!r} to {persona}"
    if hidden and not response.streaming:
        content = response.content.decode()
        assert not [h for h in hidden if h in content], f"{url} ({name}) shows {hidden} to {persona}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_library_urls_answer_anonymous_visitors_without_error(name, client):
    entry = LIBRARY[name]
    url = entry.url or reverse(name)
    assert client.get(url).status_code < 500, f"GET {url} ({name}) as anonymous: server error"


def test_every_url_has_an_entry():
    patterns = url_patterns()
    missing = sorted(
        f"{key}  ({route})" for key, route, _callback in patterns if key not in MATRIX and key not in LIBRARY
    )
    assert not missing, "URL patterns without an access-matrix entry:\n" + "\n".join(missing)
    # One entry checks one URL: a second pattern under an existing name would go unchecked.
    routes: dict[str, list[str]] = {}
    for key, route, _callback in patterns:
        routes.setdefault(key, []).append(route)
    shared = {key: found for key, found in routes.items() if len(found) > 1}
    assert not shared, f"URL patterns sharing a name, give each its own: {shared}"


def test_every_entry_names_a_url():
    keys = {key for key, _route, _callback in url_patterns()}
    stale = sorted((set(MATRIX) | set(LIBRARY)) - keys)
    both = sorted(set(MATRIX) & set(LIBRARY))
    assert not stale, f"entries for URL patterns that no longer exist: {stale}"
    assert not both, f"entries both in MATRIX and LIBRARY: {both}"


def test_every_api_operation_has_a_check():
    """Each HTTP method an API view (DRF) implements is an operation: each has its own check."""
    missing = []
    for key, _route, callback in url_patterns():
        view_class = getattr(callback, "cls", None)
        if view_class is None or not issubclass(view_class, APIView) or key in LIBRARY:
            continue
        implemented = {
            method.upper()
            for method in view_class.http_method_names
            if method not in ("options", "head") and hasattr(view_class, method)
        }
        checked = {check.method for check in MATRIX.get(key, ())}
        missing += [f"{method} {key}" for method in sorted(implemented - checked)]
    assert not missing, f"API operations without a check: {missing}"


def test_every_check_is_well_formed():
    for name, checks in MATRIX.items():
        for check in checks:
            assert len(check.expect) == len(PERSONAS), name
            assert check.method in {"GET", "POST", "PUT", "PATCH", "DELETE"}, name
            assert check.actor in (*PERSONAS, "nobody"), name
