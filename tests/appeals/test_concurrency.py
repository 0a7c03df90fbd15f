"""Twenty staff members overturning one appeal, or reversing one decision, at once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from appeals import services
from appeals.models import Appeal, CompensationVoucher, Decision, DecisionEvent
from core.errors import DomainError
from tests.factories import DecisionFactory, staff_with_permissions


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_overturns_make_one_decision_and_one_voucher(
    creator, django_capture_on_commit_callbacks
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are tested on PostgreSQL (CI's second run)")
    from tests.appeals.conftest import labelled_note_decision

    decision = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    appeal = services.appeal_file(decision=decision, appellant=creator, reason="Mine.")
    staff = [staff_with_permissions("decide_appeal") for _ in range(20)]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def overturn(member) -> None:
        try:
            barrier.wait()
            services.appeal_decide(appeal=appeal, outcome="overturned", acting_user=member, reply="Agreed.")
            outcomes.append("decided")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=overturn, args=(member,)) for member in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["already_decided"] * 19 + ["decided"]
    appeal.refresh_from_db()
    assert appeal.state == "overturned"
    assert Decision.objects.get(pk=decision.pk).state == "reversed"
    assert CompensationVoucher.objects.filter(decision=decision).count() == 1
    assert Appeal.objects.get(pk=appeal.pk).events.filter(kind="overturned").count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_reversals_write_one_audit_row_and_one_voucher(creator):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are tested on PostgreSQL (CI's second run)")
    decision = DecisionFactory(subject_owner=creator, kind=Decision.Kind.REDUCED_DISTRIBUTION)
    staff = [staff_with_permissions("decide") for _ in range(20)]
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []

    def reverse(member) -> None:
        try:
            barrier.wait()
            services.decision_reverse(decision=decision, acting_user=member, reason="Wrong call.")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reverse, args=(member,)) for member in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Decision.objects.get(pk=decision.pk).state == "reversed"
    assert DecisionEvent.objects.filter(decision=decision, kind="reversed").count() == 1
    assert CompensationVoucher.objects.filter(decision=decision).count() == 1
