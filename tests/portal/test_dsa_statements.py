"""Statements of reasons in the EU DSA Transparency Database format: mapping, rules, privacy, export."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from appeals import services as ledger
from appeals.models import Automation, Decision
from portal import dsa
from portal.models import DsaStatement
from portal.statements import statements_collect, statements_export
from tests.factories import DecisionFactory, UserFactory

# The example payload of the official API documentation (resources/docs/api-documentation.md).
OFFICIAL_EXAMPLE = {
    "decision_visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],
    "decision_monetary": "DECISION_MONETARY_TERMINATION",
    "end_date_monetary_restriction": "2023-08-08",
    "decision_provision": "DECISION_PROVISION_TOTAL_SUSPENSION",
    "decision_account": "DECISION_ACCOUNT_SUSPENDED",
    "account_type": "ACCOUNT_TYPE_BUSINESS",
    "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "decision_ground_reference_url": "https://www.anurl.com",
    "content_type": ["CONTENT_TYPE_VIDEO", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_SYNTHETIC_MEDIA"],
    "category": "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
    "illegal_content_legal_ground": "illegal content legal grounds",
    "illegal_content_explanation": "illegal content explanation",
    "incompatible_content_ground": "incompatible content grounds",
    "incompatible_content_explanation": "incompatible content explanation",
    "incompatible_content_illegal": "Yes",
    "territorial_scope": ["PT", "ES", "DE"],
    "content_language": "EN",
    "content_date": "2023-08-08",
    "content_id": {"EAN-13": "0123456789123"},
    "application_date": "2023-08-08",
    "decision_facts": "facts about the decision",
    "source_type": "SOURCE_TRUSTED_FLAGGER",
    "automated_detection": "No",
    "automated_decision": "AUTOMATED_DECISION_PARTIALLY",
    "puid": "TK421",
}


def test_the_official_example_passes_the_rules_and_its_ignored_fields_are_named():
    assert dsa.validate(OFFICIAL_EXAMPLE) == {}
    assert dsa.excluded(OFFICIAL_EXAMPLE) == ["illegal_content_explanation", "illegal_content_legal_ground"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {
                "decision_visibility": None,
                "decision_monetary": None,
                "decision_provision": None,
                "decision_account": None,
            },
            "decision_visibility",
        ),
        ({"decision_visibility": ["DECISION_VISIBILITY_SHADOW_BANNED"]}, "decision_visibility"),
        ({"decision_visibility": ["DECISION_VISIBILITY_OTHER"]}, "decision_visibility_other"),
        (
            {"decision_ground": "DECISION_GROUND_ILLEGAL_CONTENT", "illegal_content_legal_ground": None},
            "illegal_content_legal_ground",
        ),
        ({"incompatible_content_explanation": ""}, "incompatible_content_explanation"),
        ({"incompatible_content_ground": "x" * 501}, "incompatible_content_ground"),
        ({"content_type": []}, "content_type"),
        ({"content_type": ["CONTENT_TYPE_OTHER"]}, "content_type_other"),
        ({"category": "STATEMENT_CATEGORY_AI"}, "category"),
        ({"territorial_scope": ["DE", "US"]}, "territorial_scope"),
        ({"content_date": "2023-8-8"}, "content_date"),
        ({"content_date": "1999-12-31"}, "content_date"),
        ({"application_date": "2019-12-31"}, "application_date"),
        ({"application_date": "2023-08-08-10"}, "application_date"),
        ({"end_date_monetary_restriction": "2023-08-07"}, "end_date_monetary_restriction"),
        ({"end_date_account_restriction": "2038-01-02"}, "end_date_account_restriction"),
        ({"decision_facts": "x" * 5001}, "decision_facts"),
        ({"source_type": "SOURCE_ARTICLE_17"}, "source_type"),
        ({"automated_detection": "yes"}, "automated_detection"),
        ({"automated_decision": "Fully automated"}, "automated_decision"),
        ({"puid": "has space"}, "puid"),
        ({"puid": "x" * 501}, "puid"),
        ({"decision_ground_reference_url": "not a url"}, "decision_ground_reference_url"),
        ({"content_language": "en"}, "content_language"),
        ({"url": "https://example.org"}, "url"),
    ],
)
def test_each_official_rule_refuses_what_it_should(change, field):
    statement = {**copy.deepcopy(OFFICIAL_EXAMPLE), **change}
    assert field in dsa.validate(statement)


def test_a_puid_used_twice_in_one_batch_is_an_error_on_the_second():
    errors = dsa.validate_batch([OFFICIAL_EXAMPLE, OFFICIAL_EXAMPLE])
    assert list(errors) == ["statement_1"] and "puid" in errors["statement_1"]


def _statements(decision: Decision) -> list[dict]:
    statements_collect()
    return [row.payload for row in DsaStatement.objects.filter(decision=decision).order_by("id")]


def _only(decision: Decision) -> dict:
    (statement,) = _statements(decision)
    assert dsa.validate(statement) == {}, statement
    assert dsa.excluded(statement) == []
    return statement


@pytest.mark.django_db
def test_an_automated_ai_label_is_labelled_content_on_synthetic_media_detected_and_decided_by_machine(
    creator,
):
    statement = _only(DecisionFactory(subject_owner=creator, kind=Decision.Kind.LABEL_CONFIRMED))
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_LABELLED"]
    assert "CONTENT_TYPE_SYNTHETIC_MEDIA" in statement["content_type"]
    assert statement["automated_detection"] == "Yes"
    assert statement["automated_decision"] == "AUTOMATED_DECISION_FULLY"
    assert statement["source_type"] == "SOURCE_VOLUNTARY"
    assert statement["decision_ground"] == "DECISION_GROUND_INCOMPATIBLE_CONTENT"
    assert statement["incompatible_content_illegal"] == "No"
    assert "end_date_visibility_restriction" not in statement  # a label stays until reversed
    assert statement["territorial_scope"] == list(dsa.EEA_COUNTRY_CODES)
    assert statement["application_date"] == timezone.now().date().isoformat()


@pytest.mark.django_db
def test_reduced_reach_is_a_demotion_with_its_end_date_and_a_staff_decision_is_not_automated(creator, staff):
    ends = timezone.now() + timedelta(days=14)
    statement = _only(
        DecisionFactory(
            subject_owner=creator,
            kind=Decision.Kind.REDUCED_DISTRIBUTION,
            rule_code=Decision.RuleCode.LOW_QUALITY_AI,
            automated_detection=Automation.PARTIALLY,
            automated_decision=Automation.NOT_AUTOMATED,
            decided_by=staff,
            ends_at=ends,
        )
    )
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DEMOTED"]
    assert statement["end_date_visibility_restriction"] == ends.date().isoformat()
    assert (statement["automated_detection"], statement["automated_decision"]) == (
        "Yes",
        "AUTOMATED_DECISION_NOT_AUTOMATED",
    )


@pytest.mark.django_db
def test_removing_a_forged_note_reported_by_a_user_is_a_removal_for_fraud_from_an_article_16_notice(
    creator, staff
):
    decision = DecisionFactory(
        subject_owner=creator,
        kind=Decision.Kind.REMOVAL,
        rule_code=Decision.RuleCode.AI_FORGERY,
        automated_detection=Automation.NOT_AUTOMATED,
        automated_decision=Automation.NOT_AUTOMATED,
        decided_by=staff,
    )
    Decision.objects.filter(pk=decision.pk).update(source=Decision.Source.USER_REPORT)
    statement = _only(decision)
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert statement["category"] == "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
    assert statement["source_type"] == "SOURCE_ARTICLE_16"
    assert statement["automated_detection"] == "No"


def _account_decision(owner, staff, kind, ends_at=None) -> Decision:
    return DecisionFactory(
        subject_owner=owner,
        subject_type=Decision.SubjectType.ACCOUNT,
        subject_id=owner.public_id,
        subject_title=owner.public_name,
        kind=kind,
        rule_code=Decision.RuleCode.AI_MANAGED_ACCOUNT,
        summary="The account is managed by software, not a person.",
        facts="Comments arrive seconds after each note, around the clock.",
        automated_detection=Automation.FULLY,
        automated_decision=Automation.NOT_AUTOMATED,
        decided_by=staff,
        ends_at=ends_at,
    )


@pytest.mark.django_db
def test_account_measures_are_a_partial_service_suspension_an_account_suspension_or_a_termination(
    creator, staff
):
    soon = timezone.now() + timedelta(days=7)
    restricted = _only(_account_decision(creator, staff, Decision.Kind.POSTING_RESTRICTED, soon))
    assert restricted["decision_provision"] == "DECISION_PROVISION_PARTIAL_SUSPENSION"
    assert restricted["end_date_service_restriction"] == soon.date().isoformat()
    suspended = _only(_account_decision(creator, staff, Decision.Kind.SUSPENSION, soon + timedelta(days=30)))
    assert suspended["decision_account"] == "DECISION_ACCOUNT_SUSPENDED"
    assert suspended["end_date_account_restriction"] == (soon + timedelta(days=30)).date().isoformat()
    banned = _only(_account_decision(creator, staff, Decision.Kind.BAN))
    assert banned["decision_account"] == "DECISION_ACCOUNT_TERMINATED"
    assert "end_date_account_restriction" not in banned
    assert banned["content_type"] == ["CONTENT_TYPE_OTHER", "CONTENT_TYPE_SYNTHETIC_MEDIA"]
    assert banned["category_specification"] == ["KEYWORD_INAUTHENTIC_ACCOUNTS"]
    reduced = _only(_account_decision(creator, staff, Decision.Kind.ACCOUNT_MEASURE, soon))
    assert reduced["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DEMOTED"]


@pytest.mark.django_db
def test_a_warning_restricts_nothing_and_has_no_statement(creator, staff):
    assert _statements(_account_decision(creator, staff, Decision.Kind.ACCOUNT_WARNING)) == []


@pytest.mark.django_db
def test_a_withdrawn_bonus_is_an_other_visibility_restriction_that_says_what_it_is(creator, staff):
    statement = _only(
        DecisionFactory(
            subject_owner=creator,
            kind=Decision.Kind.BONUS_WITHDRAWN,
            rule_code=Decision.RuleCode.LOW_QUALITY_AI,
            automated_decision=Automation.NOT_AUTOMATED,
            decided_by=staff,
        )
    )
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_OTHER"]
    assert "reach bonus" in statement["decision_visibility_other"]


@pytest.mark.django_db
def test_an_illegal_content_ground_names_the_law_and_explains(creator, staff):
    decision = DecisionFactory(
        subject_owner=creator,
        kind=Decision.Kind.REMOVAL,
        rule_code=Decision.RuleCode.AI_FORGERY,
        automated_decision=Automation.NOT_AUTOMATED,
        decided_by=staff,
    )
    Decision.objects.filter(pk=decision.pk).update(
        ground=Decision.Ground.ILLEGAL,
        rule_code=Decision.RuleCode.OTHER,
        rule="Art. 22 of the Example Act on deceptive media",
    )
    statement = _only(decision)
    assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
    assert statement["illegal_content_legal_ground"] == "Art. 22 of the Example Act on deceptive media"
    assert statement["illegal_content_explanation"]


@pytest.mark.django_db
def test_the_territorial_scope_keeps_the_eea_countries_and_a_decision_outside_the_eea_is_not_reported(
    creator,
):
    both = DecisionFactory(subject_owner=creator)
    outside = DecisionFactory(subject_owner=creator)
    Decision.objects.filter(pk=both.pk).update(territorial_scope=["US", "DE", "FR"])
    Decision.objects.filter(pk=outside.pk).update(territorial_scope=["US", "CN"])
    assert _only(both)["territorial_scope"] == ["DE", "FR"]
    assert _statements(outside) == []


@pytest.mark.django_db
def test_a_reversal_is_a_new_statement_and_the_first_one_is_never_edited(creator, staff):
    decision = DecisionFactory(subject_owner=creator)
    first = _only(decision)
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        appeal = ledger.appeal_file(decision=decision, appellant=creator, reason="This is my own photo.")
        ledger.appeal_decide(appeal=appeal, outcome="overturned", acting_user=staff, reply="You are right.")
    made, reversal = _statements(decision)
    assert made == first  # unchanged, byte for byte
    assert reversal["puid"] == first["puid"] + "-reversal"
    assert reversal["application_date"] == first["application_date"]
    assert (
        reversal["end_date_visibility_restriction"] == (timezone.now() + timedelta(days=2)).date().isoformat()
    )
    assert first["puid"] in reversal["decision_facts"] and "appeal" in reversal["decision_facts"]
    assert reversal["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    assert dsa.validate(reversal) == {}
    assert statements_collect() == 0  # nothing new to write: one statement per event


@pytest.mark.django_db
def test_statements_carry_no_email_name_or_handle_of_the_creator(staff):
    creator = UserFactory(email="mei.lin@example.net", display_name="Mei Lin")
    decision = DecisionFactory(
        subject_owner=creator,
        facts="Mei Lin (mei.lin@example.net, also MEI.LIN@EXAMPLE.NET) posted it as @meilin_art; "
        "she wrote to support from meilin@backup.example.org.",
        summary="A label was added to Mei Lin's note.",
    )
    ledger.decision_reverse(decision=decision, acting_user=staff, reason="Mei Lin sent the camera originals.")
    text = json.dumps(_statements(decision)).lower()
    for leak in ("mei lin", "mei.lin", "example.net", "meilin", "backup.example.org"):
        assert leak not in text
    assert "[a person]" in text and "[email address removed]" in text and "[account]" in text


@pytest.mark.django_db
def test_statements_survive_the_account_they_were_about(creator):
    decision = DecisionFactory(subject_owner=creator)
    statement = _only(decision)
    creator.delete()
    row = DsaStatement.objects.get()
    assert row.decision_id is None and row.payload == statement


@pytest.mark.django_db
def test_the_export_window_takes_the_days_the_changes_took_effect(creator, staff):
    start = timezone.now().replace(year=2026, month=10, day=1, hour=12)
    with time_machine.travel(start, tick=False):
        october = DecisionFactory(subject_owner=creator)
    with time_machine.travel(start + timedelta(days=40), tick=False):
        november = DecisionFactory(subject_owner=creator)
        ledger.decision_reverse(decision=october, acting_user=staff, reason="Wrong.")
    puids = [s["puid"] for s in statements_export(date(2026, 11, 1), None)]
    # Same day: in the order the events happened (the November decision, then the reversal).
    assert puids == [f"sunlight-{november.public_id.hex}", f"sunlight-{october.public_id.hex}-reversal"]
    assert [s["puid"] for s in statements_export(None, date(2026, 10, 31))] == [
        f"sunlight-{october.public_id.hex}"
    ]


@pytest.mark.django_db
def test_export_statements_writes_the_demo_as_a_valid_json_array(tmp_path):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    target = tmp_path / "statements.json"
    call_command("export_statements", "--output", str(target), stderr=open("/dev/null", "w"))  # noqa: SIM115
    statements = json.loads(target.read_text())
    assert len(statements) >= 3
    assert dsa.validate_batch(statements) == {}
    assert all(dsa.excluded(statement) == [] for statement in statements)
    assert len({s["puid"] for s in statements}) == len(statements)
    kinds = {tuple(s.get("decision_visibility", [])) for s in statements}
    assert ("DECISION_VISIBILITY_CONTENT_LABELLED",) in kinds and (
        "DECISION_VISIBILITY_CONTENT_DEMOTED",
    ) in kinds
    assert any(s["puid"].endswith("-reversal") for s in statements)
    demo_people = ("demo.sunlight.test", "Mei Lin", "Sam Okafor", "Growth Hacks")
    assert not any(person in target.read_text() for person in demo_people)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since must be a day written YYYY-MM-DD"),
        (["--since", "01/11/2026"], "--since must be a day written YYYY-MM-DD"),
        (["--until", "yesterday"], "--until must be a day written YYYY-MM-DD"),
        (
            ["--since", "2026-11-20", "--until", "2026-11-01"],
            "ends (2026-11-01) before it starts (2026-11-20)",
        ),
    ],
)
def test_export_statements_refuses_a_window_it_cannot_read_and_writes_nothing(tmp_path, args, message):
    target = tmp_path / "out.json"
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("export_statements", *args, "--output", str(target))
    assert not target.exists()


@pytest.mark.django_db
def test_export_statements_says_when_the_output_folder_is_missing(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_statements", "--output", str(tmp_path / "nowhere" / "out.json"))


@pytest.mark.django_db
def test_a_two_character_chinese_name_a_named_guideline_and_the_staff_member_are_scrubbed_too():
    creator = UserFactory(email="li@example.cn", display_name="李明")
    moderator = UserFactory(
        email="wang.fang@sunlight.example", display_name="王芳", is_staff=True, is_superuser=True
    )
    decision = DecisionFactory(
        subject_owner=creator,
        kind=Decision.Kind.REMOVAL,
        rule_code=Decision.RuleCode.AI_FORGERY,
        automated_decision=Automation.NOT_AUTOMATED,
        decided_by=moderator,
        facts="李明发布的照片由 AI 生成；王芳复核了原图。",
    )
    Decision.objects.filter(pk=decision.pk).update(
        rule_code=Decision.RuleCode.OTHER, rule="李明 breaks rule 7"
    )
    text = json.dumps(_statements(decision), ensure_ascii=False)
    assert "李明" not in text and "王芳" not in text and "wang.fang" not in text
    assert "[a person] breaks rule 7" in text


@pytest.mark.django_db
def test_reversing_a_decision_that_had_already_expired_reports_the_day_it_really_ended(creator, staff):
    start = timezone.now()
    decision = DecisionFactory(
        subject_owner=creator,
        kind=Decision.Kind.REDUCED_DISTRIBUTION,
        automated_decision=Automation.NOT_AUTOMATED,
        decided_by=staff,
        ends_at=start + timedelta(days=10),
    )
    with time_machine.travel(start + timedelta(days=11)):
        ledger.decisions_expire_due()
    with time_machine.travel(start + timedelta(days=40)):
        ledger.decision_reverse(decision=decision, acting_user=staff, reason="It was fine after all.")
    made, reversal = _statements(decision)
    ended = (start + timedelta(days=10)).date().isoformat()
    assert made["end_date_visibility_restriction"] == reversal["end_date_visibility_restriction"] == ended
    assert f"already ended on {ended}" in reversal["decision_facts"]


@pytest.mark.django_db
def test_an_end_after_the_databases_last_day_is_left_open_rather_than_misstated(creator, staff):
    statement = _only(
        _account_decision(creator, staff, Decision.Kind.SUSPENSION, timezone.now().replace(year=2040))
    )
    assert "end_date_account_restriction" not in statement


@pytest.mark.django_db
def test_a_decision_writes_its_statement_as_soon_as_it_commits(creator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = DecisionFactory(subject_owner=creator)
    assert DsaStatement.objects.filter(decision=decision).exists()


@pytest.mark.django_db
def test_a_refused_statement_queued_again_is_written_again_from_its_decision(creator):
    from portal.submission import statements_retry

    decision = DecisionFactory(subject_owner=creator)
    statements_collect()
    row = DsaStatement.objects.get()
    DsaStatement.objects.filter(pk=row.pk).update(state="refused", payload={**row.payload, "category": "OLD"})
    assert statements_retry(list(DsaStatement.objects.all())) == 1
    row.refresh_from_db()
    assert row.state == "pending" and row.payload["category"] == "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
    assert row.puid == f"sunlight-{decision.public_id.hex}"
