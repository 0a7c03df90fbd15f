"""Reports from readers: filed (merged per subject and category), triaged by staff through the
services that take the action, and each reporter told the outcome in their notification centre."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from accounts.services import notification_create
from appeals import services as ledger
from appeals.models import Decision
from core.errors import DomainError
from core.permissions import require_staff_permission
from notes.models import REPORT_COMMENT_MAX, Comment, Label, Note, Report, ReportFiling
from notes.services.cases import case_open_for
from notes.services.decisions import comment_remove, note_decide
from notes.services.interactions import clean_text

ACTIONS = ("dismiss", "label", "remove", "case", "measure")


def report_subject(subject_type: str, subject_id: object) -> tuple[Note | None, Comment | None, User]:
    """What is reported, if readers may see it; anything else is a 404 (as if it did not exist)."""
    try:
        if subject_type == Report.SubjectType.NOTE:
            note = Note.objects.select_related("author").get(public_id=subject_id, state=Note.State.PUBLISHED)
            if note.withheld_now():
                raise Http404
            return note, None, note.author
        if subject_type == Report.SubjectType.COMMENT:
            comment = Comment.objects.select_related("author", "note").get(
                public_id=subject_id, state=Comment.State.VISIBLE, note__state=Note.State.PUBLISHED
            )
            return comment.note, comment, comment.author
        if subject_type == Report.SubjectType.ACCOUNT:
            account = User.objects.get(public_id=subject_id, is_active=True)
            return None, None, account
    except (Note.DoesNotExist, Comment.DoesNotExist, User.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    raise ValidationError({"subject_type": _("Choose one of the listed values.")})


def report_file(
    *, reporter: User, subject_type: str, subject_id: object, category: str, comment: str = ""
) -> ReportFiling:
    """A reader reports a note, a comment or an account; reports of the same thing in the same
    category merge into one open report, which staff see once, with its count."""
    if category not in Report.Category.values:
        raise ValidationError({"category": _("Choose what is wrong.")})
    comment = clean_text(comment or "")
    if len(comment) > REPORT_COMMENT_MAX:
        raise ValidationError({"comment": _("At most %(n)s characters.") % {"n": REPORT_COMMENT_MAX}})
    note, reported_comment, account = report_subject(subject_type, subject_id)
    if account.pk == reporter.pk:
        raise DomainError(
            _("You cannot report yourself or your own content."), code="own_content", status=409
        )
    key = f"{subject_type}:{subject_id}"
    for attempt in (1, 2):
        try:
            return _file_once(key, note, reported_comment, account, subject_type, category, reporter, comment)
        except IntegrityError as exc:
            mine = ReportFiling.objects.filter(
                report__subject_key=key,
                report__category=category,
                report__state=Report.State.OPEN,
                reporter=reporter,
            )
            if mine.exists():
                raise DomainError(
                    _("You have reported this already; we will tell you what we decide."),
                    code="reported_already",
                    status=409,
                ) from exc
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _file_once(
    key: str,
    note: Note | None,
    reported_comment: Comment | None,
    account: User,
    subject_type: str,
    category: str,
    reporter: User,
    comment: str,
) -> ReportFiling:
    """One try: join the open report (locked) or open one; a race with another first report loses to
    the unique constraint and is tried again, joining the report the other one opened."""
    now = timezone.now()
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(subject_key=key, category=category, state=Report.State.OPEN)
            .first()
        )
        if report is None:
            report = Report.objects.create(
                subject_type=subject_type,
                subject_key=key,
                note=note,
                comment=reported_comment,
                account=account,
                category=category,
                first_at=now,
                last_at=now,
                filings_count=0,
            )
        filing = ReportFiling.objects.create(
            report=report, reporter=reporter, comment=comment, created_at=now
        )
        Report.objects.filter(pk=report.pk).update(filings_count=F("filings_count") + 1, last_at=now)
    return filing


def _require_reviewer(user: User) -> None:
    require_staff_permission(user, "appeals.decide", _("You are not allowed to handle reports."))


def report_resolve(
    *,
    report: Report,
    acting_user: User,
    action: str,
    reply: str,
    statement: ledger.Statement | None = None,
) -> Report:
    """Staff handle a report: dismiss it, or label or remove the note, remove the comment, or take a
    measure against the account — each through its own service, as a decision citing the report.
    Every reporter is told the outcome."""
    _require_reviewer(acting_user)
    if action not in ACTIONS:
        raise ValidationError({"action": _("Choose one of the listed values.")})
    reply = clean_text(reply or "")
    if not reply:
        raise ValidationError({"reply": _("Write the reply the reporters receive.")})
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("note", "comment", "account")
            .get(pk=report.pk)
        )
        if report.state != Report.State.OPEN:
            raise DomainError(_("This report has been handled already."), code="report_handled", status=409)
        decision = None
        if action == "case":
            case_open_for(report.account)  # the account goes to the automation queue for a closer look
        elif action != "dismiss":
            decision = _act(report, acting_user, action, statement)
        report.state = Report.State.DISMISSED if action == "dismiss" else Report.State.ACTIONED
        report.handled_by = acting_user
        report.handled_at = timezone.now()
        report.reply = reply
        report.decision = decision
        report.save(update_fields=["state", "handled_by", "handled_at", "reply", "decision"])
        for filing in report.filings.select_related("reporter"):
            with override(filing.reporter.language or None):
                title = (
                    _("Your report was reviewed: no action")
                    if action == "dismiss"
                    else _("Your report was reviewed: action taken")
                )
            notification_create(
                recipient=filing.reporter,
                kind="report",
                title=title,
                body=reply,
                url=reverse("my-reports"),
                params={"outcome": "dismissed" if action == "dismiss" else "actioned"},
            )
    return report


def _act(report: Report, acting_user: User, action: str, statement: ledger.Statement | None) -> Decision:
    if statement is None:
        raise ValidationError({"summary": _("A decision needs its statement of reasons.")})
    statement = dataclasses.replace(statement, source=Decision.Source.USER_REPORT)
    if action == "measure":
        return ledger.account_measure(account=report.account, acting_user=acting_user, statement=statement)
    if action == "remove" and report.comment is not None:
        return comment_remove(comment=report.comment, acting_user=acting_user, statement=statement)
    if report.note is None or (action == "label" and report.comment is not None):
        raise ValidationError(
            {"action": _("Only a reported note can be labelled, and only a note or a comment removed.")}
        )
    kind = Decision.Kind.LABEL_SUSPECTED if action == "label" else Decision.Kind.REMOVAL
    return note_decide(
        note=report.note,
        acting_user=acting_user,
        kind=kind,
        statement=statement,
        label_kind=Label.Kind.GENERATED,
    )
