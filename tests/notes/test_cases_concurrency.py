"""Twenty staff escalating one automation case at once (PostgreSQL): one measure, nineteen refusals."""

from __future__ import annotations

import pytest
from django.db import connection

from appeals import services as ledger
from appeals.models import Decision
from notes.models import AutomationCase
from notes.services import cases
from tests.factories import UserFactory, staff_with_permissions
from tests.notes.test_cases import bot_activity
from tests.notes.test_traffic_concurrency import _race


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_escalations_take_one_measure(creator):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are tested on PostgreSQL (CI's second run)")
    bot = UserFactory()
    bot_activity(bot, creator)
    cases.automation_scan()
    case = AutomationCase.objects.get(account=bot)
    staff = [staff_with_permissions("decide") for _ in range(20)]
    statement = ledger.Statement(
        summary="A warning.", facts="Identical comments.", rule_code="ai_managed_account"
    )

    outcomes = _race(20, lambda i: cases.case_escalate(case=case, acting_user=staff[i], statement=statement))

    assert sorted(outcomes) == ["case_decided"] * 19 + [
        "redeemed"
    ]  # "redeemed": the helper's word for success
    assert Decision.objects.filter(subject_owner=bot).count() == 1
    assert AutomationCase.objects.get(pk=case.pk).state == "escalated"


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_measures_on_one_account_climb_the_ladder_in_order(creator):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are tested on PostgreSQL (CI's second run)")
    staff = [staff_with_permissions("decide") for _ in range(5)]
    statement = ledger.Statement(summary="A measure.", facts="Spam.", rule_code="ai_managed_account")

    _race(5, lambda i: ledger.account_measure(account=creator, acting_user=staff[i], statement=statement))

    kinds = list(
        Decision.objects.filter(subject_owner=creator)
        .order_by("created_at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["account_warning", "account_measure", "posting_restricted", "suspension", "ban"]
