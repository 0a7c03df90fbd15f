"""The automation scan over the database: cases for staff, escalation, dismissal, the clearest rule."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from appeals.models import Decision
from core.errors import DomainError
from notes import services
from notes.models import AutomationCase, Client
from notes.services import cases
from tests.factories import UserFactory, staff_with_permissions
from tests.notes.conftest import make_published

pytestmark = pytest.mark.django_db


def bot_activity(bot, author, *, count: int = 24) -> None:
    """The bot comments the same words seconds after each new note, every 600 s ± 1 s, through the API."""
    rng = random.Random(11)
    start = timezone.now() - timedelta(hours=5)
    for index in range(count):
        moment = start + timedelta(seconds=index * 600 + rng.uniform(-1, 1))
        with time_machine.travel(moment, tick=False):
            note = make_published(author, title=f"Note {index}", images=1)
        with time_machine.travel(moment + timedelta(seconds=3), tick=False):
            services.comment_create(
                note=note,
                author=bot,
                body="Great post! Follow me for more amazing content!",
                client=Client.API,
            )


def test_a_bot_gets_a_case_and_a_person_does_not(creator):
    bot = UserFactory(email="bot@example.com")
    bot_activity(bot, creator)
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        services.comment_create(
            note=make_published(bot, title="Mine", images=1), author=creator, body="Nice one"
        )
    counts = cases.automation_scan()
    assert counts["cases"] == 1 and counts["acted"] == 0
    case = AutomationCase.objects.get()
    assert case.account == bot and case.state == "open" and not case.clearest
    fired = {s["name"] for s in case.signals if s["fired"]}
    assert fired == {"regularity", "reaction_latency", "near_duplicate_texts", "api_share"}
    cases.automation_scan()  # a second scan refreshes the open case
    assert AutomationCase.objects.count() == 1


def test_staff_escalate_a_case_to_the_next_measure_once(creator):
    bot = UserFactory()
    bot_activity(bot, creator)
    cases.automation_scan()
    case = AutomationCase.objects.get()
    moderator = staff_with_permissions("decide")
    statement = services.decisions.ledger.Statement(
        summary="A warning.",
        facts="Identical comments seconds after others' notes.",
        rule_code="ai_managed_account",
    )
    decision = cases.case_escalate(case=case, acting_user=moderator, statement=statement)
    assert decision.kind == Decision.Kind.ACCOUNT_WARNING and decision.subject_owner == bot
    case.refresh_from_db()
    assert case.state == "escalated" and case.decision == decision and case.decided_by == moderator
    with pytest.raises(DomainError, match="decided already"):
        cases.case_escalate(case=case, acting_user=moderator, statement=statement)
    with pytest.raises(DomainError, match="decided already"):
        cases.case_dismiss(case=case, acting_user=moderator, note="Twice")


def test_staff_dismiss_a_case_with_a_reason(creator):
    bot = UserFactory()
    bot_activity(bot, creator)
    cases.automation_scan()
    case = AutomationCase.objects.get()
    moderator = staff_with_permissions("decide")
    with pytest.raises(Exception, match="Say why"):
        cases.case_dismiss(case=case, acting_user=moderator, note=" ")
    with pytest.raises(Exception, match="not allowed"):
        cases.case_dismiss(case=case, acting_user=staff_with_permissions(), note="No")
    cases.case_dismiss(case=case, acting_user=moderator, note="A scheduling tool the creator told us about.")
    assert AutomationCase.objects.get().state == "dismissed" and not Decision.objects.exists()


def test_the_clearest_rule_suspends_without_a_person_and_never_staff(creator, settings):
    settings.SUNLIGHT_AUTOMATION = {
        **settings.SUNLIGHT_AUTOMATION,
        "SPREAD_MIN_HOURS": 1,
        "SPREAD_ENTROPY": 0.0,
        "BURST_PER_MINUTE": 1,
    }
    bot = UserFactory()
    bot_activity(bot, creator)
    staff = staff_with_permissions()
    bot_activity(staff, creator, count=20)
    counts = cases.automation_scan()
    assert counts["acted"] == 1  # these loose settings also open a case for the regular human poster
    case = AutomationCase.objects.get(account=bot)
    assert case.state == "acted" and case.clearest
    assert AutomationCase.objects.get(account=creator).state == "open"
    decision = case.decision
    assert decision.kind == Decision.Kind.SUSPENSION and decision.decided_by is None
    assert decision.automated_decision == "fully" and decision.subject_owner == bot
    assert not Decision.objects.filter(subject_owner=staff).exists()
    # The next scans never judge the same activity again: no second measure.
    cases.automation_scan()
    cases.automation_scan()
    assert Decision.objects.filter(subject_owner=bot).count() == 1


def test_the_clearest_rule_can_be_switched_off(creator, settings):
    settings.SUNLIGHT_AUTOMATION = {
        **settings.SUNLIGHT_AUTOMATION,
        "SPREAD_MIN_HOURS": 1,
        "SPREAD_ENTROPY": 0.0,
        "BURST_PER_MINUTE": 1,
        "CLEAREST_RULE_ACTS": False,
    }
    bot = UserFactory()
    bot_activity(bot, creator)
    assert cases.automation_scan()["acted"] == 0
    assert AutomationCase.objects.get(account=bot).state == "open" and not Decision.objects.exists()


def test_the_case_queue_in_the_admin(client, creator):
    bot = UserFactory()
    bot_activity(bot, creator)
    cases.automation_scan()
    case = AutomationCase.objects.get()
    client.force_login(staff_with_permissions("decide", "view_automationcase"))
    page = client.get(
        f"/admin/notes/automationcase/{case.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "reaction_latency" in page and "Great post! Follow me" in page and "Escalate to a measure" in page
    response = client.post(
        f"/admin/notes/automationcase/{case.pk}/escalate/",
        {"kind": "next", "summary": "A warning.", "facts": "Identical comments."},
    )
    assert response.status_code == 302
    assert Decision.objects.get(subject_owner=bot).kind == Decision.Kind.ACCOUNT_WARNING


def test_the_clearest_rules_statement_reads_in_the_creators_language(creator, settings):
    settings.SUNLIGHT_AUTOMATION = {
        **settings.SUNLIGHT_AUTOMATION,
        "SPREAD_MIN_HOURS": 1,
        "SPREAD_ENTROPY": 0.0,
        "BURST_PER_MINUTE": 1,
    }
    bot = UserFactory(language="zh-hans")
    bot_activity(bot, creator)
    cases.automation_scan()
    facts = Decision.objects.get(subject_owner=bot).facts
    assert "所有自动化信号均已触发" in facts and "由脚本发送的操作占比" in facts and "api_share" not in facts
