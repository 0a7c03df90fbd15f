from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.support import confirmation_link

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"


def _signup(client, capture, **overrides):
    data = {
        "email": "new.creator@example.com",
        "display_name": "New Creator",
        "password1": "a-long-passphrase-42",
        "password2": "a-long-passphrase-42",
    }
    data.update(overrides)
    # Mail leaves after commit; run those callbacks as the real request cycle would.
    with capture(execute=True):
        return client.post(SIGNUP, data)


def test_it_signs_up_and_requires_verification_before_login(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new.creator@example.com")
    assert user.display_name == "New Creator"
    assert not EmailAddress.objects.get(user=user).verified

    # The verification mail was delivered (through the mail task) to the new address only.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.creator@example.com"]

    # Not verified yet: signing in sends the creator back to verification, not the dashboard.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.creator@example.com", "password": "a-long-passphrase-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"

    link = confirmation_link(mail.outbox[0].body)
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(
        "/accounts/login/", {"login": "new.creator@example.com", "password": "a-long-passphrase-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_it_refuses_a_taken_email_without_creating_anything(client, django_capture_on_commit_callbacks):
    UserFactory(email="taken@example.com")
    response = _signup(client, django_capture_on_commit_callbacks, email="TAKEN@example.com")
    # Enumeration prevention: the page looks like success, but no second account exists,
    # and the owner of the address is told someone tried.
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "already" in mail.outbox[0].body.lower()


def test_it_refuses_a_weak_password(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, password1="password", password2="password")
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(email="new.creator@example.com").exists()
    assert mail.outbox == []


def test_it_refuses_mismatched_passwords(client, django_capture_on_commit_callbacks):
    response = _signup(client, django_capture_on_commit_callbacks, password2="something-else-entirely-7")
    assert response.status_code == 200
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()


def test_it_rejects_a_bad_verification_key(client):
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 200
    assert "expired or is invalid" in response.content.decode()


def test_it_shows_the_signup_page_in_chinese(client):
    response = client.get(SIGNUP, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "注册" in html


@pytest.mark.parametrize("path", ["/dashboard/", "/notifications/", "/appeals/", "/account/"])
def test_it_sends_anonymous_visitors_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_it_rate_limits_failed_logins(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    user = UserFactory(email="victim@example.com")
    for _ in range(3):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
