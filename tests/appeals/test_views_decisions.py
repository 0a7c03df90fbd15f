from __future__ import annotations

import pytest

from appeals.models import Decision
from tests.factories import DecisionFactory

pytestmark = pytest.mark.django_db
PINNED = 6


def _decision(owner, **extra) -> Decision:
    return DecisionFactory(subject_owner=owner, **extra)


@pytest.mark.parametrize("count", [1, 12])
def test_it_lists_only_decisions_about_me(client, creator, outsider, count, assert_app_queries):
    mine = [_decision(creator) for _ in range(count)][0]
    _decision(outsider, subject_title="Someone else's note")
    client.force_login(creator)
    # Session, user, unread badge, the page count and rows, open appeals, my appeals: whatever the count.
    with assert_app_queries(PINNED):
        html = client.get("/appeals/").content.decode()
    assert "Sunset over the bay" in html
    assert "Someone else" not in html
    html = client.get(f"/appeals/decisions/{mine.public_id}/").content.decode()
    assert "AUTOMATIC1111" in html
    assert "Statement of reasons" in html


def test_it_hides_other_creators_decisions(client, creator, outsider):
    theirs = _decision(outsider)
    client.force_login(creator)
    assert client.get(f"/appeals/decisions/{theirs.public_id}/").status_code == 404


def test_the_api_lists_my_decisions_and_404s_others(creator_api, creator, outsider, assert_app_queries):
    mine = [_decision(creator) for _ in range(3)]
    theirs = _decision(outsider)
    # Session token (exists + load), the user, the page, the open appeals: the same for 3 decisions or 300.
    with assert_app_queries(3):
        response = creator_api.get("/api/v1/decisions/")
    assert [d["id"] for d in response.json()["results"]] == [str(d.public_id) for d in reversed(mine)]
    assert creator_api.get(f"/api/v1/decisions/{theirs.public_id}/").status_code == 404
    detail = creator_api.get(f"/api/v1/decisions/{mine[0].public_id}/").json()
    assert detail["automated_decision"] == "fully"
    assert detail["kind_display"] == "Suspected AI label"
