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
    assert (
        wording["Suspected AI-generated content — please judge carefully"] == "疑似包含AI生成内容，请谨慎甄别"
    )
