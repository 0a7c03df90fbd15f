"""Notifications are events rendered when read: every kind, in both languages, with its deep links."""

from __future__ import annotations

import uuid

import pytest
from django.urls import resolve
from django.utils import translation

from accounts import notifications
from accounts.models import Notification
from accounts.services import notification_create

pytestmark = pytest.mark.django_db

DECISION, APPEAL, VOUCHER = (str(uuid.uuid4()) for _ in range(3))
PARAMS = {
    "decision": {"decision": DECISION, "kind": "label_suspected", "title": "Lighthouse at dusk"},
    "decision_reversed": {"decision": DECISION, "kind": "label_suspected", "title": "Lighthouse at dusk"},
    "appeal_received": {"appeal": APPEAL, "decision": DECISION, "title": "Lighthouse at dusk"},
    "appeal_decided": {
        "appeal": APPEAL,
        "decision": DECISION,
        "title": "Lighthouse at dusk",
        "outcome": "overturned",
        "voucher": VOUCHER,
        "impressions": 1800,
    },
    "voucher_issued": {"voucher": VOUCHER, "impressions": 1800},
    "report": {"outcome": "actioned"},
}


def test_every_registered_kind_has_a_case_here():
    assert sorted(PARAMS) == notifications.registered_kinds()


@pytest.mark.parametrize("kind", sorted(PARAMS))
def test_every_kind_reads_in_both_languages_with_links_that_resolve(creator, kind):
    stored = notification_create(recipient=creator, kind=kind, title="(as emailed)", params=PARAMS[kind])
    read = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            rendered = notifications.render(Notification.objects.get(pk=stored.pk))
        assert rendered.message and rendered.message != "(as emailed)"
        assert "\n" not in rendered.message and "http" not in rendered.message
        assert rendered.actions
        for action in rendered.actions:
            resolve(action.url.split("#")[0])
        read[language] = rendered
    assert read["en"].message != read["zh-hans"].message
    assert [a.label for a in read["en"].actions] != [a.label for a in read["zh-hans"].actions]
    assert [a.url for a in read["en"].actions] == [a.url for a in read["zh-hans"].actions]


def test_an_overturn_with_a_voucher_links_to_the_wallet(creator):
    with translation.override("en"):
        rendered = notifications.render(
            notification_create(
                recipient=creator, kind="appeal_decided", title="t", params=PARAMS["appeal_decided"]
            )
        )
    assert "1800 extra impressions" in rendered.message
    assert [a.name for a in rendered.actions] == ["view_appeal", "use_voucher"]


def test_a_row_without_parameters_reads_as_it_was_stored(creator):
    old = notification_create(recipient=creator, kind="decision", title="Old title", url="/appeals/")
    rendered = notifications.render(old)
    assert rendered.message == "Old title" and [a.url for a in rendered.actions] == ["/appeals/"]


def test_the_centre_and_the_api_render_in_the_readers_language_now(client, creator, creator_api):
    creator.language = "en"
    creator.save(update_fields=["language"])
    notification_create(
        recipient=creator, kind="decision", title="Decision (sent in English)", params=PARAMS["decision"]
    )
    client.force_login(creator)
    english = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "A decision about “Lighthouse at dusk”" in english
    assert f'href="/appeals/decisions/{DECISION}/#appeal"' in english
    chinese = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Lighthouse at dusk" in chinese and "A decision about" not in chinese
    item = creator_api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert item["kind"] == "decision" and item["params"]["decision"] == DECISION
    assert [a["name"] for a in item["actions"]] == ["view_decision", "appeal"]
    assert item["message"].startswith("A decision about")
