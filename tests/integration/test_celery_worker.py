from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User
from portal.tasks import clear_expired_sessions
from tests.support import confirmation_link

pytestmark = pytest.mark.integration


def _wait_for_mail(mail_dir, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(mail_dir.glob("*.log"))
        # The file backend creates the file, then writes the message and a line of 79 dashes after it.
        text = files[0].read_text() if files else ""
        if "-" * 79 in text:
            return text
        time.sleep(0.2)
    raise AssertionError("no mail was delivered by the worker")


def test_it_runs_a_task_end_to_end_in_a_real_worker(celery_worker):
    Session.objects.create(
        session_key="stale", session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    Session.objects.create(
        session_key="fresh", session_data="", expire_date=timezone.now() + timedelta(days=1)
    )

    result = clear_expired_sessions.delay()
    assert result.get(timeout=30) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["fresh"]
    assert "portal.tasks.clear_expired_sessions" in celery_worker.log.read_text()


def test_it_delivers_the_signup_verification_mail_through_the_worker(celery_worker, client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "worker@example.com",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 302

    # The web request only enqueued the mail; the worker process wrote it out.
    message = _wait_for_mail(celery_worker.mail_dir)
    assert "To: worker@example.com" in message
    assert client.post(confirmation_link(message)).status_code == 302
    assert EmailAddress.objects.get(user=User.objects.get(email="worker@example.com")).verified
