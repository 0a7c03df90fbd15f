from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory
from tests.support import headless_login


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_impressions(settings):
    """Impression counters (in process, or in the test Redis that cache.clear() empties) start empty,
    and the in-process store's once-a-minute flush never lands inside a test by chance."""
    from notes import impressions

    impressions._backend = None
    yield
    impressions._backend = None


@pytest.fixture
def creator(db):
    return UserFactory(email="creator@example.com", display_name="Casey Creator")


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.com", display_name="Olly Outsider")


@pytest.fixture
def staff(db):
    return UserFactory(
        email="staff@example.com", display_name="Stella Staff", is_staff=True, is_superuser=True
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def creator_api(creator) -> APIClient:
    """An API client authenticated the way the mobile app is: an X-Session-Token header."""
    client = APIClient()
    token = headless_login(client, creator.email, PASSWORD)
    client.credentials(HTTP_X_SESSION_TOKEN=token)
    return client


@pytest.fixture
def outsider_api(outsider) -> APIClient:
    client = APIClient()
    token = headless_login(client, outsider.email, PASSWORD)
    client.credentials(HTTP_X_SESSION_TOKEN=token)
    return client


@pytest.fixture
def assert_app_queries():
    """Pins the SQL a request runs, not counting session storage: with the database engine a request
    reads its session there, with the shared cache (cached_db, production's choice) from Redis."""
    from contextlib import contextmanager

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextmanager
    def pinned(expected: int):
        with CaptureQueriesContext(connection) as context:
            yield context
        ours = [q["sql"] for q in context.captured_queries if '"django_session"' not in q["sql"]]
        assert len(ours) == expected, f"expected {expected} queries, ran {len(ours)}:\n" + "\n".join(ours)

    return pinned
