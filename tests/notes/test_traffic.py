"""Traffic: the derived weight and its reasons, ranking, featuring, boosts, impressions, the traffic page."""

from __future__ import annotations

import io
import os
import random
import socket
import threading
import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone
from PIL import Image

from appeals import services as ledger
from appeals.models import CompensationVoucher, Decision
from core.errors import DomainError
from notes import impressions, selectors, services
from notes.models import Boost, DistributionFactor, ImpressionDay, Note, Traffic
from tests.factories import DecisionFactory, UserFactory, staff_with_permissions
from tests.notes.conftest import declare
from tests.support import require

pytestmark = pytest.mark.django_db

LONG_BODY = (
    "I painted the cranes by hand in the Song-dynasty gongbi manner over three weekends, "
    "then let an AI model animate the wings. Every frame was checked against my original."
)


def noise_jpeg(seed: int, size: tuple[int, int] = (256, 192)) -> bytes:
    """An image unlike any other seed's: its perceptual hash differs (solid colours all look alike)."""
    rng = random.Random(seed)
    small = Image.new("RGB", (8, 6))
    small.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(48)])
    out = io.BytesIO()
    small.resize(size, Image.Resampling.NEAREST).save(out, "JPEG", quality=90)
    return out.getvalue()


def publish(author, *, title="Cranes in the clouds", body=LONG_BODY, degree="assisted", seed=1, images=None):
    note = services.note_create(author=author, title=title, body=body)
    for index, data in enumerate(images or [noise_jpeg(seed)]):
        services.note_image_add(note=note, acting_user=author, data=data, filename=f"art{index}.jpg")
    declare(note, degree=degree)
    return services.note_publish(note=note, acting_user=author)


def factors(note: Note) -> dict[str, tuple[float, str]]:
    return {f.name: (f.value, f.reason) for f in DistributionFactor.objects.filter(note=note)}


def fresh(note: Note) -> Note:
    return Note.objects.get(pk=note.pk)


def label_decision(note: Note, **kwargs) -> Decision:
    return DecisionFactory(
        subject_owner=note.author, subject_id=note.public_id, subject_title=note.title, **kwargs
    )


# --- the weight and its reasons ---------------------------------------------------------------


def test_declared_original_substantive_work_earns_the_quality_bonus(creator):
    note = fresh(publish(creator))
    assert factors(note) == {"quality_bonus": (1.5, "eligible")}
    assert note.weight == 1.5 and note.traffic == Traffic.BONUS


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"degree": "none"}, "not_declared"),
        ({"body": "Cranes."}, "not_substantive"),
    ],
)
def test_the_bonus_row_says_why_a_note_did_not_earn_it(creator, kwargs, reason):
    note = fresh(publish(creator, **kwargs))
    assert factors(note) == {"quality_bonus": (1.0, reason)}
    assert note.weight == 1.0 and note.traffic == Traffic.NORMAL


def test_several_images_are_substantive_without_text(creator):
    note = fresh(publish(creator, body="", images=[noise_jpeg(1), noise_jpeg(2), noise_jpeg(3)]))
    assert factors(note)["quality_bonus"] == (1.5, "eligible")


def test_a_near_copy_of_another_creators_earlier_text_earns_no_bonus(creator, outsider):
    original = publish(creator, seed=1)
    copy = fresh(publish(outsider, body=LONG_BODY.replace("three", "four") + "!", seed=2))
    value, reason = factors(copy)["quality_bonus"]
    assert (value, reason) == (1.0, "near_duplicate")
    assert DistributionFactor.objects.get(note=copy).details["note"] == str(original.public_id)
    # The original keeps its bonus: the copy came later.
    assert factors(original)["quality_bonus"] == (1.5, "eligible")


def test_a_near_copy_of_another_creators_image_earns_no_bonus(creator, outsider):
    publish(creator, seed=7)
    other_text = "A different story entirely: a harbour at night, painted in ink and finished with AI help."
    copy = fresh(publish(outsider, body=other_text, images=[noise_jpeg(7, size=(512, 384))]))
    assert factors(copy)["quality_bonus"] == (1.0, "near_duplicate")
    unrelated = fresh(publish(outsider, title="Harbour", body=other_text + " Again.", seed=99))
    assert factors(unrelated)["quality_bonus"] == (1.5, "eligible")


