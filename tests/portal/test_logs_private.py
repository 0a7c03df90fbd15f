"""Logs never carry secrets, session tokens or email addresses."""

from __future__ import annotations

import logging

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.support import headless_login

pytestmark = pytest.mark.django_db


def test_sign_up_log_in_and_api_use_leave_no_secret_in_the_logs(
    client, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    email = "private.person@example.com"
    password = "a-Long-unguessable-passphrase-42"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {"email": email, "password1": password, "password2": password, "display_name": "P"},
        )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(email=email).update(verified=True)
    api = APIClient()
    token = headless_login(api, email, password)
    api.credentials(HTTP_X_SESSION_TOKEN=token)
    api.get("/api/v1/me/")
    api.get("/api/v1/notes/00000000-0000-0000-0000-000000000000/")  # a logged 404
    APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-token")  # a logged 401
    APIClient().post("/_allauth/app/v1/auth/login", {"email": email, "password": "wrong"}, format="json")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the flow did log (requests, tasks), and none of it is private
    for secret in (email, password, token, PASSWORD):
        assert secret not in logged
