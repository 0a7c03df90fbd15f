"""The backfill of appeals 0012: notices of decisions reversed earlier stop offering an appeal."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.timezone import now

from accounts.notifications import render
from accounts.services import notification_create
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("appeals.migrations.0012_reversed_decision_notices")


def _notice(decision):
    params = {"decision": str(decision.public_id), "kind": decision.kind, "title": decision.subject_title}
    return notification_create(recipient=decision.subject_owner, kind="decision", title="t", params=params)


def test_notices_of_reversed_decisions_are_marked_and_others_left(creator):
    reversed_decision, in_force = (
        DecisionFactory(subject_owner=creator),
        DecisionFactory(subject_owner=creator),
    )
    type(reversed_decision).objects.filter(pk=reversed_decision.pk).update(
        state="reversed", reversed_at=now()
    )
    old, current = _notice(reversed_decision), _notice(in_force)

    backfill.mark_reversed(apps, None)
    backfill.mark_reversed(apps, None)  # twice: nothing more changes

    old.refresh_from_db()
    current.refresh_from_db()
    assert old.params["reversed"] is True and "reversed" not in current.params
    with translation.override("en"):
        assert [a.name for a in render(old).actions] == ["view_decision"]
        assert [a.name for a in render(current).actions] == ["view_decision", "appeal"]