def test_a_creator_reusing_their_own_work_is_still_original(creator):
    publish(creator, seed=3)
    again = fresh(publish(creator, title="Cranes, second take", seed=3))
    assert factors(again)["quality_bonus"] == (1.5, "eligible")


def test_editing_the_text_into_a_copy_loses_the_bonus(creator, outsider):
    publish(creator, seed=1)
    later = publish(outsider, body="My own words about a mountain temple at dawn, with AI colouring.", seed=2)
    assert factors(later)["quality_bonus"][1] == "eligible"
    services.note_update(note=later, acting_user=outsider, body=LONG_BODY)
    assert factors(later)["quality_bonus"] == (1.0, "near_duplicate")


def test_undeclared_ai_label_reduces_the_weight_for_the_configured_days(creator, settings):
    note = publish(creator, degree="none")
    decision = label_decision(note)
    note = fresh(note)
    assert factors(note)["undeclared_ai"] == (0.5, "undeclared_ai")
    assert note.weight == 0.5 and note.traffic == Traffic.REDUCED
    factor = DistributionFactor.objects.get(note=note, name="undeclared_ai")
    assert factor.decision == decision
    assert factor.until == decision.created_at + timedelta(days=settings.SUNLIGHT_TRAFFIC["UNDECLARED_DAYS"])
    # Declaring afterwards does not lift it.
    declare(note, degree="assisted")
    assert fresh(note).weight == 0.5
    # After the configured days the traffic task restores the weight; the label itself stays.
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert services.distribution_refresh_due() == 1
        note = fresh(note)
        assert "undeclared_ai" not in factors(note) and note.weight == 1.0
        assert note.labels.filter(tier="suspected").exists()


def test_reduced_distribution_lasts_while_the_decision_is_in_force(creator, staff):
    note = publish(creator)
    ends = timezone.now() + timedelta(days=2)
    decision = label_decision(note, kind=Decision.Kind.REDUCED_DISTRIBUTION, ends_at=ends)
    note = fresh(note)
    assert factors(note) == {
        "quality_bonus": (1.0, "decision_in_force"),
        "reduced_distribution": (0.2, "reduced"),
    }
    assert note.weight == pytest.approx(0.2) and note.weight_until == ends
    with time_machine.travel(ends + timedelta(minutes=1)):
        ledger.decisions_expire_due()
        note = fresh(note)
        assert note.weight == 1.5 and factors(note)["quality_bonus"] == (1.5, "eligible")
    assert Decision.objects.get(pk=decision.pk).state == "expired"


def test_an_account_measure_limits_every_note_of_the_account(creator):
    first, second = publish(creator, seed=1), publish(creator, title="Another", seed=2)
    DecisionFactory(
        subject_owner=creator,
        subject_type=Decision.SubjectType.ACCOUNT,
        subject_id=creator.public_id if hasattr(creator, "public_id") else creator.pk,
        kind=Decision.Kind.ACCOUNT_MEASURE,
        rule_code=Decision.RuleCode.AI_MANAGED_ACCOUNT,
    )
    for note in (fresh(first), fresh(second)):
        assert factors(note) == {
            "quality_bonus": (1.0, "account_standing"),
            "account_limit": (0.3, "account_limit"),
        }
        assert note.weight == pytest.approx(0.3)


def test_withdrawing_the_bonus_is_an_appealable_decision_and_overturning_restores_it(creator):
    note = publish(creator)
    staff = staff_with_permissions("decide")
    withdrawal = services.note_decide(
        note=note,
        acting_user=staff,
        kind=Decision.Kind.BONUS_WITHDRAWN,
        statement=ledger.Statement(
            summary="The quality bonus is withdrawn.",
            facts="The animation reuses a stock clip.",
            rule_code=Decision.RuleCode.LOW_QUALITY_AI,
        ),
    )
    assert factors(fresh(note))["quality_bonus"] == (1.0, "bonus_withdrawn")
    assert ledger.decision_appealable(withdrawal) is None
    appeal = ledger.appeal_file(decision=withdrawal, appellant=creator, reason="The clip is my own.")
    judge = staff_with_permissions("decide_appeal")
    ledger.appeal_decide(
        appeal=appeal, outcome="overturned", acting_user=judge, reply="Confirmed: your clip."
    )
    assert factors(fresh(note))["quality_bonus"] == (1.5, "eligible")
    assert CompensationVoucher.objects.filter(decision=withdrawal, owner=creator).exists()


