"""The decision ledger: one hook for create, reverse and expire; the audit trail; staff decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from accounts.models import Notification
from accounts.notifications import render
from appeals import effects, services
from appeals.models import Automation, CompensationVoucher, Decision, DecisionEvent
from appeals.tasks import expire_decisions
from core.errors import DomainError
from notes.models import Label, Note
from tests.factories import DecisionFactory, UserFactory, staff_with_permissions
from tests.notes.conftest import make_published

pytestmark = pytest.mark.django_db


def _staff_statement(**overrides: object) -> services.Statement:
    values = {
        "summary": "The note is labelled “AI-generated content”.",
        "facts": "The creator's own post elsewhere says the picture was made with Midjourney.",
        "rule_code": Decision.RuleCode.AI_LABEL_MISSING,
        "source": Decision.Source.USER_REPORT,
    }
    return services.Statement(**{**values, **overrides})


def _note_decision(note: Note, **overrides: object) -> Decision:
    values = {
        "subject_owner": note.author,
        "subject_type": Decision.SubjectType.NOTE,
        "subject_id": note.public_id,
        "subject_title": note.title,
        "kind": Decision.Kind.LABEL_CONFIRMED,
    }
    return DecisionFactory(**{**values, **overrides})


def test_every_subject_type_has_an_effect_handler():
    for subject_type in Decision.SubjectType.values:
        assert effects.handlers_for(subject_type), f"no handler shows the effects of {subject_type} decisions"


def test_an_unhandled_subject_type_is_refused_not_ignored(creator, monkeypatch):
    monkeypatch.setattr(effects, "_HANDLERS", {})
    with pytest.raises(Exception, match="no effect handler"):
        DecisionFactory(subject_owner=creator)
    assert not Decision.objects.exists() and not DecisionEvent.objects.exists()


def test_creating_a_decision_applies_its_effect_and_audits_it(creator, django_capture_on_commit_callbacks):
    note = make_published(creator)
    with django_capture_on_commit_callbacks(execute=True):
        decision = _note_decision(note)
    label = Label.objects.get(note=note, tier="confirmed")
    assert label.decision == decision
    (event,) = decision.events.all()
    assert (event.kind, event.actor, event.reason) == ("created", None, decision.summary)
    assert Notification.objects.filter(recipient=creator, kind="decision").count() == 1


def test_a_timed_decision_ends_for_readers_at_ends_at_and_the_task_expires_it(client, creator):
    note = make_published(creator)
    decision = _note_decision(
        note, kind=Decision.Kind.LABEL_SUSPECTED, ends_at=timezone.now() + timedelta(days=7)
    )
    page = client.get(f"/notes/{note.public_id}/").content.decode()
    assert "Suspected AI-generated content" in page

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        # Before the expiry task runs, readers already see no label.
        assert (
            "Suspected AI-generated content" not in client.get(f"/notes/{note.public_id}/").content.decode()
        )
        assert expire_decisions.delay().get() == 1
        assert expire_decisions.delay().get() == 0  # a rerun finds nothing to do
    decision.refresh_from_db()
    assert decision.state == "expired" and decision.expired_at is not None
    assert not Label.objects.filter(note=note, tier="suspected").exists()
    assert list(decision.events.values_list("kind", "actor")) == [("created", None), ("expired", None)]


def test_expiring_a_reversed_or_untimed_decision_changes_nothing(creator, staff):
    note = make_published(creator)
    untimed = _note_decision(note)
    assert services.decision_expire(decision=untimed).state == "in_force"
    timed = _note_decision(
        note, kind=Decision.Kind.REDUCED_DISTRIBUTION, ends_at=timezone.now() + timedelta(hours=1)
    )
    services.decision_reverse(decision=timed, acting_user=staff, reason="Too harsh.")
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert services.decision_expire(decision=timed).state == "reversed"
    assert list(timed.events.values_list("kind", flat=True)) == ["created", "reversed"]


def test_own_initiative_reversal_records_who_and_why_and_compensates(
    client, creator, django_capture_on_commit_callbacks
):
    note = make_published(creator)
    decision = _note_decision(note)
    corrector = staff_with_permissions("decide")
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_reverse(
            decision=decision,
            acting_user=corrector,
            reason="The Midjourney post was about another picture.",
            internal_note="Reporter confused two posts.",
        )
        services.decision_reverse(decision=decision, acting_user=corrector, reason="A second click.")
    decision.refresh_from_db()
    assert decision.state == "reversed"
    assert not Label.objects.filter(note=note, tier="confirmed").exists()
    reversed_event = decision.events.get(kind="reversed")
    assert (reversed_event.actor, reversed_event.internal_note) == (corrector, "Reporter confused two posts.")
    voucher = CompensationVoucher.objects.get(decision=decision)
    assert voucher.appeal is None and voucher.owner == creator
    assert Notification.objects.filter(recipient=creator, kind="decision_reversed").count() == 1

    # The creator's timeline shows the reason, never the internal note or the staff member's name.
    client.force_login(creator)
    page = client.get(f"/appeals/decisions/{decision.public_id}/").content.decode()
    assert "The Midjourney post was about another picture." in page
    assert "Reporter confused" not in page and corrector.email not in page
    # The voucher has no appeal: the wallet links it to the decision instead.
    wallet = client.get("/appeals/wallet/")
    assert (
        wallet.status_code == 200 and f"/appeals/decisions/{decision.public_id}/" in wallet.content.decode()
    )


def test_a_reversed_decisions_earlier_notification_stops_offering_an_appeal(
    creator, staff, django_capture_on_commit_callbacks
):
    note = make_published(creator)
    with django_capture_on_commit_callbacks(execute=True):
        decision = _note_decision(note)
        other = _note_decision(make_published(creator, title="Another note"))
    notification = Notification.objects.get(params__decision=str(decision.public_id))
    with translation.override("en"):
        assert [a.name for a in render(notification).actions] == ["view_decision", "appeal"]

    with django_capture_on_commit_callbacks(execute=True):
        services.decision_reverse(decision=decision, acting_user=staff, reason="Wrong from the start.")
    notification.refresh_from_db()
    for language, reversed_words in (("en", "has since been reversed"), ("zh-hans", "已被撤销")):
        with translation.override(language):
            rendered = render(notification)
        assert reversed_words in rendered.message
        assert [a.name for a in rendered.actions] == ["view_decision"]
    # The other decision's notification is untouched.
    untouched = Notification.objects.get(params__decision=str(other.public_id))
    assert untouched.kind == "decision" and untouched.params["reversed"] is False


def test_a_notice_still_queued_when_its_decision_is_reversed_offers_no_appeal(creator, staff):
    """The "decision" notice is sent by a task after commit; with the queue backed up, staff reverse
    the decision first. The notice, sent afterwards, says so and offers no appeal."""
    from appeals.tasks import notify_decision

    decision = _note_decision(make_published(creator))  # its notice's task has not run yet
    services.decision_reverse(decision=decision, acting_user=staff, reason="Wrong from the start.")
    notify_decision(decision.pk, "appeals/email/decision")  # the queued task runs now
    notice = Notification.objects.get(kind="decision", params__decision=str(decision.public_id))
    with translation.override("en"):
        assert [a.name for a in render(notice).actions] == ["view_decision"]


def test_reversing_needs_the_permission_and_a_reason(creator):
    decision = _note_decision(make_published(creator))
    plain_staff = staff_with_permissions()
    with pytest.raises(PermissionDenied):
        services.decision_reverse(decision=decision, acting_user=plain_staff, reason="No.")
    with pytest.raises(ValidationError):
        services.decision_reverse(
            decision=decision, acting_user=staff_with_permissions("decide"), reason="  "
        )
    decision.refresh_from_db()
    assert decision.state == "in_force" and decision.events.count() == 1


def test_a_decision_under_appeal_is_reversed_by_deciding_the_appeal(creator, staff):
    decision = _note_decision(make_published(creator))
    services.appeal_file(decision=decision, appellant=creator, reason="It is mine.")
    with pytest.raises(DomainError) as caught:
        services.decision_reverse(decision=decision, acting_user=staff, reason="Correcting.")
    assert caught.value.code == "appeal_open"


def test_a_staff_decision_needs_reasons_and_a_permitted_person(creator):
    note = make_published(creator)
    decider = staff_with_permissions("decide")
    base = {
        "subject_owner": creator,
        "subject_type": "note",
        "subject_id": note.public_id,
        "subject_title": note.title,
        "kind": Decision.Kind.REMOVAL,
    }
    with pytest.raises(ValidationError) as caught:
        services.decision_create(
            **base, statement=_staff_statement(summary=" ", facts=""), decided_by=decider
        )
    assert set(caught.value.message_dict) == {"summary", "facts"}
    with pytest.raises(PermissionDenied):
        services.decision_create(**base, statement=_staff_statement(), decided_by=staff_with_permissions())
    with pytest.raises(PermissionDenied):
        services.decision_create(**base, statement=_staff_statement(), decided_by=None)
    with pytest.raises(ValidationError):
        services.decision_create(
            **base,
            statement=_staff_statement(),
            decided_by=decider,
            ends_at=timezone.now() - timedelta(days=1),
        )
    assert not Decision.objects.exists() and not DecisionEvent.objects.exists()

    decision, created = services.decision_create(**base, statement=_staff_statement(), decided_by=decider)
    assert created and decision.decided_by == decider
    assert (decision.automated_detection, decision.automated_decision) == ("none", "none")
    assert decision.rule == "所有AI参与制作的内容都必须主动标注"  # quoted in the creator's language (zh-hans)
    assert decision.territorial_scope == ["*"]
    note.refresh_from_db()
    assert note.withheld and note.withheld_until is None


def test_the_pipeline_never_decides_about_a_staff_account():
    member = UserFactory(is_staff=True)
    with pytest.raises(DomainError) as caught:
        DecisionFactory(subject_owner=member)
    assert caught.value.code == "subject_is_staff"
    assert not Decision.objects.exists()


def test_an_automated_decision_names_no_person(creator, staff):
    with pytest.raises(ValidationError):
        DecisionFactory(subject_owner=creator, decided_by=staff, automated_decision=Automation.FULLY)


def test_removal_and_reduced_reach_follow_the_ledger(client, creator, staff):
    make_published(creator, title="Older neighbour")
    note = make_published(creator, title="Forged travel diary")
    home = client.get("/").content.decode()
    assert home.index("Forged travel diary") < home.index("Older neighbour")  # newest first at equal weight
    reduce = _note_decision(note, kind=Decision.Kind.REDUCED_DISTRIBUTION)
    home = client.get("/").content.decode()
    assert home.index("Forged travel diary") > home.index("Older neighbour")  # ranked lower on the feed …
    assert client.get(f"/notes/{note.public_id}/").status_code == 200  # … still reachable by its URL

    removal = _note_decision(note, kind=Decision.Kind.REMOVAL)
    assert client.get(f"/notes/{note.public_id}/").status_code == 404
    client.force_login(creator)
    own = client.get(f"/notes/{note.public_id}/").content.decode()  # the author still sees it, and why
    assert "A decision removed this note from public view" in own and "reduces this note" in own
    assert "Removed by a decision" in client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.logout()

    services.decision_reverse(decision=removal, acting_user=staff, reason="Not forged after all.")
    services.decision_reverse(decision=reduce, acting_user=staff, reason="Not forged after all.")
    assert client.get(f"/notes/{note.public_id}/").status_code == 200
    home = client.get("/").content.decode()
    assert home.index("Forged travel diary") < home.index("Older neighbour")


def test_notification_titles_are_stored_as_text_and_escaped_once_on_the_page(
    client, creator, django_capture_on_commit_callbacks
):
    creator.language = "en"
    creator.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        DecisionFactory(subject_owner=creator, subject_title="Tom & Jerry <3")
    notification = Notification.objects.get(recipient=creator)
    assert "Tom & Jerry <3" in notification.title
    client.force_login(creator)
    page = client.get("/notifications/").content.decode()
    assert "Tom &amp; Jerry &lt;3" in page and "&amp;amp;" not in page


def test_a_label_stays_while_any_decision_for_it_is_in_force(client, creator):
    note = make_published(creator)
    _note_decision(note, ends_at=timezone.now() + timedelta(days=1))  # timed, older
    _note_decision(note)  # untimed, newer: same tier
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        # The timed one has ended and the task has not run: the label still rests on the other one.
        page = client.get(f"/notes/{note.public_id}/").content.decode()
        assert "AI-generated content" in page


def test_compensation_counts_only_the_days_a_decision_was_in_force(creator, staff):
    decision = _note_decision(make_published(creator), ends_at=timezone.now() + timedelta(days=1))
    with time_machine.travel(timezone.now() + timedelta(days=150)):
        services.decisions_expire_due()
        services.decision_reverse(decision=decision, acting_user=staff, reason="Wrong from the start.")
    voucher = CompensationVoucher.objects.get(decision=decision)
    assert voucher.impressions == 1000 + 200 * 1  # one day in force, not 150


def test_an_ended_decision_cannot_be_appealed_even_before_the_task_runs(creator):
    decision = _note_decision(make_published(creator), ends_at=timezone.now() + timedelta(hours=1))
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert services.decision_appealable(decision) is not None
