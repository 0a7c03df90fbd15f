"""Twenty requests spending one voucher at once (PostgreSQL): one boost, nineteen clear refusals."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from appeals import services as ledger
from appeals.models import CompensationVoucher
from core.errors import DomainError
from notes import services
from notes.models import Boost
from tests.factories import DecisionFactory, staff_with_permissions
from tests.notes.test_traffic import publish


def _race(count: int, action) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            action(index)
            outcomes.append("redeemed")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_redemptions_of_one_voucher_boost_once(creator):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are tested on PostgreSQL (CI's second run)")
    notes = [publish(creator, title=f"Note {i}", seed=i) for i in range(4)]
    decision = DecisionFactory(subject_owner=creator)
    ledger.decision_reverse(decision=decision, acting_user=staff_with_permissions("decide"), reason="Wrong.")
    voucher = CompensationVoucher.objects.get(decision=decision)

    outcomes = _race(
        20,
        lambda i: services.voucher_redeem(
            voucher_id=voucher.public_id, note_id=notes[i % 4].public_id, acting_user=creator
        ),
    )

    assert sorted(outcomes) == ["redeemed"] + ["voucher_spent"] * 19
    voucher.refresh_from_db()
    boost = Boost.objects.get()
    assert boost.voucher_id == voucher.pk and voucher.redeemed_on == boost.note.public_id
    assert boost.target == voucher.impressions


@pytest.mark.django_db(transaction=True)
def test_twenty_vouchers_racing_for_one_note_start_one_boost(creator):
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are tested on PostgreSQL (CI's second run)")
    note = publish(creator)
    staff = staff_with_permissions("decide")
    vouchers = []
    for _ in range(20):
        decision = DecisionFactory(subject_owner=creator)
        ledger.decision_reverse(decision=decision, acting_user=staff, reason="Wrong.")
        vouchers.append(CompensationVoucher.objects.get(decision=decision))

    outcomes = _race(
        20,
        lambda i: services.voucher_redeem(
            voucher_id=vouchers[i].public_id, note_id=note.public_id, acting_user=creator
        ),
    )

    assert outcomes.count("redeemed") == 1
    assert set(outcomes) - {"redeemed"} <= {"boost_running", "voucher_spent"}
    assert Boost.objects.filter(note=note).count() == 1
    # Exactly the winning voucher is spent; the others stay in the wallet, whole.
    assert CompensationVoucher.objects.filter(redeemed_at__isnull=False).count() == 1