# --- featuring --------------------------------------------------------------------------------


def test_staff_feature_a_note_with_a_reason_and_stop(creator):
    note = publish(creator)
    editor = staff_with_permissions("feature_note")
    services.note_feature(note=note, acting_user=editor, reason="Animated from her own painting.")
    note = fresh(note)
    assert factors(note)["quality_bonus"] == (2.0, "featured") and note.weight == 2.0
    with pytest.raises(DomainError, match="featured already"):
        services.note_feature(note=note, acting_user=editor, reason="Twice.")
    services.note_unfeature(note=note, acting_user=editor)
    assert fresh(note).weight == 1.5
    with pytest.raises(DomainError, match="not featured"):
        services.note_unfeature(note=note, acting_user=editor)


def test_featuring_needs_the_permission_a_reason_and_a_published_note(creator):
    note = publish(creator)
    with pytest.raises(PermissionDenied):
        services.note_feature(note=note, acting_user=staff_with_permissions(), reason="Nice.")
    editor = staff_with_permissions("feature_note")
    with pytest.raises(Exception, match="Say why"):
        services.note_feature(note=note, acting_user=editor, reason="   ")
    draft = services.note_create(author=creator, title="Not yet")
    with pytest.raises(DomainError, match="Only published notes"):
        services.note_feature(note=draft, acting_user=editor, reason="Early.")
    assert not note.featurings.exists() and not draft.featurings.exists()


def test_a_featured_note_with_a_decision_in_force_earns_no_bonus(creator):
    note = publish(creator)
    services.note_feature(note=note, acting_user=staff_with_permissions("feature_note"), reason="Good.")
    label_decision(note)
    assert factors(fresh(note))["quality_bonus"] == (1.0, "decision_in_force")


# --- ranking ----------------------------------------------------------------------------------


def _home_titles(client, **params) -> list[str]:
    page = client.get("/", params)
    assert page.status_code == 200
    return [n.title for n in page.context["page"].notes]


def test_two_notes_change_order_after_a_label_its_overturn_and_a_voucher(client, creator, outsider):
    """The closing note's test: the same two notes, reordered by a decision, its overturn, a boost."""
    older = publish(outsider, title="Older harbour", body="", degree="none", seed=5)
    newer = publish(creator, title="Newer cranes", body="", degree="none", seed=6)
    assert _home_titles(client) == ["Newer cranes", "Older harbour"]  # equal weight: fresher first

    decision = label_decision(newer)  # undeclared AI found: ×0.5
    assert _home_titles(client) == ["Older harbour", "Newer cranes"]

    judge = staff_with_permissions("decide_appeal")
    appeal = ledger.appeal_file(decision=decision, appellant=creator, reason="Painted by hand.")
    ledger.appeal_decide(appeal=appeal, outcome="overturned", acting_user=judge, reply="Agreed.")
    assert _home_titles(client) == ["Newer cranes", "Older harbour"]

    # The outsider is compensated for a wrong label on the older note too, and boosts it.
    wrong = label_decision(older)
    ledger.decision_reverse(decision=wrong, acting_user=staff_with_permissions("decide"), reason="Wrong.")
    assert _home_titles(client) == ["Newer cranes", "Older harbour"]
    voucher = CompensationVoucher.objects.get(decision=wrong)
    services.voucher_redeem(voucher_id=voucher.public_id, note_id=older.public_id, acting_user=outsider)
    assert _home_titles(client) == ["Older harbour", "Newer cranes"]  # the reserved first slot
    assert fresh(older).traffic == Traffic.BOOSTED


def test_the_ranking_is_weight_times_freshness(creator, outsider):
    """A bonus note published a little earlier outranks a normal newer one; a day-old one does not."""
    with time_machine.travel(timezone.now() - timedelta(hours=5)):
        bonus = publish(creator, seed=1)  # ×1.5, 5 hours old
    normal = publish(outsider, title="Plain", degree="none", seed=2)
    assert [n.pk for n in selectors.feed_page().notes] == [bonus.pk, normal.pk]
    with time_machine.travel(timezone.now() - timedelta(hours=30)):
        old_bonus = publish(creator, title="Old", seed=3)  # ×1.5 but 30 hours old: 1.5 × 2^-1.25 < 1
    assert [n.pk for n in selectors.feed_page().notes] == [bonus.pk, normal.pk, old_bonus.pk]


