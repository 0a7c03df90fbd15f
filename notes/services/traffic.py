"""Traffic writes: featuring a note, redeeming a compensation voucher as a boost, ending boosts.

Each change rebuilds the note's distribution (``note_distribution_sync``) in its own transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from appeals.models import CompensationVoucher
from core.errors import DomainError
from core.permissions import require_staff_permission
from notes.models import Boost, Featuring, Note
from notes.services.distribution import note_distribution_sync, traffic_settings
from notes.services.notes import lock_note

FEATURE_REASON_MAX = 1000


def _require_feature_permission(user: User | None) -> User:
    return require_staff_permission(user, "notes.feature_note", _("You are not allowed to feature notes."))


def note_feature(*, note: Note, acting_user: User, reason: str) -> Featuring:
    """Staff feature a published note as encouraged AI creation, saying why (the creator reads it)."""
    acting_user = _require_feature_permission(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this note is featured: the creator reads it.")})
    if len(reason) > FEATURE_REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": FEATURE_REASON_MAX}})
    with transaction.atomic():
        note = lock_note(note)
        if note.state != Note.State.PUBLISHED:
            raise DomainError(_("Only published notes can be featured."), code="not_published", status=409)
        current = Featuring.objects.filter(note=note, ended_at__isnull=True).first()
        if current is not None:
            raise DomainError(_("This note is featured already."), code="featured_already", status=409)
        featuring = Featuring.objects.create(note=note, reason=reason, featured_by=acting_user)
        note_distribution_sync(note=note)
    return featuring


def note_unfeature(*, note: Note, acting_user: User) -> None:
    """Staff stop featuring a note; its quality bonus (if it earns one) stays."""
    acting_user = _require_feature_permission(acting_user)
    with transaction.atomic():
        note = lock_note(note)
        ended = Featuring.objects.filter(note=note, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_by=acting_user
        )
        if not ended:
            raise DomainError(_("This note is not featured."), code="not_featured", status=409)
        note_distribution_sync(note=note)


def voucher_redeem(
    *, voucher_id: object, note_id: object, acting_user: User, now: datetime | None = None
) -> Boost:
    """The creator spends a compensation voucher on one of their published notes: exactly once.

    The voucher row is locked and then marked spent by a conditional update, so two requests at
    once (or a double click) redeem it once and the second is told it was used; nothing else is
    written unless the boost is created too.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            voucher = (
                CompensationVoucher.objects.select_for_update()
                .filter(public_id=voucher_id, owner_id=acting_user.pk)
                .first()
            )
            if voucher is None:
                raise DomainError(_("There is no such voucher in your wallet."), code="not_found", status=404)
            _check_voucher(voucher, now=now)
            note = Note.objects.filter(public_id=note_id, author_id=acting_user.pk).first()
            if note is None or note.state == Note.State.REMOVED:
                raise DomainError(
                    _("Choose one of your published notes."), code="note_not_found", field="note", status=400
                )
            note = lock_note(note)
            if note.state != Note.State.PUBLISHED:
                raise DomainError(
                    _("Publish the note first: a boost shows a published note on the feed."),
                    code="note_not_published",
                    field="note",
                    status=409,
                )
            if note.withheld_now(now):
                raise DomainError(
                    _("A decision removed this note, so it cannot be boosted.")
                    + " "
                    + _("The voucher stays in your wallet."),
                    code="note_removed",
                    field="note",
                    status=409,
                )
            if Boost.objects.filter(note=note, state=Boost.State.ACTIVE).exists():
                raise _boost_running()
            spent = CompensationVoucher.objects.filter(pk=voucher.pk, redeemed_at__isnull=True).update(
                redeemed_at=now, redeemed_on=note.public_id
            )
            if spent != 1:
                raise _spent()
            boost = Boost.objects.create(
                voucher=voucher,
                note=note,
                target=voucher.impressions,
                started_at=now,
                ends_at=now + timedelta(days=traffic_settings()["BOOST_DAYS"]),
            )
            note_distribution_sync(note=note, now=now)
    except IntegrityError as exc:
        # The database's own guard caught a race: one running boost per note, or one boost per voucher.
        if "notes_boost_one_active_per_note" in str(exc):
            raise _boost_running() from exc
        raise _spent() from exc
    return boost


def _boost_running() -> DomainError:
    return DomainError(
        _("This note already has a boost running. Choose another note or wait until it ends."),
        code="boost_running",
        field="note",
        status=409,
    )


def _spent() -> DomainError:
    return DomainError(_("This voucher has been used already."), code="voucher_spent", status=409)


def _check_voucher(voucher: CompensationVoucher, *, now: datetime) -> None:
    if voucher.redeemed_at is not None:
        raise _spent()
    if voucher.expires_at <= now:
        raise DomainError(
            _("This voucher expired on %(date)s.")
            % {"date": formats.date_format(timezone.localtime(voucher.expires_at), "DATE_FORMAT")},
            code="voucher_expired",
            status=409,
        )


def boosts_finish_due(*, now: datetime | None = None) -> int:
    """Boosts that delivered their impressions, or whose time ran out, stop; their notes' badges follow."""
    now = now or timezone.now()
    finished = 0
    active = Boost.objects.filter(state=Boost.State.ACTIVE)
    due = (active.filter(delivered__gte=F("target")) | active.filter(ends_at__lte=now)).values_list(
        "pk", "note_id"
    )
    for pk, note_id in list(due):
        with transaction.atomic():
            # The note first, as every other writer of its distribution does, then the boost.
            note = lock_note(Note.objects.get(pk=note_id))
            boost = Boost.objects.select_for_update().get(pk=pk)
            if boost.state != Boost.State.ACTIVE:
                continue
            boost.state = Boost.State.DELIVERED if boost.delivered >= boost.target else Boost.State.ENDED
            boost.finished_at = now
            boost.save(update_fields=["state", "finished_at"])
            note_distribution_sync(note=note, now=now)
            finished += 1
    return finished
