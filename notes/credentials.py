"""The platform's own Content Credentials on the copies it serves of an image that carried a manifest.

A display copy or an original-size download is a new file: re-encoded, perhaps resized, its camera
and location metadata removed. When the upload carried a C2PA manifest, the copy gets a platform
manifest (c2pa-python ``Builder``) that names the upload as its ``parentOf`` ingredient — so the
chain back to the camera or the generator survives — and records the platform's actions and its
label decision. It is signed with the certificate in ``SUNLIGHT_C2PA_CERT`` / ``SUNLIGHT_C2PA_KEY``;
the embedded default makes a local development certificate on first use and says it is not for
production. A missing, unreadable or expired certificate never fails a page: the copy is served
without a platform manifest and the reason is logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

logger = logging.getLogger(__name__)

LABEL_ASSERTION = "org.sunlight.ai-label"
DEV_FOLDER = "c2pa-dev"
DEV_SIGNER_NAME = "Sunlight development signer (not for production)"


@dataclass(frozen=True)
class PlatformSigner:
    chain_pem: bytes
    key_pem: bytes
    fingerprint: str
    development: bool


def _dev_certificate(folder: Path) -> tuple[Path, Path]:
    """A local CA and an ES256 signing certificate under it, made once; for development only."""
    chain, key = folder / "platform-chain.pem", folder / "platform-key.pem"
    if chain.exists() and key.exists():
        return chain, key
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "Sunlight development CA (not for production)")]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, DEV_SIGNER_NAME),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sunlight (development)"),
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                ]
            )
        )
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    chain.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    key.write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    key.chmod(0o600)
    logger.warning(
        "Created a local development certificate for Content Credentials in %s: it is not for production "
        "(set SUNLIGHT_C2PA_CERT and SUNLIGHT_C2PA_KEY).",
        folder,
    )
    return chain, key


@lru_cache(maxsize=4)
def _load(chain_path: str, key_path: str, development: bool, day: str) -> PlatformSigner | None:
    from cryptography import x509

    try:
        chain = Path(chain_path).read_bytes()
        key = Path(key_path).read_bytes()
        leaf = x509.load_pem_x509_certificates(chain)[0]
    except (OSError, ValueError) as exc:
        logger.error("Content Credentials signing is off: the certificate could not be read (%s).", exc)
        return None
    now = dt.datetime.now(dt.UTC)
    if not leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc:
        logger.error(
            "Content Credentials signing is off: the certificate is valid from %s to %s.",
            leaf.not_valid_before_utc.date(),
            leaf.not_valid_after_utc.date(),
        )
        return None
    fingerprint = hashlib.sha256(chain).hexdigest()[:16]
    return PlatformSigner(chain_pem=chain, key_pem=key, fingerprint=fingerprint, development=development)


def platform_signer() -> PlatformSigner | None:
    """The certificate to sign served copies with, or None (then copies carry no platform manifest)."""
    conf = settings.SUNLIGHT_C2PA
    chain, key, development = conf["cert"], conf["key"], False
    if not (chain and key):
        if not settings.DEBUG:
            return None
        chain_path, key_path = _dev_certificate(Path(settings.VAR_DIR) / DEV_FOLDER)
        chain, key, development = str(chain_path), str(key_path), True
    # The day is part of the cache key, so an expiry is noticed within a day of it.
    return _load(chain, key, development, dt.date.today().isoformat())


def signer_fingerprint() -> str:
    signer = platform_signer()
    return signer.fingerprint if signer else "unsigned"


# Assertions of an upload's manifests that describe the capture rather than the history: EXIF (with
# its GPS position), IPTC and schema.org metadata, thumbnails. Redacted from the copies the platform
# serves, as the copies' own metadata is removed.
REDACTED_PREFIXES = (
    "stds.exif",
    "stds.iptc",
    "stds.schema-org",
    "c2pa.metadata",
    "cawg.metadata",
    "c2pa.thumbnail",
)


def _redactions(original: BinaryIO, original_mime: str) -> list[str]:
    import c2pa

    original.seek(0)
    try:
        with c2pa.Reader(original_mime, original) as reader:
            report = json.loads(reader.json())
    except c2pa.C2paError:
        return []
    finally:
        original.seek(0)
    uris = []
    for label, manifest in (report.get("manifests") or {}).items():
        for assertion in manifest.get("assertions") or []:
            name = str(assertion.get("label", ""))
            if name.startswith(REDACTED_PREFIXES):
                uris.append(f"self#jumbf=c2pa/{label}/c2pa.assertions/{name}")
    return uris


def sign_copy(
    *,
    data: bytes,
    mime: str,
    original: BinaryIO,
    original_mime: str,
    original_name: str,
    actions: list[dict],
    label: dict,
) -> tuple[bytes, bool]:
    """``data`` (a copy the platform made of ``original``) with a platform manifest whose ``parentOf``
    ingredient is the original and its manifest, the capture metadata in that manifest redacted (the
    copy's own is removed too); ``(data, False)`` unchanged if it cannot be signed."""
    signer = platform_signer()
    if signer is None:
        return data, False
    import c2pa

    try:
        redacted = _redactions(original, original_mime)
        manifest = {
            "claim_generator_info": [{"name": "Sunlight", "version": "1.0"}],
            "title": original_name,
            "assertions": [
                {
                    "label": "c2pa.actions",
                    "data": {
                        "actions": [
                            {"action": "c2pa.opened", "parameters": {"ingredientIds": ["upload"]}},
                            *actions,
                            *(
                                {"action": "c2pa.redacted", "parameters": {"redacted": uri}}
                                for uri in redacted
                            ),
                        ]
                    },
                },
                {"label": LABEL_ASSERTION, "data": label},
            ],
            "redactions": redacted,
        }
        info = c2pa.C2paSignerInfo(
            alg=b"es256", sign_cert=signer.chain_pem, private_key=signer.key_pem, ta_url=None
        )
        context = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}}})
        out = io.BytesIO()
        with c2pa.Builder(json.dumps(manifest), context=context) as builder:
            builder.add_ingredient(
                {"title": original_name, "relationship": "parentOf", "label": "upload"},
                original_mime,
                original,
            )
            builder.sign(c2pa.Signer.from_info(info), mime, io.BytesIO(data), out)
    except Exception:  # a signing failure must never fail the page: serve the copy without it
        logger.exception("Content Credentials signing failed; serving the copy without a platform manifest.")
        return data, False
    return out.getvalue(), True