def test_the_latest_tab_stays_chronological(client, creator, outsider):
    publish(creator, title="Bonus note", seed=1)
    plain = publish(outsider, title="Plain newest", degree="none", seed=2)
    label_decision(plain)
    assert _home_titles(client, order="latest") == ["Plain newest", "Bonus note"]
    assert _home_titles(client) == ["Bonus note", "Plain newest"]


def test_keyset_pages_cover_the_feed_once_in_both_orders(client, creator, settings):
    settings.SUNLIGHT_TRAFFIC = {**settings.SUNLIGHT_TRAFFIC, "BOOST_SLOTS": [0, 12]}
    notes = [publish(creator, title=f"Note {i}", body="", degree="none", seed=i) for i in range(30)]
    label_decision(notes[3])
    for order in ("ranked", "latest"):
        seen, cursor = [], None
        while True:
            page = selectors.feed_page(order=order, cursor=cursor, size=7)
            seen += [n.pk for n in page.notes]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert sorted(seen) == sorted(n.pk for n in notes) and len(seen) == len(set(seen))


def test_a_cursor_we_did_not_write_starts_the_feed_again(client, creator):
    publish(creator)
    for bad in ("nan~1", "1.5~3", "0001-01-01T00:00:00+01:00~1", str(uuid.uuid4())):
        response = client.get("/", {"after": bad})
        assert response.status_code == 302 and response["Location"] == "/?order=ranked"
    assert client.get("/", {"order": "latest", "after": "x"}).status_code == 302
    assert client.get("/", {"order": "sideways"})["Location"] == "/"


def test_the_cursor_names_a_note_and_never_reveals_its_score(client, creator, api_client):
    notes = [publish(creator, title=f"Note {i}", body="", degree="none", seed=i) for i in range(3)]
    page = selectors.feed_page(size=2)
    assert page.next_cursor == str(notes[1].public_id)  # newest first: 2, 1 | 0
    listed = api_client.get("/api/v1/feed/?page_size=2").json()
    assert (
        listed["next"].endswith(f"cursor={notes[1].public_id}")
        or f"cursor={notes[1].public_id}" in listed["next"]
    )
    rest = api_client.get(listed["next"]).json()
    assert [n["title"] for n in rest["results"]] == ["Note 0"] and rest["next"] is None
    assert str(fresh(notes[0]).rank_score) not in listed["next"]
    assert api_client.get(f"/api/v1/feed/?cursor={uuid.uuid4()}").status_code == 404
    bad = api_client.get("/api/v1/feed/?cursor=1.5")
    assert bad.status_code == 400 and "cursor" in bad.json()["error"]["fields"]
    assert api_client.get("/api/v1/feed/?page_size=0").status_code == 400


def test_a_copy_of_human_work_earns_no_bonus_either(creator, outsider):
    """Every published note is fingerprinted, also one that declares no AI and so earns no bonus."""
    human = publish(creator, degree="none", seed=4)
    assert factors(fresh(human))["quality_bonus"][1] == "not_declared"
    copy = fresh(publish(outsider, title="Copied", seed=4))
    assert factors(copy)["quality_bonus"] == (1.0, "near_duplicate")


def test_only_the_first_page_has_boost_slots(creator, outsider):
    notes = [publish(outsider, title=f"Other {i}", body="", degree="none", seed=20 + i) for i in range(4)]
    mine = publish(creator, title="Boosted", body="", degree="none", seed=30)
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = publish(creator, title="Old boosted", body="", degree="none", seed=31)
    services.voucher_redeem(
        voucher_id=_voucher(creator).public_id, note_id=old.public_id, acting_user=creator
    )
    first = selectors.feed_page(size=2, boost_slots=[0, 12])
    assert first.notes[0].pk == old.pk and first.sources[old.pk] == "boost"
    second = selectors.feed_page(size=2, cursor=first.next_cursor, boost_slots=[0, 12])
    assert old.pk not in second.boosted
    assert {n.pk for n in first.notes + second.notes} >= {mine.pk, notes[3].pk}


