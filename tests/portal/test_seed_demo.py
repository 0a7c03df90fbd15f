from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from appeals.models import Decision
from notes.models import Label, Note

pytestmark = pytest.mark.django_db(transaction=True)  # the demo's tasks run after its commit


def test_it_loads_demo_data_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "staff@demo.sunlight.test" in out and "sunlight-demo-2026" in out
    assert User.objects.filter(is_staff=True).count() == 1
    assert Note.objects.filter(state="published").count() == 5
    assert sorted(Label.objects.values_list("tier", flat=True)) == ["declared", "declared", "suspected"]
    assert Decision.objects.get().kind == "label_suspected"
