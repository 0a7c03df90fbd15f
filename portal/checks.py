"""System checks: the DSA Transparency Database settings (a wrong value fails ``manage.py check``) and, for
``check --deploy``, a CDN whose URLs never expire."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.core.checks import Warning as CheckWarning

from portal import dsa


@register()
def dsa_settings_check(app_configs: object = None, **kwargs: object) -> list[Error | CheckWarning]:
    conf = settings.SUNLIGHT_DSA
    problems: list[Error | CheckWarning] = []
    batch = conf.get("batch_size")
    if not isinstance(batch, int) or not 1 <= batch <= dsa.BATCH_MAX:
        problems.append(
            Error(
                f"SUNLIGHT_DSA_BATCH_SIZE must be a whole number from 1 to {dsa.BATCH_MAX}, "
                "the statements the Transparency Database takes per call.",
                id="portal.E001",
            )
        )
    for name in ("timeout_seconds", "retry_backoff_seconds"):
        if not conf.get(name, 0) > 0:
            problems.append(Error(f"SUNLIGHT_DSA[{name!r}] must be above 0.", id="portal.E002"))
    if not isinstance(conf.get("retries"), int) or not 0 <= conf["retries"] <= 10:
        problems.append(Error("SUNLIGHT_DSA_RETRIES must be a whole number from 0 to 10.", id="portal.E003"))
    endpoint = conf.get("endpoint", "")
    if endpoint:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(
                Error(
                    "SUNLIGHT_DSA_ENDPOINT must be the full address of the statements endpoint, "
                    "e.g. https://transparency.dsa.ec.europa.eu/api/v1/statements.",
                    id="portal.E004",
                )
            )
        if not conf.get("token"):
            problems.append(
                Error("SUNLIGHT_DSA_ENDPOINT is set without SUNLIGHT_DSA_TOKEN: set both.", id="portal.E005")
            )
        base = urlsplit(settings.SUNLIGHT_BASE_URL)
        if not settings.DEBUG and (
            base.scheme != "https" or base.hostname in ("127.0.0.1", "localhost", None)
        ):
            problems.append(
                Error(
                    "Statements sent to the Transparency Database link to the guidelines at "
                    "SUNLIGHT_BASE_URL: set it to the site's public https address before "
                    "setting SUNLIGHT_DSA_ENDPOINT.",
                    id="portal.E006",
                )
            )
        if parts.scheme == "http" and not settings.DEBUG:
            problems.append(
                CheckWarning(
                    "SUNLIGHT_DSA_ENDPOINT sends the API token without TLS: use https.", id="portal.W001"
                )
            )
    return problems


@register(deploy=True)
def cdn_signing_check(app_configs: object = None, **kwargs: object) -> list[CheckWarning]:
    options = settings.STORAGES.get("default", {}).get("OPTIONS", {})
    if options.get("custom_domain") and not options.get("cloudfront_key_id"):
        return [
            CheckWarning(
                "SUNLIGHT_S3_PUBLIC_DOMAIN is set without SUNLIGHT_S3_CDN_KEY_ID: the CDN's URLs never "
                "expire, so a copy stays reachable by its URL after its note is removed, until the object "
                "is deleted and the CDN's cache forgets it.",
                hint="Give the CDN a URL-signing key pair (SUNLIGHT_S3_CDN_KEY_ID, "
                "SUNLIGHT_S3_CDN_PRIVATE_KEY_FILE), or silence portal.W002 if public URLs are acceptable.",
                id="portal.W002",
            )
        ]
    return []
