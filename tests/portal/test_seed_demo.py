from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from appeals.models import Decision
from notes.models import AutomationCase, Boost, Featuring, ImpressionDay, Label, Note, Report

pytestmark = pytest.mark.django_db(transaction=True)  # the demo's tasks run after its commit


def test_it_loads_demo_data_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "staff@demo.sunlight.test" in out and "sunlight-demo-2026" in out
    assert User.objects.filter(is_staff=True).count() == 1
    # Six notes of images, a hand-painted one and the video AI-animated from it.
    assert Note.objects.filter(state="published").count() == 8
    video = Note.objects.get(title="The cranes take flight").video
    assert (video.status, video.animated_from_own, video.animated_from_note.title) == (
        "ready",
        True,
        "Cranes in clouds, gongbi on silk",
    )
    assert sorted(Label.objects.values_list("tier", flat=True)) == [
        "declared",
        "declared",
        "declared",
        "declared",
        "suspected",
    ]
    kinds = sorted(Decision.objects.values_list("kind", "state"))
    assert kinds == [
        ("label_suspected", "in_force"),  # the lighthouse's generator parameters, automated
        ("label_suspected", "reversed"),  # the fog photo, wrongly labelled and reversed
        ("reduced_distribution", "in_force"),  # the tea listicle
    ]
    # Every traffic case a newcomer should see, once however often the command runs.
    traffic = dict(Note.objects.values_list("title", "traffic"))
    assert traffic["A poster for our book club"] == "bonus"
    assert traffic["10 facts about tea you won't believe"] == "reduced"
    assert traffic["Morning fog over West Lake"] == "boosted"
    assert Featuring.objects.count() == 1 and Boost.objects.count() == 1
    boost = Boost.objects.get()
    assert 0 < boost.delivered < boost.target
    assert ImpressionDay.objects.filter(note__title="Morning fog over West Lake", boost__gt=0).exists()
    assert ImpressionDay.objects.filter(note__title="A poster for our book club", bonus__gt=0).exists()
    # The staff queues have work: an automation case for the demo bot, and a report about it.
    case = AutomationCase.objects.get()
    assert case.account.email == "growth-bot@demo.sunlight.test" and case.state == "open"
    assert Report.objects.get().account == case.account