def test_a_reduced_note_stays_reachable_and_labelled(client, creator):
    note = publish(creator)
    label_decision(note, kind=Decision.Kind.REDUCED_DISTRIBUTION)
    assert "Cranes in the clouds" in client.get("/").content.decode()
    page = client.get(f"/notes/{note.public_id}/").content.decode()
    assert "Creator declared" in page


def test_topic_feeds_are_ranked_too(client, creator, outsider):
    first = services.note_create(author=outsider, title="Plain lake", body="", topics=["lakes"])
    services.note_image_add(note=first, acting_user=outsider, data=noise_jpeg(1), filename="a.jpg")
    declare(first, degree="none")
    services.note_publish(note=first, acting_user=outsider)
    second = services.note_create(author=creator, title="Decided lake", body="", topics=["lakes"])
    services.note_image_add(note=second, acting_user=creator, data=noise_jpeg(2), filename="b.jpg")
    declare(second, degree="none")
    services.note_publish(note=second, acting_user=creator)
    label_decision(second)
    titles = [n.title for n in client.get("/topics/lakes/").context["page"].notes]
    assert titles == ["Plain lake", "Decided lake"]


# --- vouchers and boosts ----------------------------------------------------------------------


def _voucher(owner, note: Note | None = None) -> CompensationVoucher:
    decision = DecisionFactory(subject_owner=owner, subject_id=(note.public_id if note else None) or owner.pk)
    ledger.decision_reverse(decision=decision, acting_user=staff_with_permissions("decide"), reason="Wrong.")
    return CompensationVoucher.objects.get(decision=decision)


def _unchanged(voucher: CompensationVoucher) -> None:
    voucher.refresh_from_db()
    assert voucher.redeemed_at is None and voucher.redeemed_on is None
    assert not Boost.objects.filter(voucher=voucher).exists()


def test_redeeming_starts_a_boost_exactly_once(creator):
    note = publish(creator)
    voucher = _voucher(creator)
    boost = services.voucher_redeem(voucher_id=voucher.public_id, note_id=note.public_id, acting_user=creator)
    assert boost.target == voucher.impressions and boost.state == "active"
    voucher.refresh_from_db()
    assert voucher.redeemed_on == note.public_id
    with pytest.raises(DomainError) as spent:
        services.voucher_redeem(voucher_id=voucher.public_id, note_id=note.public_id, acting_user=creator)
    assert spent.value.code == "voucher_spent" and Boost.objects.count() == 1


def test_redeeming_refuses_what_it_must(creator, outsider):
    mine = publish(creator)
    theirs = publish(outsider, title="Theirs", seed=2)
    voucher = _voucher(creator)
    cases = [
        (voucher.public_id, theirs.public_id, creator, "note_not_found"),  # another creator's note
        (voucher.public_id, mine.public_id, outsider, "not_found"),  # another creator's voucher
    ]
    draft = services.note_create(author=creator, title="Draft")
    cases.append((voucher.public_id, draft.public_id, creator, "note_not_published"))
    deleted = publish(creator, title="Deleted", seed=3)
    services.note_delete(note=deleted, acting_user=creator)
    cases.append((voucher.public_id, deleted.public_id, creator, "note_not_found"))
    removed = publish(creator, title="Removed", seed=4)
    label_decision(removed, kind=Decision.Kind.REMOVAL)
    cases.append((voucher.public_id, removed.public_id, creator, "note_removed"))
    for voucher_id, note_id, user, code in cases:
        with pytest.raises(DomainError) as refused:
            services.voucher_redeem(voucher_id=voucher_id, note_id=note_id, acting_user=user)
        assert refused.value.code == code
        _unchanged(voucher)


def test_an_expired_voucher_and_a_second_boost_on_one_note_are_refused(creator):
    note = publish(creator)
    first, second = _voucher(creator), _voucher(creator)
    services.voucher_redeem(voucher_id=first.public_id, note_id=note.public_id, acting_user=creator)
    with pytest.raises(DomainError) as running:
        services.voucher_redeem(voucher_id=second.public_id, note_id=note.public_id, acting_user=creator)
    assert running.value.code == "boost_running"
    _unchanged(second)
    with time_machine.travel(second.expires_at + timedelta(minutes=1)):
        other = publish(creator, title="Later", seed=9)
        with pytest.raises(DomainError) as expired:
            services.voucher_redeem(voucher_id=second.public_id, note_id=other.public_id, acting_user=creator)
    assert expired.value.code == "voucher_expired" and "expired on" in expired.value.message
    _unchanged(second)


