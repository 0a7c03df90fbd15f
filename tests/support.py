from __future__ import annotations

import os
import re
import time
import urllib.parse

import pytest
from rest_framework.test import APIClient

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, reason: str) -> None:
    """Skip when a service is missing on a plain machine; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.1) -> None:
    """Poll until a real worker process has done its part (integration tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting for the worker")


def headless_login(client: APIClient, email: str, password: str) -> str:
    response = client.post(
        "/_allauth/app/v1/auth/login", {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def confirmation_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert match, body
    return urllib.parse.unquote(match.group(1))
