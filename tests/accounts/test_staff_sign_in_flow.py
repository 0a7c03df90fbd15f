"""Staff sign-in goes password → authenticator set-up → admin, without a second password prompt
(issue 15, item 9); changing an existing authenticator still asks for the password."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_staff_member_sets_up_the_authenticator_right_after_the_password(client):
    staff = UserFactory(email="new-staff@example.com", is_staff=True, is_superuser=True)
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}, follow=True
    )
    paths = [url.split("?")[0] for url, _status in response.redirect_chain]
    assert "/accounts/2fa/totp/activate/" in paths
    assert "/accounts/reauthenticate/" not in paths
    assert response.status_code == 200 and 'name="code"' in response.content.decode()


def test_an_existing_authenticator_still_needs_the_password_to_change(client):
    staff = UserFactory(email="old-staff@example.com", is_staff=True, is_superuser=True)
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