def test_boost_slots_deliver_impressions_and_the_boost_finishes(client, creator, outsider, settings):
    note = publish(creator, degree="none", body="")
    for i in range(3):
        publish(outsider, title=f"Other {i}", degree="none", body="", seed=10 + i)
    voucher = _voucher(creator)
    CompensationVoucher.objects.filter(pk=voucher.pk).update(impressions=2)
    voucher.refresh_from_db()
    boost = services.voucher_redeem(voucher_id=voucher.public_id, note_id=note.public_id, acting_user=creator)
    for _reader in range(3):
        client.force_login(UserFactory())
        page = client.get("/")
        assert page.context["page"].notes[0].pk == note.pk
        assert page.context["page"].sources[note.pk] == "boost"
    assert impressions.impressions_flush() == 3 * 4
    boost.refresh_from_db()
    assert boost.delivered == 3
    assert ImpressionDay.objects.get(note=note).boost == 3
    assert services.boosts_finish_due() == 1
    boost.refresh_from_db()
    assert boost.state == "delivered" and fresh(note).traffic == Traffic.NORMAL
    # Delivered: no more reserved slot.
    client.force_login(UserFactory())
    assert client.get("/").context["page"].sources[note.pk] == "organic"


def test_a_boost_that_runs_out_of_time_ends(creator):
    note = publish(creator)
    boost = services.voucher_redeem(
        voucher_id=_voucher(creator).public_id, note_id=note.public_id, acting_user=creator
    )
    with time_machine.travel(boost.ends_at + timedelta(minutes=1)):
        assert services.boosts_finish_due() == 1
    boost.refresh_from_db()
    assert boost.state == "ended" and fresh(note).traffic == Traffic.BONUS


# --- impressions ------------------------------------------------------------------------------


def test_a_viewer_counts_once_per_note_per_day(client, creator, outsider):
    note = publish(creator)
    reader = UserFactory()
    client.force_login(reader)
    client.get("/")
    client.get("/")
    client.get(f"/notes/{note.public_id}/")
    impressions.impressions_flush()
    row = ImpressionDay.objects.get(note=note)
    assert (row.organic, row.bonus, row.boost) == (0, 1, 0)  # shown on the feed with its bonus
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        client.get(f"/notes/{note.public_id}/")
        impressions.impressions_flush()
        assert ImpressionDay.objects.get(note=note, day=timezone.localdate()).organic == 1


def test_anonymous_readers_are_told_apart_and_authors_do_not_count(client, creator):
    note = publish(creator, degree="none")
    client.get("/", HTTP_USER_AGENT="Phone A")
    client.get("/", HTTP_USER_AGENT="Phone A")
    client.get("/", HTTP_USER_AGENT="Phone B")
    client.force_login(creator)
    client.get("/")
    client.get(f"/notes/{note.public_id}/")
    impressions.impressions_flush()
    assert ImpressionDay.objects.get(note=note).organic == 2


def test_a_redis_that_never_answers_costs_an_uncounted_impression_not_the_page(client, creator, settings):
    """A listener that accepts and then stays silent (dropped packets): recording gives up on its own."""
    note = publish(creator)
    silent = socket.create_server(("127.0.0.1", 0))
    try:
        settings.SUNLIGHT_IMPRESSIONS_REDIS_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        request = client.get("/healthz").wsgi_request
        outcome: list[int] = []
        worker = threading.Thread(
            target=lambda: outcome.append(impressions.impressions_record(request, [(note, "organic")])),
            daemon=True,
        )
        worker.start()
        worker.join(timeout=60)  # bounded by the client's socket time-outs, set explicitly in _Redis
        assert not worker.is_alive() and outcome == [0]
        # Bounded by Sunlight's own time-outs, not whatever the client library's release defaults to.
        options = impressions.backend().client.connection_pool.connection_kwargs
        assert (options["socket_connect_timeout"], options["socket_timeout"]) == (1, 2)
    finally:
        silent.close()


