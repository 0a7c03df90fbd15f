"""The reader against every shared fixture, as SOURCES.md records it."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command

from notes.provenance import TrustConfig, scan


def _expected(fixtures) -> dict[str, tuple[str, str | None]]:
    """file -> (tier, kind), read from the 'pipeline verdict' column of SOURCES.md."""
    rows = {}
    for line in (fixtures / "SOURCES.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 9 or not re.match(r"^[a-z0-9_]+/", cells[0]):
            continue
        path, other, verdict = cells[0], cells[7], cells[8]
        if verdict.startswith("no AI signal"):
            rows[path] = ("none", None)
        elif "ai_edited" in verdict:
            rows[path] = ("confirmed", "edited")
        elif "ai_generated" in verdict:
            rows[path] = ("confirmed", "generated")
        elif "INVALID C2PA" in verdict or "generator parameters" in verdict:
            rows[path] = ("suspected", "generated")
        elif "unsigned metadata declaration" in verdict:
            # GB 45438 Label 2/3 means "possibly"/"suspected"; Label 1 and IPTC AI codes confirm.
            tier = "suspected" if re.search(r"Label=[23]\b", other) else "confirmed"
            rows[path] = (tier, "edited" if "composite" in other else "generated")
        else:
            raise AssertionError(f"unknown verdict in SOURCES.md: {verdict}")
    return rows


def test_scan_provenance_json_agrees_with_sources_md_for_every_file(fixtures):
    expected = _expected(fixtures)
    assert len(expected) == 37  # every image row of SOURCES.md
    out = io.StringIO()
    call_command("scan_provenance", str(fixtures), "--json", stdout=out)
    results = {}
    for line in out.getvalue().splitlines():
        row = json.loads(line)
        assert set(row) == {"path", "tier", "kind", "signals"}
        results[str(row["path"]).split("provenance/", 1)[1]] = (row["tier"], row["kind"])
    images = {
        path: verdict for path, verdict in results.items() if not path.startswith(("trust/", "test-certs/"))
    }
    images.pop("SOURCES.md")
    assert images == expected


def test_the_test_root_makes_the_generated_fixtures_trusted(fixtures):
    data = (fixtures / "c2pa_generated/c2pa_signed_trained_algorithmic.jpg").read_bytes()
    production = scan(data)
    assert production.signals[0].details["validation_state"] == "Valid"
    assert "signingCredential.untrusted" in production.signals[0].details["failures"]
    with_test_root = scan(
        data, trust=TrustConfig.shipped((str(fixtures / "test-certs/test_cert_root_bundle.pem"),))
    )
    assert with_test_root.signals[0].details["validation_state"] == "Trusted"
    assert with_test_root.tier == "confirmed"


def test_a_self_signed_famous_name_proves_nothing(fixtures):
    result = scan((fixtures / "c2pa_generated/c2pa_spoof_fake_adobe_selfsigned.jpg").read_bytes())
    (signal,) = result.signals
    assert signal.details["generator"].startswith("Adobe Firefly")
    assert signal.details["validation_state"] == "Valid"  # the crypto checks out …
    assert signal.details["digital_source_type"] == "digitalCapture"  # … and it claims a camera …
    assert (result.tier, signal.tier, signal.ai) == (
        "none",
        "none",
        None,
    )  # … which proves nothing either way


def test_the_real_firefly_sample_names_signer_generator_and_ingredient(fixtures):
    result = scan((fixtures / "c2pa_real/c2pa-rs_ocsp_firefly_photoshop.jpg").read_bytes())
    active, ingredient = result.signals
    assert active.details["validation_state"] == "Trusted"
    assert active.details["generator"].startswith("Adobe Photoshop")
    assert active.details["digital_source_type"] == "compositeWithTrainedAlgorithmicMedia"
    assert ingredient.location == "c2pa:ingredient"
    assert ingredient.details["digital_source_type"] == "trainedAlgorithmicMedia"
    assert "Adobe Firefly" in ingredient.details["signer"]


def test_a_remote_manifest_is_reported_not_fetched(fixtures):
    result = scan((fixtures / "c2pa_real/c2pa-rs_cloud_remote_manifest.jpg").read_bytes())
    (signal,) = [s for s in result.signals if s.kind == "c2pa"]
    assert signal.readable is False
    assert signal.details["error"] == "remote_manifest_not_fetched"
    assert result.tier == "none"


@pytest.mark.parametrize(
    ("name", "location", "generator"),
    [
        (
            "generator_metadata/sd-parsers_automatic1111_stealth.png",
            "alpha:stealth",
            "AUTOMATIC1111 stealth_pnginfo",
        ),
        (
            "generator_metadata/sd-parsers_automatic1111_cropped.jpg",
            "exif:UserComment",
            "AUTOMATIC1111-compatible",
        ),
        ("generator_metadata/sd-parsers_fooocus1_cropped.png", "png:parameters", "Fooocus"),
        ("generator_metadata/sd-parsers_novelai1_cropped.png", "png:Comment", "NovelAI"),
        ("generator_metadata/sd-parsers_invokeai_imeta1.png", "png:invokeai_metadata", "InvokeAI"),
        ("generator_metadata/sd-parsers_img2img_cropped.png", "png:prompt", "ComfyUI"),
        ("synthetic/midjourney_pattern_description.png", "png:Description", "Midjourney"),
        ("synthetic/exif_generator_hint.jpg", "exif:ImageDescription", "DALL-E"),
    ],
)
def test_it_names_the_generator_and_where_it_was_found(fixtures, name, location, generator):
    signal = scan((fixtures / name).read_bytes()).signals[0]
    assert (signal.location, signal.details["generator"]) == (location, generator)
