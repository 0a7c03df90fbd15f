"""Content Credentials (C2PA) through c2pa-python, offline.

Remote manifests and OCSP are never fetched: an upload must never make the server fetch a
URL. Trust comes from the C2PA Trust List and the frozen interim Content Credentials list
shipped in ``trust/``; "Valid" (the signature checks out) is not "Trusted" (the signer
chains to a listed root).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import c2pa

from notes.provenance import dst
from notes.provenance.signals import C2PA, CONFIRMED, EDITED, GENERATED, NONE, SUSPECTED, Signal, clip

TRUST_DIR = Path(__file__).resolve().parent / "trust"


@dataclass(frozen=True)
class TrustConfig:
    anchors_pem: str
    allowed_pem: str
    eku_config: str

    @classmethod
    def shipped(cls, extra_anchor_files: tuple[str, ...] = ()) -> TrustConfig:
        anchors = [
            (TRUST_DIR / "C2PA-TRUST-LIST.pem").read_text(),
            (TRUST_DIR / "interim-anchors.pem").read_text(),
        ]
        anchors += [Path(path).read_text() for path in extra_anchor_files]
        return cls(
            anchors_pem="\n".join(anchors),
            allowed_pem=(TRUST_DIR / "interim-allowed.pem").read_text(),
            eku_config=(TRUST_DIR / "interim-store.cfg").read_text(),
        )


@lru_cache(maxsize=4)
def _context(trust: TrustConfig) -> c2pa.Context:
    return c2pa.Context.from_dict(
        {
            "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False, "verify_trust": True},
            "trust": {
                "trust_anchors": trust.anchors_pem,
                "allowed_list": trust.allowed_pem,
                "trust_config": trust.eku_config,
            },
            # Belt and braces: no host may be contacted even if a setting above changed.
            "core": {"allowed_network_hosts": []},
        }
    )


def _actions(manifest: dict) -> list[dict]:
    actions: list[dict] = []
    for assertion in manifest.get("assertions") or []:
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            data = assertion.get("data") or {}
            actions.extend(a for a in data.get("actions") or [] if isinstance(a, dict))
    return actions


def _source_types(manifest: dict) -> list[str]:
    return [str(a["digitalSourceType"]) for a in _actions(manifest) if a.get("digitalSourceType")]


def _generator(manifest: dict) -> str:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict) and info[0].get("name"):
        return " ".join(str(info[0].get(k, "")) for k in ("name", "version")).strip()
    return str(manifest.get("claim_generator") or "")


def _signer(manifest: dict) -> str:
    sig = manifest.get("signature_info") or {}
    return " / ".join(str(sig[k]) for k in ("common_name", "issuer") if sig.get(k))


def _failure_codes(report: dict) -> list[str]:
    results = report.get("validation_results") or {}
    codes = [f.get("code") for f in (results.get("activeManifest") or {}).get("failure", [])]
    for delta in results.get("ingredientDeltas") or []:
        codes += [f.get("code") for f in (delta.get("validationDeltas") or {}).get("failure", [])]
    if not codes:
        codes = [s.get("code") for s in report.get("validation_status") or []]
    return sorted({c for c in codes if c})


# Actions that only open, cut, scale, re-encode or colour-adjust what they were given: an asset made
# by them from a parentOf ingredient is what that ingredient was (C2PA's derivation).
NON_CREATIVE = {
    "c2pa.opened",
    "c2pa.cropped",
    "c2pa.resized",
    "c2pa.transcoded",
    "c2pa.converted",
    "c2pa.repackaged",
    "c2pa.color_adjustments",
    "c2pa.orientation",
    "c2pa.published",
    "c2pa.redacted",
    "c2pa.watermarked",
    "c2pa.edited.metadata",
}
MAX_INGREDIENT_DEPTH = 16
MAX_MANIFESTS_WALKED = 256


@dataclass(frozen=True)
class Derivation:
    """What a manifest's history says: AI "generated" or "edited" (or None), from which source type,
    and the steps from the asset back to the AI material (each: actions, relationship, generator)."""

    ai: str | None
    source_type: str | None
    steps: tuple[dict, ...] = ()
    generator: str = ""


def _relationship(ingredient: dict) -> str:
    return str(ingredient.get("relationship") or "componentOf")


def derive(report: dict, label: str) -> Derivation:
    """Read the ingredient tree the way C2PA defines derivation, to a bounded depth, without recursion:
    an asset whose own actions only open/crop/resize/re-encode/colour-adjust a ``parentOf`` ingredient
    inherits that ingredient's verdict; AI material placed into it (``componentOf``, ``c2pa.placed``)
    or a generative action on a human parent makes it "edited"."""
    manifests = report.get("manifests") or {}
    memo: dict[str, Derivation] = {}
    # Post-order over the tree, iteratively: a 10,000-deep or cyclic chain stops at the limits.
    stack: list[tuple[str, int, bool]] = [(label, 0, False)]
    on_path: set[str] = set()
    walked = 0
    while stack:
        current, depth, expanded = stack.pop()
        if current in memo:
            continue
        manifest = manifests.get(current) or {}
        children = [
            ingredient["active_manifest"]
            for ingredient in manifest.get("ingredients") or []
            if ingredient.get("active_manifest") in manifests
        ]
        if not expanded and depth < MAX_INGREDIENT_DEPTH and walked < MAX_MANIFESTS_WALKED:
            walked += 1
            on_path.add(current)
            stack.append((current, depth, True))
            stack += [
                (child, depth + 1, False) for child in children if child not in on_path and child not in memo
            ]
            continue
        on_path.discard(current)
        memo[current] = _verdict(manifest, manifests, memo)
    return memo.get(label, Derivation(None, None))


def _verdict(manifest: dict, manifests: dict, memo: dict[str, Derivation]) -> Derivation:
    actions = _actions(manifest)
    names = [str(a.get("action", "")) for a in actions]
    own = next(
        (a for a in actions if a.get("digitalSourceType") and dst.ai_of(str(a["digitalSourceType"]))), None
    )
    ingredients = [i for i in manifest.get("ingredients") or [] if i.get("active_manifest") in manifests]
    parents = [i for i in ingredients if _relationship(i) == "parentOf"]
    # A parent with no credentials of its own (a plain photo opened in an editor) is a parent too.
    any_parent = any(_relationship(i) == "parentOf" for i in manifest.get("ingredients") or [])
    generator = _generator(manifest)
    if own is not None:
        source_type = str(own["digitalSourceType"])
        ai = dst.ai_of(source_type)
        parent_verdicts = [memo.get(p["active_manifest"], Derivation(None, None)).ai for p in parents]
        # Before the AI action, this manifest created or opened something that was not AI-made.
        human_start = any(
            a is not own
            and a.get("action") in ("c2pa.created", "c2pa.opened")
            and not dst.ai_of(str(a.get("digitalSourceType") or ""))
            for a in actions[: actions.index(own)]
        )
        if GENERATED in parent_verdicts:
            ai = GENERATED  # further AI work on a generated image leaves it generated
        elif ai == GENERATED and own.get("action") != "c2pa.created" and (any_parent or human_start):
            ai = EDITED  # a generative action on human work (inpainting a photo) edits it
        return Derivation(
            ai, source_type, ({"actions": [own.get("action")], "generator": generator},), generator
        )
    for parent in parents:
        inherited = memo.get(parent["active_manifest"])
        if inherited is None or inherited.ai is None:
            continue
        creative = [n for n in names if n and n not in NON_CREATIVE]
        step = {
            "actions": [n for n in names if n != "c2pa.opened"] or ["c2pa.opened"],
            "relationship": "parentOf",
        }
        ai = inherited.ai if not creative else EDITED
        return Derivation(ai, inherited.source_type, (step, *inherited.steps), inherited.generator)
    for component in ingredients:
        if _relationship(component) == "parentOf":
            continue
        inherited = memo.get(component["active_manifest"])
        if inherited is not None and inherited.ai:
            step = {"actions": ["c2pa.placed"], "relationship": _relationship(component)}
            return Derivation(EDITED, inherited.source_type, (step, *inherited.steps), inherited.generator)
    return Derivation(None, None)


def _walk_jpeg(stream: BinaryIO) -> bool:
    stream.seek(2)
    for _ in range(10_000):
        head = stream.read(4)
        if len(head) < 4 or head[0] != 0xFF:
            return False
        marker = head[1]
        if marker in (0xDA, 0xD9):  # start of scan / end of image: no more metadata segments
            return False
        if marker == 0xEB:  # APP11 carries JUMBF, where C2PA manifests live
            return True
        stream.seek(int.from_bytes(head[2:4], "big") - 2, io.SEEK_CUR)
    return False


def _walk_png(stream: BinaryIO) -> bool:
    stream.seek(8)
    for _ in range(200_000):
        head = stream.read(8)
        if len(head) < 8:
            return False
        kind = head[4:8]
        if kind == b"caBX":
            return True
        if kind == b"IEND":
            return False
        stream.seek(int.from_bytes(head[:4], "big") + 4, io.SEEK_CUR)
    return False


def _walk_webp(stream: BinaryIO) -> bool:
    stream.seek(12)
    for _ in range(10_000):
        head = stream.read(8)
        if len(head) < 8:
            return False
        if head[:4] == b"C2PA":
            return True
        size = int.from_bytes(head[4:8], "little")
        stream.seek(size + (size & 1), io.SEEK_CUR)
    return False


def has_embedded_manifest(stream: BinaryIO, fmt: str) -> bool:
    """Walk segment headers only (no pixel data is read) to see whether a manifest is embedded.

    The native reader reads the whole asset; skipping it for files without one keeps
    the scan of a large photo from holding the photo in memory.
    """
    walker = {"JPEG": _walk_jpeg, "PNG": _walk_png, "WEBP": _walk_webp}[fmt]
    try:
        return walker(stream)
    finally:
        stream.seek(0)


def read(stream: BinaryIO, mime: str, trust: TrustConfig) -> list[Signal]:
    stream.seek(0)
    try:
        reader = c2pa.Reader.try_create(mime, stream, None, _context(trust))
    except c2pa.C2paError as exc:
        message = str(exc)
        remote = "remote" in message.lower()
        return [
            Signal(
                kind=C2PA,
                location="c2pa",
                value=clip(message, 200),
                readable=False,
                details={"error": "remote_manifest_not_fetched" if remote else "unreadable_manifest"},
            )
        ]
    if reader is None:
        return []
    with reader:
        report = json.loads(reader.json())
        state = reader.get_validation_state() or "Invalid"
    active_label = report.get("active_manifest")
    manifests = report.get("manifests") or {}
    active = manifests.get(active_label) or {}
    failures = _failure_codes(report)
    signals: list[Signal] = []
    base = {"validation_state": state, "failures": failures}

    def add(manifest: dict, location: str, ai: str | None, source_type: str | None) -> None:
        tier = NONE
        if ai:
            tier = CONFIRMED if state in ("Valid", "Trusted") else SUSPECTED
        signals.append(
            Signal(
                kind=C2PA,
                location=location,
                value=clip(source_type or ""),
                ai=ai,
                tier=tier,
                details={
                    **base,
                    "generator": clip(_generator(manifest), 200),
                    "signer": clip(_signer(manifest), 200),
                    "digital_source_type": dst.code_of(source_type) if source_type else None,
                    "title": clip(str(manifest.get("title") or ""), 200),
                    "actions": [clip(str(a.get("action", "")), 60) for a in _actions(manifest)[:20]],
                },
            )
        )

    derived = derive(report, active_label)
    active_types = _source_types(active)
    if derived.ai:
        add(active, "c2pa:active", derived.ai, derived.source_type)
        if derived.steps and len(derived.steps) > 1 or (derived.steps and "relationship" in derived.steps[0]):
            signals[-1].details["derivation"] = list(derived.steps)
            signals[-1].details["derived_from"] = clip(derived.generator, 200)
    else:
        add(active, "c2pa:active", None, active_types[0] if active_types else None)
    # AI ingredients, as evidence for the reader; the verdict is the active manifest's (above).
    for ingredient in _ai_ingredients(report, active_label):
        ai_type = next(t for t in _source_types(ingredient) if dst.ai_of(t))
        add(ingredient, "c2pa:ingredient", None, ai_type)
        signals[-1].details["digital_source_type"] = dst.code_of(ai_type)
    return signals


def _ai_ingredients(report: dict, label: str) -> list[dict]:
    """Every ingredient manifest below ``label`` that makes an AI claim, breadth first, bounded."""
    manifests = report.get("manifests") or {}
    found, seen, queue = [], {label}, [(label, 0)]
    while queue and len(seen) < MAX_MANIFESTS_WALKED:
        current, depth = queue.pop(0)
        if depth >= MAX_INGREDIENT_DEPTH:
            continue
        for ingredient in (manifests.get(current) or {}).get("ingredients") or []:
            child = ingredient.get("active_manifest")
            if child in manifests and child not in seen:
                seen.add(child)
                queue.append((child, depth + 1))
                if any(dst.ai_of(t) for t in _source_types(manifests[child])):
                    found.append(manifests[child])
    return found
