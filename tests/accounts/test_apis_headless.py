from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Notification, User
from tests.factories import PASSWORD, UserFactory
from tests.support import confirmation_link, headless_login

pytestmark = pytest.mark.django_db

APP = "/_allauth/app/v1"


PINNED = 2


def test_it_signs_up_verifies_and_logs_in_through_the_app_client(
    api_client, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            f"{APP}/auth/signup",
            {"email": "mobile@example.com", "password": "a-long-passphrase-42", "display_name": "Mo Bile"},
            format="json",
        )
    # Pending verification: no authenticated session yet, and the flow says why.
    assert response.status_code == 401
    flows = {flow["id"]: flow for flow in response.json()["data"]["flows"]}
    assert flows["verify_email"]["is_pending"]
    assert User.objects.get(email="mobile@example.com").display_name == "Mo Bile"

    key = confirmation_link(mail.outbox[0].body).rstrip("/").rsplit("/", 1)[-1]
    token = response.json()["meta"]["session_token"]
    response = api_client.post(
        f"{APP}/auth/email/verify", {"key": key}, format="json", HTTP_X_SESSION_TOKEN=token
    )
    # Verified in the session that signed up: the app is signed in, with no second password prompt.
    assert response.status_code == 200, response.content
    assert response.json()["meta"]["is_authenticated"] is True
    token = response.json()["meta"]["session_token"]
    response = api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    # And a sign-in later works as ever.
    token = headless_login(api_client, "mobile@example.com", "a-long-passphrase-42")
    response = api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    assert response.json()["email"] == "mobile@example.com"


def test_it_answers_401_json_without_a_token(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.json()["error"]["status"] == 401


def test_it_answers_401_for_an_unknown_or_logged_out_token(api_client, creator):
    response = api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN="no-such-token")
    assert response.status_code == 401

    login = api_client.post(
        f"{APP}/auth/login", {"email": creator.email, "password": PASSWORD}, format="json"
    )
    token = login.json()["meta"]["session_token"]
    assert api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 200
    assert api_client.delete(f"{APP}/auth/session", HTTP_X_SESSION_TOKEN=token).status_code == 401
    assert api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401


def test_it_refuses_wrong_credentials_with_field_errors(api_client, creator):
    response = api_client.post(
        f"{APP}/auth/login", {"email": creator.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["param"] == "password"


def test_it_refuses_an_unverified_login(api_client):
    user = UserFactory(verified=False)
    response = api_client.post(
        f"{APP}/auth/login", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 401
    assert any(f["id"] == "verify_email" and f.get("is_pending") for f in response.json()["data"]["flows"])


def test_it_reports_malformed_json_clearly(creator_api):
    response = creator_api.generic("PATCH", "/api/v1/me/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert "JSON" in response.json()["error"]["message"]


def test_it_validates_profile_updates_with_field_errors(creator_api, creator):
    response = creator_api.patch("/api/v1/me/", {"display_name": "x" * 61}, format="json")
    assert response.status_code == 400
    assert "display_name" in response.json()["error"]["fields"]
    creator.refresh_from_db()
    assert creator.display_name == "Casey Creator"

    response = creator_api.patch("/api/v1/me/", {"display_name": "  Casey C.  "}, format="json")
    assert response.status_code == 200
    creator.refresh_from_db()
    assert creator.display_name == "Casey C."


@pytest.mark.parametrize("extra", [0, 15])
def test_it_lists_and_marks_only_my_notifications(creator_api, creator, outsider, extra, assert_app_queries):
    for i in range(extra):
        Notification.objects.create(recipient=creator, kind="test", title=f"old{i}", read_at=timezone.now())
    mine = [Notification.objects.create(recipient=creator, kind="test", title=f"n{i}") for i in range(3)]
    theirs = Notification.objects.create(recipient=outsider, kind="test", title="not yours")

    # Session token (exists + load), the user, the page: the same for 3 notifications or 18.
    with assert_app_queries(PINNED):
        response = creator_api.get("/api/v1/notifications/")
    assert [n["title"] for n in response.json()["results"]][:3] == ["n2", "n1", "n0"]
    assert creator_api.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}

    response = creator_api.post(
        "/api/v1/notifications/read/", {"ids": [mine[0].id, theirs.id]}, format="json"
    )
    assert response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert creator_api.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked": 2}
    assert creator_api.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


@pytest.mark.parametrize("huge", [2**63, 10**30])
def test_ids_beyond_64_bits_are_refused_not_a_server_error(client, creator_api, creator, huge):
    response = creator_api.post("/api/v1/notifications/read/", {"ids": [huge]}, format="json")
    assert response.status_code == 400 and "ids" in response.json()["error"]["fields"]
    client.force_login(creator)
    assert client.post("/notifications/read/", {"id": str(huge)}).status_code == 302
    assert client.get(f"/appeals/{creator.public_id}/evidence/{huge}/").status_code == 404


def test_personal_answers_are_never_cached(creator_api, api_client):
    response = creator_api.get("/api/v1/me/")
    assert response["Cache-Control"] == "private, no-store"
    assert "X-Session-Token" in response["Vary"]
    assert "no-store" not in api_client.get("/api/v1/feed/").get("Cache-Control", "")


def test_declaration_errors_name_the_field_the_client_sent(creator_api, creator):
    from tests.notes.conftest import make_draft

    note = make_draft(creator, images=2)
    first = note.images.order_by("position").first()
    response = creator_api.put(
        f"/api/v1/notes/{note.public_id}/declaration/",
        {"degree": "assisted", "text_degree": "none", "images": {str(first.public_id): "assisted"}},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["images"]


@pytest.mark.parametrize("value", ["²", "٣", "0", "101", "-1", "2.5"])
def test_a_page_size_outside_the_schema_is_a_400(creator_api, value):
    response = creator_api.get("/api/v1/notifications/", {"page_size": value})
    assert response.status_code == 400 and "page_size" in response.json()["error"]["fields"]
