"""Comments and likes on published notes, each recording the client that made it.

Posting restrictions hold here (``require_can_post``), whatever the path; rate limits are on the
views (the same budget for the browser and the API).
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from notes.models import COMMENT_MAX, Client, Comment, Like, Note
from notes.services.distribution import note_rank_refresh
from notes.services.notes import lock_note
from notes.services.rules import comment_rules_check
from notes.services.standing import require_can_post

# Control and format characters other than line breaks and tabs (NUL, bidi overrides, zero widths …).
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(raw: str) -> str:
    """Plain text as people meant it: NFC, no control or invisible formatting characters, at most
    one empty line in a row, no surrounding whitespace. Shown escaped, never as HTML."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) not in _INVISIBLE)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _interactive(note: Note) -> None:
    if note.state != Note.State.PUBLISHED or note.withheld_now():
        raise DomainError(
            _("This note is not open for comments or likes."), code="note_not_public", status=404
        )


def comment_create(*, note: Note, author: User, body: str, client: str = Client.WEB) -> Comment:
    require_can_post(author)
    body = clean_text(body or "")
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": _("At most %(n)s characters.") % {"n": COMMENT_MAX}})
    if client not in Client.values:
        raise ValidationError({"client": _("Choose one of the listed values.")})
    with transaction.atomic():
        note = lock_note(note)
        _interactive(note)
        comment = Comment.objects.create(note=note, author=author, body=body, client=client)
        comment_rules_check(comment=comment)
        comment.refresh_from_db(fields=["state"])  # a rule may have removed it at once
    return comment


def comment_delete(*, comment: Comment, acting_user: User) -> None:
    """The author deletes their comment; deleting twice changes nothing."""
    if comment.author_id != acting_user.pk:
        raise DomainError(_("Only its author can delete a comment."), code="not_author", status=404)
    Comment.objects.filter(pk=comment.pk, state=Comment.State.VISIBLE).update(
        state=Comment.State.DELETED, deleted_at=timezone.now()
    )


def like_set(*, note: Note, user: User, liked: bool, client: str = Client.WEB) -> Note:
    """Like or unlike a note (idempotent); the count feeds the ranking's engagement slot. Taking a like
    back is always allowed, also to a restricted account."""
    if liked:
        require_can_post(user)
    with transaction.atomic():
        note = lock_note(note)
        _interactive(note)
        if liked:
            try:
                with transaction.atomic():
                    Like.objects.create(note=note, user=user, client=client)
            except IntegrityError:
                pass  # liked already
        else:
            Like.objects.filter(note=note, user=user).delete()
        note.like_count = Like.objects.filter(note=note).count()
        Note.objects.filter(pk=note.pk).update(like_count=note.like_count)
        note_rank_refresh(note=note)
    return note
