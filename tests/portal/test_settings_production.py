from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="portal.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_production_without_a_secret_key():
    result = _run("check", ALLOWED_HOSTS="sunlight.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_production_without_allowed_hosts():
    result = _run("check", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def _deploy_check(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    return _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-grade-secret-key-" + "k8Fq2vXr9LmTz4Wp7BcN3sYd6HgJ5eRu",
        ALLOWED_HOSTS="sunlight.example",
        SUNLIGHT_VAR_DIR=str(tmp_path),
        **env,
    )


def test_it_passes_the_deploy_checklist_in_production(tmp_path):
    result = _deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_answers_json_only_and_trusts_no_forwarded_for_by_default(tmp_path):
    result = _run(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'], s.REST_FRAMEWORK['NUM_PROXIES'], "
        "s.ALLAUTH_TRUSTED_PROXY_COUNT)",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="sunlight.example",
        SUNLIGHT_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['rest_framework.renderers.JSONRenderer'] 0 0"


def _cdn_check(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    return _deploy_check(
        tmp_path, SUNLIGHT_STORAGE="s3", SUNLIGHT_S3_PUBLIC_DOMAIN="media.sunlight.example", **env
    )


def test_a_cdn_without_a_signing_key_fails_the_deploy_checklist_and_a_half_set_key_is_refused(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    unsigned = _cdn_check(tmp_path)
    assert unsigned.returncode != 0 and "portal.W002" in unsigned.stderr + unsigned.stdout

    half = _cdn_check(tmp_path, SUNLIGHT_S3_CDN_KEY_ID="K2JCJMDEHXQW5F")
    assert (
        half.returncode != 0 and "SUNLIGHT_S3_CDN_KEY_ID and SUNLIGHT_S3_CDN_PRIVATE_KEY_FILE" in half.stderr
    )

    pem = tmp_path / "cdn.pem"
    pem.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    signed = _cdn_check(
        tmp_path, SUNLIGHT_S3_CDN_KEY_ID="K2JCJMDEHXQW5F", SUNLIGHT_S3_CDN_PRIVATE_KEY_FILE=str(pem)
    )
    assert signed.returncode == 0, signed.stdout + signed.stderr
