from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_reports_health_in_process(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "mode": "in-process"}


def test_it_reports_503_when_the_broker_is_unreachable(client, settings):
    from portal.celery import app

    # Port 9 (discard) has no broker: a real refused connection, nothing mocked.
    settings.SUNLIGHT_TASKS_IN_PROCESS = False
    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_it_serves_the_openapi_schema_and_local_docs(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/me/" in schema["paths"]
    assert "sessionToken" in schema["components"]["securitySchemes"]

    html = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_it_answers_unknown_api_paths_with_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "english", "chinese"),
    [
        ("/guidelines/", "AI as a creativity amplifier is welcome", "欢迎"),
        ("/transparency/", "Transparency report", "透明度报告"),
        ("/", "AI-made content, in the open", "公开"),
    ],
)
def test_it_renders_public_pages_in_both_languages(client, path, english, chinese):
    assert english in client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert chinese in client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_it_switches_language_with_the_switcher(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/guidelines/"})
    assert response.status_code == 302
    assert "社区" in client.get("/guidelines/").content.decode()


def test_it_sends_a_csp_without_unsafe_inline(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "<script>" not in response.content.decode()
    assert "style=" not in response.content.decode()


def test_the_openapi_schema_generates_without_warnings():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_the_authentication_api_docs_are_served_locally(client):
    html = client.get("/_allauth/openapi.html").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html
    assert client.get("/_allauth/openapi.json").json()["info"]


@pytest.mark.django_db
def test_the_anonymous_throttle_ignores_a_client_supplied_forwarded_for(api_client, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

    from notes.apis import FeedApi

    monkeypatch.setattr(FeedApi, "throttle_classes", [AnonRateThrottle])
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": "3/min"}
    )
    codes = [
        api_client.get("/api/v1/feed/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_strict_csp_covers_the_admin_and_the_api_docs(client):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import UserFactory

    member = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(member, generate_totp_secret())
    client.force_login(member)
    for url in ["/admin/", "/admin/appeals/decision/", "/api/docs/", "/_allauth/openapi.html", "/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy, url
        assert "frame-ancestors 'none'" in policy, url
