from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_it_sends_anonymous_admin_visitors_to_the_allauth_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_forbids_the_admin_to_creators(client, creator):
    client.force_login(creator)
    assert client.get("/admin/").status_code == 302  # admin index -> its login
    assert client.get("/admin/login/").status_code == 403


def test_it_requires_staff_to_set_up_mfa_before_the_admin(client, staff):
    client.force_login(staff)
    response = client.get("/admin/", follow=True)
    # First stop: the TOTP set-up page (which itself asks for the password again, as allauth does).
    assert response.redirect_chain[0][0] == "/accounts/2fa/totp/activate/"
    assert "need two-factor authentication" in response.content.decode()


def test_it_lets_staff_with_totp_sign_in_and_reach_the_admin(client, staff):
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = client.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    # Password alone is not enough: allauth asks for the second factor.
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Sunlight staff" in response.content.decode()
