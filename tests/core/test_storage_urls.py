"""Where core.storage sends a checked viewer: URLs made locally (no store is called), checked here as
the store or CDN would check them."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils import timezone

from core.storage import PrivateMediaStorage, PublicMediaStorage, redirect_target

_S3 = {
    "endpoint_url": "http://127.0.0.1:9",
    "access_key": "k",
    "secret_key": "s",
    "region_name": "us-east-1",
    "addressing_style": "path",
    "signature_version": "s3v4",  # as in production settings
}


@pytest.fixture
def cdn_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _cloudfront_b64decode(value: str) -> bytes:
    return base64.b64decode(value.replace("-", "+").replace("_", "=").replace("~", "/"))


def _file(storage, name: str = "notes/abc/display.0123456789abcdef.webp") -> SimpleNamespace:
    return SimpleNamespace(storage=storage, name=name)


def test_a_cdn_with_a_signing_key_hands_out_urls_that_expire_with_the_hour(settings, cdn_key):
    settings.SUNLIGHT_S3 = {**settings.SUNLIGHT_S3, "PUBLIC_PRESIGN_SECONDS": 3600}
    storage = PublicMediaStorage(
        **_S3,
        bucket_name="sunlight-public",
        custom_domain="media.sunlight.example",
        cloudfront_key_id="K2JCJMDEHXQW5F",
        cloudfront_key=_pem(cdn_key),
    )
    with time_machine.travel("2026-12-06 12:00:00+00:00", tick=False):
        url = redirect_target(_file(storage), public=True)
        expected_expiry = int((timezone.now() + timedelta(seconds=3600)).timestamp())
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "media.sunlight.example",
        "/notes/abc/display.0123456789abcdef.webp",
    )
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["Key-Pair-Id"] == "K2JCJMDEHXQW5F" and int(query["Expires"]) == expected_expiry
    # What CloudFront checks: the canned policy for this URL and expiry, signed with the key pair.
    resource = url.split("?")[0]
    policy = json.dumps(
        {
            "Statement": [
                {"Resource": resource, "Condition": {"DateLessThan": {"AWS:EpochTime": expected_expiry}}}
            ]
        },
        separators=(",", ":"),
    ).encode()
    cdn_key.public_key().verify(
        _cloudfront_b64decode(query["Signature"]),
        policy,
        padding.PKCS1v15(),
        hashes.SHA1(),  # noqa: S303
    )


def test_a_cdn_without_a_key_and_the_bucket_itself(settings):
    unsigned = PublicMediaStorage(
        **_S3, bucket_name="sunlight-public", custom_domain="media.sunlight.example"
    )
    assert redirect_target(_file(unsigned), public=True) == (
        "https://media.sunlight.example/notes/abc/display.0123456789abcdef.webp"
    )
    bucket = PublicMediaStorage(**_S3, bucket_name="sunlight-public")
    published = redirect_target(_file(bucket), public=True)
    assert "X-Amz-Expires=3600" in published and "response-cache-control" not in published
    # A draft's copy (public=False) is short-lived and tells every cache on the way not to keep it.
    draft = parse_qs(urlsplit(redirect_target(_file(bucket), public=False)).query)
    assert draft["X-Amz-Expires"] == ["60"] and draft["response-cache-control"] == ["private, no-store"]


def test_a_private_file_is_never_handed_out_unsigned():
    storage = PrivateMediaStorage(**_S3, bucket_name="sunlight-private")
    url = redirect_target(_file(storage, "originals/x.jpg"), public=True, filename="x.jpg")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"] and "X-Amz-Signature" in query
    assert query["response-content-disposition"] == ['attachment; filename="x.jpg"']