def test_recording_writes_nothing_to_the_database(client, creator, django_assert_num_queries):
    note = publish(creator)
    request = client.get("/").wsgi_request
    with django_assert_num_queries(0):
        impressions.impressions_record(request, [(note, "organic")])


# --- the creator's traffic page and the API ---------------------------------------------------


def test_the_traffic_page_explains_the_weight(client, creator, outsider):
    note = publish(creator, degree="none")
    decision = label_decision(note)
    reader = UserFactory()
    client.force_login(reader)
    client.get(f"/notes/{note.public_id}/")
    client.force_login(creator)
    page = client.get(f"/notes/{note.public_id}/traffic/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "×0.5" in html and "Sunlight labelled AI content the declaration did not cover." in html
    assert f"/appeals/decisions/{decision.public_id}/" in html
    assert page.context["totals"]["organic"] == 1  # flushed before reading
    zh = client.get(f"/notes/{note.public_id}/traffic/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "流量" in zh
    dashboard = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/notes/{note.public_id}/traffic/" in dashboard and "traffic-reduced" in dashboard
    client.force_login(outsider)
    assert client.get(f"/notes/{note.public_id}/traffic/").status_code == 404
    assert client.get(f"/notes/{note.public_id}/traffic/chart.svg").status_code == 404


def test_the_chart_is_an_svg_without_script(client, creator):
    note = publish(creator)
    client.force_login(creator)
    response = client.get(f"/notes/{note.public_id}/traffic/chart.svg")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    body = response.content
    assert body.lstrip().startswith(b"<?xml") and b"<svg" in body and b"<script" not in body
    assert "default-src 'none'" in response["Content-Security-Policy"]
    narrow = client.get(f"/notes/{note.public_id}/traffic/chart.svg?size=narrow")
    assert narrow.status_code == 200 and b'viewBox="0 0 420 380"' in narrow.content
    assert client.get(f"/notes/{note.public_id}/traffic/chart.svg?size=huge").status_code == 404


def test_the_wallet_shows_balance_and_redeems(client, creator):
    note = publish(creator)
    voucher = _voucher(creator)
    client.force_login(creator)
    html = client.get("/appeals/wallet/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{voucher.impressions:,} impressions" in html and "Use voucher" in html
    response = client.post(f"/wallet/{voucher.public_id}/redeem/", {"note": str(note.public_id)}, follow=True)
    html = response.content.decode()
    assert "is boosting" in html and "0 of" in html
    again = client.post(f"/wallet/{voucher.public_id}/redeem/", {"note": str(note.public_id)}, follow=True)
    assert "has been used already" in again.content.decode()
    bad = client.post(f"/wallet/{voucher.public_id}/redeem/", {"note": "not-a-uuid"}, follow=True)
    assert bad.status_code == 200 and Boost.objects.count() == 1


def test_the_traffic_api(creator_api, creator, api_client):
    note = publish(creator)
    response = creator_api.get(f"/api/v1/notes/{note.public_id}/traffic/")
    assert response.status_code == 200
    data = response.json()
    assert data["weight"] == 1.5 and data["traffic"] == "bonus"
    assert data["factors"][0]["reason"] == "eligible" and len(data["daily"]) == 30
    assert api_client.get(f"/api/v1/notes/{note.public_id}/traffic/").status_code == 401


def test_the_redeem_api(creator_api, creator):
    note = publish(creator)
    voucher = _voucher(creator)
    url = f"/api/v1/vouchers/{voucher.public_id}/redeem/"
    assert creator_api.post(url, {}, format="json").status_code == 400
    first = creator_api.post(url, {"note": str(note.public_id)}, format="json")
    assert first.status_code == 201 and first.json()["target"] == voucher.impressions
    second = creator_api.post(url, {"note": str(note.public_id)}, format="json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "voucher_spent"
    listed = creator_api.get("/api/v1/vouchers/").json()["results"][0]
    assert listed["redeemed_on"] == str(note.public_id) and listed["delivery"]["state"] == "active"


def test_the_feed_api_orders_as_asked(api_client, creator, outsider):
    publish(creator, title="Bonus note", seed=1)
    plain = publish(outsider, title="Plain newest", degree="none", seed=2)
    label_decision(plain)
    ranked = [n["title"] for n in api_client.get("/api/v1/feed/").json()["results"]]
    latest = [n["title"] for n in api_client.get("/api/v1/feed/?ordering=latest").json()["results"]]
    assert ranked == ["Bonus note", "Plain newest"] and latest == ["Plain newest", "Bonus note"]
    bad = api_client.get("/api/v1/feed/?ordering=sideways")
    assert bad.status_code == 400 and "ordering" in bad.json()["error"]["fields"]


# --- settings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REDUCED_FACTOR", -1),
        ("QUALITY_BONUS", 1e9),
        ("HALF_LIFE_HOURS", float("nan")),
        ("BOOST_SLOTS", [0, 99]),
    ],
)
def test_absurd_traffic_settings_are_refused(settings, name, value):
    settings.SUNLIGHT_TRAFFIC = {**settings.SUNLIGHT_TRAFFIC, name: value}
    with pytest.raises(SystemCheckError, match=name):
        call_command("check")


REDIS_URL = os.environ.get("SUNLIGHT_TEST_IMPRESSIONS_REDIS_URL", "redis://127.0.0.1:6379/12")


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_a_second_redis_flush_leaves_the_first_ones_counters_alone(settings, client, creator):
    require(_redis_reachable(), f"no Redis at {REDIS_URL}")
    settings.SUNLIGHT_IMPRESSIONS_REDIS_URL = REDIS_URL
    server = redis.Redis.from_url(REDIS_URL)
    server.flushdb()
    note = publish(creator)
    client.get("/")
    store = impressions.backend()
    assert sum(store.take().values()) == 1  # a first flusher holds the lock and the counters …
    assert impressions.impressions_flush() == 0  # … a second one leaves both alone
    assert server.exists("sunlight:imp:flushing")
    store.done(applied=False)  # the first one failed: the counters wait for the next flush
    client.get("/")  # the same reader again today: not counted twice
    assert impressions.impressions_flush() == 1
    assert ImpressionDay.objects.get(note=note).bonus == 1
    assert not server.exists("sunlight:imp:flushing") and not server.exists("sunlight:imp:pending")
    server.flushdb()


def test_without_a_scheduler_the_feed_runs_the_traffic_task_once_a_minute(client, creator, settings):
    settings.SUNLIGHT_IMPRESSIONS_REDIS_URL = ""
    note = publish(creator)
    boost = services.voucher_redeem(
        voucher_id=_voucher(creator).public_id, note_id=note.public_id, acting_user=creator
    )
    client.get("/")
    assert not ImpressionDay.objects.exists()  # counted in memory, not yet due
    with time_machine.travel(boost.ends_at + timedelta(minutes=1)):
        impressions.backend().last_flush -= 61
        client.get("/")
    assert ImpressionDay.objects.filter(note=note).count() == 2  # both visits, on their own days
    boost.refresh_from_db()
    assert boost.state == "ended"


def test_staff_see_batch_copied_notes_from_other_accounts_as_evidence(client, creator, outsider):
    story = (
        "I was rescued by a stranger on the mountain at night and we shared tea until sunrise, unforgettable."
    )
    original = publish(creator, title="My rescue", body=story, degree="none", seed=40)
    copies = [
        publish(UserFactory(), title=f"My rescue {i}", body=story, degree="none", seed=41 + i)
        for i in range(2)
    ]
    publish(outsider, title="Unrelated", body="A quiet afternoon painting plum blossoms in ink.", seed=50)
    from notes.services.distribution import near_duplicates

    found = near_duplicates(fresh(copies[0]))
    assert [item["note"].pk for item in found] == [original.pk, copies[1].pk]
    assert all(item["text_similarity"] >= 0.7 for item in found)
    client.force_login(staff_with_permissions("decide", "view_note"))
    page = client.get(f"/admin/notes/note/{original.pk}/decide/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Near-copies from other accounts" in page and "My rescue 1" in page and "Unrelated" not in page


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_seeding_fills_every_required_column():
    """seed_bench_feed writes set-based SQL: a column added since must not break it (PostgreSQL only)."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("seed_bench_feed is PostgreSQL's (CI's second run)")
    call_command("seed_bench_feed", "--notes", "60")
    assert Note.objects.filter(author__email__endswith="@bench.invalid", state="published").count() == 60
