"""Derivation read the way C2PA defines it: cropping a generated image leaves it generated; AI
material placed into a human work, or a generative edit of a photo, makes it edited; chains are
walked to a bounded depth, cycles and self-references included."""

from __future__ import annotations

import io
import json

import c2pa
from PIL import Image

from notes.provenance import c2pa_reader
from notes.provenance.reader import scan
from tests.provenance.videos import DST, fixture_signer


def _signer() -> c2pa.Signer:
    return fixture_signer()


def _jpeg(seed: int = 1) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (48, 48), (seed * 30 % 255, 100, 150)).save(out, "JPEG")
    return out.getvalue()


def uses(action: str, *indexes: int) -> dict:
    """An action that takes ingredients (opened, placed), naming them as C2PA requires."""
    return {"action": action, "parameters": {"ingredientIds": [f"ingredient{i}" for i in indexes]}}


def sign(actions: list[dict], *, generator: str, ingredients: tuple[tuple[bytes, str], ...] = ()) -> bytes:
    manifest = {
        "claim_generator_info": [{"name": generator, "version": "1.0"}],
        "title": "image.jpg",
        "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
    }
    out = io.BytesIO()
    with c2pa.Builder(json.dumps(manifest)) as builder:
        for index, (data, relationship) in enumerate(ingredients):
            builder.add_ingredient(
                {
                    "title": f"ingredient-{index}.jpg",
                    "relationship": relationship,
                    "label": f"ingredient{index}",
                },
                "image/jpeg",
                io.BytesIO(data),
            )
        builder.sign(_signer(), "image/jpeg", io.BytesIO(_jpeg(len(ingredients) + 2)), out)
    return out.getvalue()


def generated() -> bytes:
    return sign(
        [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}],
        generator="ExampleGen",
    )


def photo() -> bytes:
    return sign(
        [{"action": "c2pa.created", "digitalSourceType": DST + "digitalCapture"}], generator="ExampleCam"
    )


def test_cropping_a_generated_image_leaves_it_generated_and_says_how():
    cropped = sign(
        [uses("c2pa.opened", 0), {"action": "c2pa.cropped"}, {"action": "c2pa.resized"}],
        generator="ExampleEditor",
        ingredients=((generated(), "parentOf"),),
    )
    result = scan(cropped)
    assert (result.tier, result.kind) == ("confirmed", "generated")
    active = result.signals[0]
    assert active.details["derived_from"].startswith("ExampleGen")
    assert active.details["derivation"][0]["actions"] == ["c2pa.cropped", "c2pa.resized"]
    assert [s.location for s in result.signals] == ["c2pa:active", "c2pa:ingredient"]


def test_ai_material_placed_into_a_photo_makes_it_edited():
    composite = sign(
        [uses("c2pa.opened", 0), uses("c2pa.placed", 1)],
        generator="ExampleEditor",
        ingredients=((photo(), "parentOf"), (generated(), "componentOf")),
    )
    result = scan(composite)
    assert (result.tier, result.kind) == ("confirmed", "edited")


def test_a_generative_edit_of_a_photo_makes_it_edited():
    inpainted = sign(
        [
            uses("c2pa.opened", 0),
            {"action": "c2pa.edited", "digitalSourceType": DST + "trainedAlgorithmicMedia"},
        ],
        generator="ExampleEditor",
        ingredients=((photo(), "parentOf"),),
    )
    assert (scan(inpainted).tier, scan(inpainted).kind) == ("confirmed", "edited")


def test_cropping_a_photo_claims_nothing():
    cropped = sign(
        [uses("c2pa.opened", 0), {"action": "c2pa.cropped"}],
        generator="ExampleEditor",
        ingredients=((photo(), "parentOf"),),
    )
    assert scan(cropped).tier == "none"


