from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from notes.models import Label, Note

pytestmark = pytest.mark.django_db


def test_it_loads_demo_data_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "staff@demo.sunlight.test" in out and "sunlight-demo-2026" in out
    assert User.objects.filter(is_staff=True).count() == 1
    assert Note.objects.filter(state="published").count() == 4
    assert set(Label.objects.values_list("tier", flat=True)) == {"declared"}
    assert Label.objects.count() == 2
