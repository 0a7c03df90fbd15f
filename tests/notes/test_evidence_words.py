"""Issue 15 item 10: technical terms inside Chinese sentences are explained in Chinese, guideline names
follow the reader's language, and admin column headers are translated."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from appeals.models import Decision
from notes.evidence_text import describe, where_text
from notes.models import ProvenanceSignal
from tests.appeals.conftest import labelled_note_decision


def _signal(kind: str, location: str, **details) -> ProvenanceSignal:
    return ProvenanceSignal(kind=kind, location=location, ai="generated", tier="confirmed", details=details)


IPTC = _signal(
    "iptc_dst",
    "xmp:Iptc4xmpExt:DigitalSourceType",
    code="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
)
AIGC = _signal("aigc", "xmp:TC260:AIGC", label="1", producer="0011911101080001")
PARAMETERS = _signal("generator", "png:parameters", generator="AUTOMATIC1111-compatible")
HINT = _signal("generator_hint", "exif:Software", generator="Midjourney")
STEALTH = _signal("generator", "alpha:stealth", generator="Stable Diffusion (unknown front end)")


@pytest.mark.parametrize(
    ("signal", "english", "chinese"),
    [
        (
            IPTC,
            "“trainedAlgorithmicMedia” (made by a trained AI model)",
            "“trainedAlgorithmicMedia”（即由经过训练的AI模型生成）",
        ),
        (AIGC, "says the content is generated or synthesised by AI (Label 1", "属于AI生成合成内容（标识值 1"),
        (
            PARAMETERS,
            "(the prompt and settings of an AI image generator) written by an AUTOMATIC1111-compatible",
            "AUTOMATIC1111 兼容的 Stable Diffusion 工具 写入的生成参数（AI图像生成工具的提示词和设置）",
        ),
        (
            HINT,
            "names an AI generator (Midjourney) in the EXIF metadata field Software.",
            "EXIF 元数据字段“Software”",
        ),
        (STEALTH, "Stable Diffusion (front end unknown)", "图片透明通道中隐藏的数据"),
    ],
)
def test_each_signal_is_told_with_its_terms_explained_in_the_readers_language(signal, english, chinese):
    with translation.override("en"):
        assert english in describe(signal, 1)
    with translation.override("zh-hans"):
        text = describe(signal, 1)
    assert chinese in text
    # No English word of the sentence survives in Chinese except names, codes and field names quoted from
    # the file (which readers may look up): every Latin run is one of those.
    allowed = {
        "trainedAlgorithmicMedia", "TC260", "AIGC", "GB", "AI", "PNG", "parameters", "EXIF", "Software",
        "Midjourney", "Stable", "Diffusion", "AUTOMATIC1111", "XMP", "IPTC",
    }  # fmt: skip
    assert set(re.findall(r"[A-Za-z][A-Za-z0-9]+", text)) - allowed == set()


def test_unknown_locations_and_codes_are_shown_as_found():
    assert where_text("somewhere:odd") == "somewhere:odd"
    code = _signal("iptc_dst", "xmp:Iptc4xmpExt:DigitalSourceType", code="madeUpCode")
    with translation.override("zh-hans"):
        assert "“madeUpCode”。" in describe(code, 1)


@pytest.mark.django_db
def test_the_guideline_of_a_decision_follows_the_readers_language(
    creator, creator_api, django_capture_on_commit_callbacks
):
    creator.language = "en"
    creator.save(update_fields=["language"])
    decision = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    assert decision.rule_code != Decision.RuleCode.OTHER
    with translation.override("en"):
        english = str(Decision.RuleCode(decision.rule_code).label)
    with translation.override("zh-hans"):
        chinese = str(Decision.RuleCode(decision.rule_code).label)
    assert english != chinese and decision.rule == english  # recorded in the creator's language

    url = f"/api/v1/decisions/{decision.public_id}/"
    assert creator_api.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["rule"] == chinese
    assert creator_api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["rule"] == english


def test_every_field_staff_see_has_a_translated_name():
    """Admin column and inline headers come from the fields' names: each is marked for translation and
    has a Chinese name (names that are the same in both languages are listed)."""
    same_in_both = {"SHA-256", "C2PA", "URL"}
    untranslated = []
    for app in ("core", "accounts", "appeals", "notes", "portal"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.get_fields():
                if field.auto_created or not hasattr(field, "verbose_name"):
                    continue
                if not isinstance(field.verbose_name, Promise):
                    untranslated.append(f"{model._meta.label}.{field.name}")
                    continue
                with translation.override("zh-hans"):
                    chinese = str(field.verbose_name)
                with translation.override("en"):
                    english = str(field.verbose_name)
                if chinese == english and english not in same_in_both:
                    untranslated.append(f"{model._meta.label}.{field.name} ({english})")
    assert untranslated == []