def _report(links: dict[str, list[str]], ai: set[str]) -> dict:
    manifests = {}
    for label, children in links.items():
        actions = (
            [{"action": "c2pa.created", "digitalSourceType": DST + "trainedAlgorithmicMedia"}]
            if label in ai
            else []
        )
        actions += [{"action": "c2pa.cropped"}] if label not in ai else []
        manifests[label] = {
            "claim_generator_info": [{"name": label}],
            "assertions": [{"label": "c2pa.actions", "data": {"actions": actions}}],
            "ingredients": [{"active_manifest": child, "relationship": "parentOf"} for child in children],
        }
    return {"manifests": manifests}


def test_a_self_reference_and_a_cycle_end_the_walk():
    assert c2pa_reader.derive(_report({"a": ["a"]}, set()), "a").ai is None
    assert c2pa_reader.derive(_report({"a": ["b"], "b": ["a"]}, set()), "a").ai is None
    derived = c2pa_reader.derive(_report({"a": ["b"], "b": ["c", "a"], "c": []}, {"c"}), "a")
    assert derived.ai == "generated" and len(derived.steps) == 3


def test_a_ten_thousand_deep_chain_is_walked_to_the_limit_only():
    depth = 10_000
    links = {f"m{i}": [f"m{i + 1}"] for i in range(depth)}
    links[f"m{depth}"] = []
    derived = c2pa_reader.derive(_report(links, {f"m{depth}"}), "m0")  # no RecursionError, no hang
    assert derived.ai is None  # the generated root is beyond what is read
    near = {f"m{i}": [f"m{i + 1}"] for i in range(5)} | {"m5": []}
    assert c2pa_reader.derive(_report(near, {"m5"}), "m0").ai == "generated"


def test_the_creator_reads_the_derivation_in_their_language():
    from django.utils import translation

    from notes.evidence_text import describe
    from notes.models import ProvenanceSignal

    cropped = sign(
        [uses("c2pa.opened", 0), {"action": "c2pa.cropped"}],
        generator="ExampleEditor",
        ingredients=((generated(), "parentOf"),),
    )
    active, ingredient = scan(cropped).signals
    rows = [
        ProvenanceSignal(
            **{k: getattr(s, k) for k in ("kind", "location", "value", "tier", "readable", "details")},
            ai=s.ai or "",
        )
        for s in (active, ingredient)
    ]
    with translation.override("en"):
        assert "Its history: cropped, from material made with ExampleGen 1.0." in describe(rows[0], 1)
        assert "declare it “trainedAlgorithmicMedia” (made by a trained AI model)" in describe(rows[1], 1)
    with translation.override("zh-hans"):
        assert "裁剪" in describe(rows[0], 1)


def test_an_ai_edit_of_a_photo_without_credentials_is_edited():
    plain = _jpeg(9)
    inpainted = sign(
        [
            uses("c2pa.opened", 0),
            {"action": "c2pa.edited", "digitalSourceType": DST + "trainedAlgorithmicMedia"},
        ],
        generator="ExampleEditor",
        ingredients=((plain, "parentOf"),),
    )
    assert (scan(inpainted).tier, scan(inpainted).kind) == ("confirmed", "edited")


def test_a_capture_then_an_ai_edit_in_one_manifest_is_edited():
    captured_then_edited = sign(
        [
            {"action": "c2pa.created", "digitalSourceType": DST + "digitalCapture"},
            {"action": "c2pa.edited", "digitalSourceType": DST + "trainedAlgorithmicMedia"},
        ],
        generator="ExampleCamApp",
    )
    assert scan(captured_then_edited).kind == "edited"


def test_further_ai_work_on_a_generated_image_leaves_it_generated():
    composite = sign(
        [
            uses("c2pa.opened", 0),
            {"action": "c2pa.edited", "digitalSourceType": DST + "compositeWithTrainedAlgorithmicMedia"},
        ],
        generator="ExampleEditor",
        ingredients=((generated(), "parentOf"),),
    )
    assert scan(composite).kind == "generated"
