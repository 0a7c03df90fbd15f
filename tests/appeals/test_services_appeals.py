from __future__ import annotations

import inspect
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from appeals import services, tasks
from appeals.models import Appeal, AppealEvent, AppealEvidence, CompensationVoucher, Decision
from core.errors import DomainError
from notes import tasks as note_tasks
from notes.models import Label
from tests.appeals.conftest import pdf_bytes
from tests.images import jpeg_bytes

pytestmark = pytest.mark.django_db


def _files() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "appeal-evidence"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _file(decision, creator, capture, **kwargs) -> Appeal:
    with capture(execute=True):
        return services.appeal_file(
            decision=decision, appellant=creator, reason=kwargs.pop("reason", "I drew it."), **kwargs
        )


def test_a_creator_files_an_appeal_with_evidence_and_is_told(
    decision, creator, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    appeal = _file(
        decision,
        creator,
        django_capture_on_commit_callbacks,
        files=[("sketch.jpg", jpeg_bytes()), ("process.pdf", pdf_bytes())],
    )
    appeal.refresh_from_db()
    assert appeal.state == "submitted"
    assert appeal.due_at - appeal.submitted_at == timedelta(days=7)
    assert sorted(AppealEvidence.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/jpeg",
    ]
    assert list(appeal.events.values_list("kind", flat=True)) == ["submitted", "evidence"]
    assert Notification.objects.filter(recipient=creator, kind="appeal_received").exists()
    assert any("appeal" in m.subject.lower() or "申诉" in m.subject for m in mail.outbox)


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([("virus.pdf", b"MZ\x90\x00 not a pdf at all")], "evidence_not_allowed"),
        ([("broken.pdf", b"%PDF-1.7\n garbage")], "evidence_corrupt"),
        ([(f"f{i}.jpg", jpeg_bytes()) for i in range(6)], "too_many_files"),
        ([("empty.png", b"")], "evidence_empty"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_kept(
    decision, creator, django_capture_on_commit_callbacks, files, code
):
    before = _files()
    with pytest.raises(DomainError) as caught:
        _file(decision, creator, django_capture_on_commit_callbacks, files=files)
    assert caught.value.code == code
    assert not Appeal.objects.exists()
    assert _files() == before


def test_one_open_appeal_per_decision(decision, creator, django_capture_on_commit_callbacks):
    _file(decision, creator, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as caught:
        _file(decision, creator, django_capture_on_commit_callbacks)
    assert caught.value.code == "not_appealable"
    assert Appeal.objects.count() == 1


def test_the_appeal_window_closes(decision, creator, django_capture_on_commit_callbacks):
    Decision.objects.filter(pk=decision.pk).update(created_at=timezone.now() - timedelta(days=181))
    decision.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        _file(decision, creator, django_capture_on_commit_callbacks)
    assert "closed" in caught.value.message or "已于" in caught.value.message


def test_another_creators_decision_cannot_be_appealed(decision, outsider, django_capture_on_commit_callbacks):
    with pytest.raises(DomainError) as caught:
        _file(decision, outsider, django_capture_on_commit_callbacks)
    assert caught.value.status == 404


def test_a_reason_is_required(decision, creator, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError):
        _file(decision, creator, django_capture_on_commit_callbacks, reason="   ")
    with pytest.raises(ValidationError):
        _file(decision, creator, django_capture_on_commit_callbacks, reason="x" * 5001)


def test_withdrawing(decision, creator, django_capture_on_commit_callbacks):
    appeal = _file(decision, creator, django_capture_on_commit_callbacks)
    services.appeal_withdraw(appeal=appeal, acting_user=creator)
    services.appeal_withdraw(appeal=appeal, acting_user=creator)  # a second click is harmless
    appeal.refresh_from_db()
    assert appeal.state == "withdrawn" and appeal.events.filter(kind="withdrawn").count() == 1
    # Withdrawn, the decision can be appealed again.
    _file(decision, creator, django_capture_on_commit_callbacks)


def test_overturning_reverses_every_effect_and_compensates_once(
    decision, creator, staff, django_capture_on_commit_callbacks
):
    Decision.objects.filter(pk=decision.pk).update(created_at=timezone.now() - timedelta(days=3, hours=1))
    appeal = _file(decision, creator, django_capture_on_commit_callbacks)
    services.appeal_assign(appeal=appeal, acting_user=staff)
    assert Label.objects.filter(tier="suspected").exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_decide(
            appeal=appeal,
            outcome="overturned",
            acting_user=staff,
            reply="The drafts show it is yours.",
            internal_note="Checked layer history.",
        )
    decision.refresh_from_db()
    assert decision.state == "reversed" and decision.reversed_at is not None
    assert not Label.objects.filter(tier="suspected").exists()
    voucher = CompensationVoucher.objects.get()
    # base 1000 + 200 per started day in force (4 days)
    assert (voucher.owner, voucher.impressions) == (creator, 1000 + 200 * 4)
    assert voucher.expires_at - voucher.issued_at == timedelta(days=90)
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "assigned", "internal_note", "overturned", "voucher"]
    assert AppealEvent.objects.get(kind="internal_note").internal is True
    # One event, one notification: the reasoned reply carries the voucher and the link to use it.
    told = Notification.objects.get(recipient=creator, kind="appeal_decided")
    assert not Notification.objects.filter(recipient=creator, kind="voucher_issued").exists()
    assert (told.params["outcome"], told.params["impressions"]) == ("overturned", 1800)
    assert told.params["voucher"] == str(voucher.public_id)
    assert any("1800" in m.body or "1,800" in m.body for m in mail.outbox)
    assert len(mail.outbox) == 1  # the reasoned reply, with the voucher

    # The same staff member's second click changes nothing; another staff member is told.
    services.appeal_decide(appeal=appeal, outcome="overturned", acting_user=staff, reply="again")
    from tests.factories import staff_with_permissions

    with pytest.raises(DomainError) as caught:
        services.appeal_decide(
            appeal=appeal,
            outcome="overturned",
            acting_user=staff_with_permissions("decide_appeal"),
            reply="x",
        )
    assert caught.value.code == "already_decided"
    assert CompensationVoucher.objects.count() == 1
    appeal.refresh_from_db()
    assert (
        appeal.reply == "The drafts show it is yours."
        and appeal.events.filter(kind="overturned").count() == 1
    )


def test_upholding_keeps_the_decision_and_tells_of_further_redress(
    decision, creator, staff, django_capture_on_commit_callbacks
):
    creator.language = "en"
    creator.save(update_fields=["language"])
    appeal = _file(decision, creator, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appeal_decide(
            appeal=appeal, outcome="upheld", acting_user=staff, reply="The parameters are clear."
        )
    decision.refresh_from_db()
    assert decision.state == "in_force" and Label.objects.filter(tier="suspected").exists()
    assert not CompensationVoucher.objects.exists()
    assert "out-of-court dispute settlement" in mail.outbox[0].body
    assert "The parameters are clear." in mail.outbox[0].body


def test_only_a_person_on_staff_decides(decision, creator, django_capture_on_commit_callbacks):
    appeal = _file(decision, creator, django_capture_on_commit_callbacks)
    for who in (None, creator):
        with pytest.raises(PermissionDenied):
            services.appeal_decide(appeal=appeal, outcome="overturned", acting_user=who, reply="x")
    # No background task decides appeals: none of them calls the deciding service.
    for module in (tasks, note_tasks):
        assert "appeal_decide" not in inspect.getsource(module)
    appeal.refresh_from_db()
    assert appeal.state == "submitted"


def test_no_decision_without_a_reply(decision, creator, staff, django_capture_on_commit_callbacks):
    appeal = _file(decision, creator, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        services.appeal_decide(appeal=appeal, outcome="overturned", acting_user=staff, reply="  ")
    appeal.refresh_from_db()
    assert appeal.state == "submitted"


def test_voucher_size_scales_with_time_in_force_and_is_capped(decision, settings):
    settings.SUNLIGHT_VOUCHER_MAX_IMPRESSIONS = 5000
    now = decision.created_at
    assert services.voucher_size(decision, reversed_at=now + timedelta(hours=2)) == 1200
    assert services.voucher_size(decision, reversed_at=now + timedelta(days=10)) == 3000
    assert services.voucher_size(decision, reversed_at=now + timedelta(days=100)) == 5000


def _pdf_with(javascript: bool = False, open_action: bool = False, page_fit: bool = False) -> bytes:
    import io

    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    if javascript:
        script = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1);"),
            }
        )
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
        )
    if page_fit:
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [page.indirect_reference, NameObject("/Fit")]
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("kwargs", [{"javascript": True}, {"open_action": True}])
def test_pdfs_with_scripts_or_actions_are_refused_and_nothing_is_kept(
    decision, creator, django_capture_on_commit_callbacks, kwargs
):
    with pytest.raises(DomainError) as caught:
        _file(
            decision, creator, django_capture_on_commit_callbacks, files=[("trap.pdf", _pdf_with(**kwargs))]
        )
    assert caught.value.code == "evidence_pdf_active_content" and "trap.pdf" in caught.value.message
    assert not Appeal.objects.exists()


def test_a_pdf_that_only_opens_at_a_page_is_accepted(decision, creator, django_capture_on_commit_callbacks):
    appeal = _file(
        decision, creator, django_capture_on_commit_callbacks, files=[("d.pdf", _pdf_with(page_fit=True))]
    )
    assert appeal.evidence.get().content_type == "application/pdf"


def _pdf_with_attachment() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("payload.exe", b"MZ\x90\x00not really")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_with_disguised_outline_script() -> bytes:
    """A bookmark whose action is JavaScript, its type name written with a #-escape a byte search misses."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    item = writer.add_outline_item(title="Chapter", page_number=0).get_object()
    item[NameObject("/A")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue().replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


@pytest.mark.parametrize("make", [_pdf_with_attachment, _pdf_with_disguised_outline_script])
def test_pdfs_hiding_files_or_scripts_are_refused(
    decision, creator, django_capture_on_commit_callbacks, make
):
    data = make()
    assert b"/JavaScript" not in data or make is _pdf_with_attachment
    with pytest.raises(DomainError) as caught:
        _file(decision, creator, django_capture_on_commit_callbacks, files=[("trap.pdf", data)])
    assert caught.value.code == "evidence_pdf_active_content"
    assert not Appeal.objects.exists()
