from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_it_translates_every_string_into_simplified_chinese():
    po = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(po) > 100


def test_it_ships_compiled_catalogues_matching_the_sources():
    for language in ("en", "zh_Hans"):
        po = polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po"))
        mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES/django.mo"))
        compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
        source = {(e.msgid, e.msgstr) for e in po.translated_entries() if not e.msgid_plural}
        assert source <= compiled, f"{language}: run `manage.py compilemessages`"


def test_it_uses_the_design_wording_for_labels():
    po = polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))
    wording = {e.msgid: e.msgstr for e in po}
    assert wording["AI-generated content"] == "内容由AI生成"
    assert wording["Edited with AI"] == "内容经AI编辑"
    assert wording["Creator declared: contains AI-generated content"] == "作者声明：笔记含AI合成内容"
    assert wording["Creator declared: made with AI assistance"] == "作者声明：使用了AI辅助创作"
    assert (
        wording["Suspected AI-generated content — please judge carefully"] == "疑似包含AI生成内容，请谨慎甄别"
    )


def test_every_string_in_the_code_is_in_the_shipped_catalogue(tmp_path):
    """makemessages over a copy of the code: a new string not yet in the catalogue fails here."""
    import os
    import shutil
    import subprocess
    import sys

    from tests.support import require

    require(shutil.which("xgettext") is not None, "GNU gettext is not installed (apt-get install gettext)")
    root = LOCALE.parent
    for name in ("core", "accounts", "appeals", "notes", "portal", "templates"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "SUNLIGHT_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh = polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))
    shipped = {
        e.msgid for e in polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po")).translated_entries()
    }
    missing = sorted({e.msgid for e in fresh if e.msgid and e.msgid not in shipped})
    assert missing == [], "run makemessages, translate, compilemessages"
