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
from notes.provenance.signals import C2PA, CONFIRMED, EDITED, NONE, SUSPECTED, Signal, clip

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


def _ingredient_manifests(report: dict, label: str, seen: set[str]) -> list[dict]:
    manifests = report.get("manifests") or {}
    found = []
    for ingredient in (manifests.get(label) or {}).get("ingredients") or []:
        child = ingredient.get("active_manifest")
        if child and child in manifests and child not in seen:
            seen.add(child)
            found.append(manifests[child])
            found.extend(_ingredient_manifests(report, child, seen))
    return found


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
                },
            )
        )

    active_types = _source_types(active)
    active_ai = next((dst.ai_of(t) for t in active_types if dst.ai_of(t)), None)
    active_type = next((t for t in active_types if dst.ai_of(t)), active_types[0] if active_types else None)
    add(active, "c2pa:active", active_ai, active_type)
    for ingredient in _ingredient_manifests(report, active_label, {active_label}):
        types = _source_types(ingredient)
        ai_type = next((t for t in types if dst.ai_of(t)), None)
        if ai_type:
            # AI material composited into the active work: the work is "edited with AI".
            add(ingredient, "c2pa:ingredient", EDITED, ai_type)
    return signals
