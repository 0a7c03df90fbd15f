"""Gradient measures against accounts: the ladder, escalation and decay, effects on every path."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from appeals import measures, services
from appeals.models import Automation, CompensationVoucher, Decision
from core.errors import DomainError
from notes import services as note_services
from notes.models import Note
from tests.factories import PASSWORD, staff_with_permissions
from tests.notes.conftest import make_published
from tests.support import headless_login

pytestmark = pytest.mark.django_db

K = Decision.Kind


def statement(**kwargs) -> services.Statement:
    return services.Statement(
        summary=kwargs.pop("summary", "A measure against this account."),
        facts=kwargs.pop("facts", "It posted every 600 seconds for two days, all through the API."),
        rule_code=Decision.RuleCode.AI_MANAGED_ACCOUNT,
        content_type=Decision.ContentType.ACCOUNT,
        **kwargs,
    )


@pytest.fixture
def moderator(db):
    return staff_with_permissions("decide")


def measure(account, moderator, **kwargs) -> Decision:
    return services.account_measure(account=account, acting_user=moderator, statement=statement(), **kwargs)


def test_each_violation_climbs_one_rung(creator, moderator):
    kinds = [measure(creator, moderator).kind for _ in range(6)]
    assert kinds == [K.ACCOUNT_WARNING, K.ACCOUNT_MEASURE, K.POSTING_RESTRICTED, K.SUSPENSION, K.BAN, K.BAN]
    decisions = Decision.objects.filter(subject_owner=creator).order_by("created_at", "pk")
    assert [d.subject_type for d in decisions] == ["account"] * 5  # nothing is added to a ban in force
    suspension = decisions.get(kind=K.SUSPENSION)
    assert abs(suspension.ends_at - suspension.created_at - timedelta(days=30)) < timedelta(seconds=1)
    assert all(ban.ends_at is None for ban in decisions.filter(kind=K.BAN))


def test_a_clean_period_brings_an_account_down_and_a_long_one_starts_it_again(creator, moderator, settings):
    measure(creator, moderator)  # warning
    measure(creator, moderator)  # reduced distribution
    decay = settings.SUNLIGHT_MEASURES["DECAY_DAYS"]
    reduced_days = settings.SUNLIGHT_MEASURES["REDUCED_DAYS"]
    with time_machine.travel(timezone.now() + timedelta(days=reduced_days + decay + 1)):
        assert measures.next_measure(creator.pk) == K.ACCOUNT_MEASURE  # one rung down, then up again
    with time_machine.travel(
        timezone.now() + timedelta(days=settings.SUNLIGHT_MEASURES["REPEAT_WINDOW_DAYS"] + 1)
    ):
        assert measures.next_measure(creator.pk) == K.ACCOUNT_WARNING


def test_no_suspension_without_a_warning_first_except_by_the_clearest_rule(creator, moderator):
    measure(creator, moderator, kind=K.POSTING_RESTRICTED)
    assert measures.next_measure(creator.pk) == K.ACCOUNT_WARNING
    assert measures.next_measure(creator.pk, clearest_rule=True) == K.SUSPENSION


def test_a_reversed_measure_does_not_count(creator, moderator):
    warning = measure(creator, moderator)
    services.decision_reverse(decision=warning, acting_user=moderator, reason="Not a bot after all.")
    assert measures.next_measure(creator.pk) == K.ACCOUNT_WARNING


def test_only_the_clearest_rule_acts_without_a_person_and_never_on_staff(creator):
    with pytest.raises(DomainError) as person:
        services.account_measure(account=creator, statement=statement())
    assert person.value.code == "needs_person"
    automated = statement(automated_detection=Automation.FULLY, automated_decision=Automation.FULLY)
    decision = services.account_measure(account=creator, statement=automated, clearest_rule=True)
    assert decision.kind == K.SUSPENSION and decision.decided_by is None
    staff = staff_with_permissions()
    with pytest.raises(DomainError) as refused:
        services.account_measure(account=staff, statement=automated, clearest_rule=True)
    assert refused.value.code == "subject_is_staff"
    assert not Decision.objects.filter(subject_owner=staff).exists()


def test_measuring_needs_the_permission(creator):
    with pytest.raises(Exception, match="not allowed"):
        measure(creator, staff_with_permissions())
    assert not Decision.objects.exists()


def test_a_restricted_account_cannot_post_on_any_path(client, creator, moderator):
    draft = note_services.note_create(author=creator, title="Before")
    measure(creator, moderator, kind=K.POSTING_RESTRICTED)
    with pytest.raises(DomainError) as refused:
        note_services.note_create(author=creator, title="After")
    assert refused.value.code == "account_restricted" and "until" in refused.value.message
    with pytest.raises(DomainError):
        note_services.note_publish(note=draft, acting_user=creator)
    client.force_login(creator)
    page = client.post(
        "/notes/new/", {"title": "Replayed form", "body": "", "topics": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 403 and "cannot post" in page.content.decode()
    assert "/appeals/standing/" in page.content.decode()
    from rest_framework.test import APIClient

    app = APIClient()
    app.credentials(HTTP_X_SESSION_TOKEN=headless_login(app, creator.email, PASSWORD))
    response = app.post("/api/v1/notes/", {"title": "From the app"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "account_restricted"
    assert list(Note.objects.filter(author=creator).values_list("title", flat=True)) == ["Before"]


def test_a_suspended_account_is_hidden_but_can_read_and_appeal(client, creator, moderator):
    note = make_published(creator, title="Bot output")
    measure(creator, moderator, kind=K.ACCOUNT_WARNING)
    suspension = measure(creator, moderator, kind=K.SUSPENSION)
    assert client.get(f"/notes/{note.public_id}/").status_code == 404
    assert "Bot output" not in client.get("/").content.decode()
    client.force_login(creator)
    standing = client.get("/appeals/standing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Suspension" in standing and "Read the reasons and appeal" in standing
    response = client.post(f"/appeals/decisions/{suspension.public_id}/", {"reason": "I write these myself."})
    assert response.status_code == 302
    appeal = suspension.appeals.get()
    services.appeal_decide(
        appeal=appeal,
        outcome="overturned",
        acting_user=staff_with_permissions("decide_appeal"),
        reply="Agreed.",
    )
    client.logout()
    assert client.get(f"/notes/{note.public_id}/").status_code == 200
    assert CompensationVoucher.objects.filter(decision=suspension).exists()
    note_services.note_create(author=creator, title="Posting again")


def test_a_ban_signs_the_account_out_everywhere(client, creator, moderator):
    from rest_framework.test import APIClient

    client.force_login(creator)
    app = APIClient()
    app.credentials(HTTP_X_SESSION_TOKEN=headless_login(app, creator.email, PASSWORD))
    assert app.get("/api/v1/notes/").status_code == 200
    measure(creator, moderator, kind=K.ACCOUNT_WARNING)
    measure(creator, moderator, kind=K.BAN)
    assert client.get("/dashboard/").status_code == 302  # the browser session is gone
    assert app.get("/api/v1/notes/").status_code == 401  # so is the app's token
    # Signing in again works, to read the decision and appeal it.
    client.force_login(Note.objects.model._meta.get_field("author").related_model.objects.get(pk=creator.pk))
    assert client.get("/appeals/standing/").status_code == 200


def test_warnings_are_a_record_only(creator, moderator):
    note = make_published(creator)
    measure(creator, moderator)  # a warning
    note_services.note_create(author=creator, title="Still posting")
    assert Note.objects.get(pk=note.pk).weight == 1.0


def test_reduced_distribution_limits_every_note(creator, moderator):
    note = make_published(creator)
    measure(creator, moderator, kind=K.ACCOUNT_MEASURE)
    assert Note.objects.get(pk=note.pk).weight == pytest.approx(0.3)


def test_the_standing_page_and_api(client, creator, moderator, creator_api):
    client.force_login(creator)
    assert "good standing" in client.get("/appeals/standing/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    measure(creator, moderator)
    measure(creator, moderator)
    data = creator_api.get("/api/v1/standing/").json()
    assert data["good_standing"] is False and data["level"] == 1 and data["next"] == "posting_restricted"
    assert [m["kind"] for m in data["in_force"]] == ["account_measure", "account_warning"]
    assert [s["current"] for s in data["ladder"]] == [False, True, False, False, False]
    zh = client.get("/appeals/standing/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的账号状态" in zh


def test_staff_take_the_next_measure_in_the_admin(client, creator):
    from allauth.mfa.models import Authenticator  # noqa: F401 - staff_with_permissions sets up TOTP

    staff = staff_with_permissions("decide", "view_decision")
    client.force_login(staff)
    url = f"/admin/appeals/decision/measure/{creator.pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Warning" in page.content.decode()
    form = {
        "kind": "next",
        "summary": "A warning.",
        "facts": "Identical comments seconds after others' notes.",
        "rule_code": "ai_managed_account",
        "source": "own_initiative",
        "automated_detection": "partially",
        "submission": "6f1c1a52-7a0e-4d7e-9a8f-0d8f3f8b7c11",
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302  # a double submit takes one measure
    assert Decision.objects.get(subject_owner=creator).kind == K.ACCOUNT_WARNING


def test_staff_cannot_suspend_without_a_warning_on_record(creator, moderator):
    with pytest.raises(DomainError) as refused:
        measure(creator, moderator, kind=K.SUSPENSION)
    assert refused.value.code == "warning_first" and not Decision.objects.exists()
    measure(creator, moderator, kind=K.ACCOUNT_WARNING)
    assert measure(creator, moderator, kind=K.SUSPENSION).kind == K.SUSPENSION


def test_time_suspended_is_not_clean_time(creator, moderator, settings):
    measure(creator, moderator)  # warning
    suspension = measure(creator, moderator, kind=K.SUSPENSION)
    decay = settings.SUNLIGHT_MEASURES["DECAY_DAYS"]
    # Just after the 30-day suspension ends, less than a decay period of clean time has passed.
    with time_machine.travel(suspension.ends_at + timedelta(days=decay - 40)):
        assert measures.next_measure(creator.pk) == K.BAN


def test_a_key_rotation_never_revives_sessions_a_ban_revoked(client, creator, moderator, settings):
    client.force_login(creator)
    old_key = settings.SECRET_KEY
    measure(creator, moderator, kind=K.ACCOUNT_WARNING)
    measure(creator, moderator, kind=K.BAN)
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old_key]
    assert client.get("/dashboard/").status_code == 302
