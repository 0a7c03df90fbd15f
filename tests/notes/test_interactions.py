"""Comments and likes: clients recorded, sanitised, restricted accounts refused, staff removal, rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from appeals import services as ledger
from appeals.models import Decision
from core.errors import DomainError
from notes import services
from notes.models import Comment, Like, Note, TutorialRule
from tests.factories import PASSWORD, UserFactory, staff_with_permissions
from tests.notes.conftest import make_draft, make_published
from tests.support import headless_login

pytestmark = pytest.mark.django_db


def test_comments_from_the_browser_and_the_app_record_their_client(client, creator, outsider):
    note = make_published(creator)
    client.force_login(outsider)
    response = client.post(
        f"/notes/{note.public_id}/comments/", {"body": "Lovely fog.\r\n\r\n\r\n\r\nWhere?\u202e"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#comments")
    app = APIClient()
    app.credentials(HTTP_X_SESSION_TOKEN=headless_login(app, outsider.email, PASSWORD))
    created = app.post(f"/api/v1/notes/{note.public_id}/comments/", {"body": "From the app"}, format="json")
    assert created.status_code == 201
    comments = list(Comment.objects.order_by("created_at"))
    assert [(c.body, c.client) for c in comments] == [
        ("Lovely fog.\n\nWhere?", "web"),
        ("From the app", "app"),
    ]
    page = client.get(f"/notes/{note.public_id}/").content.decode()
    assert "Lovely fog.<br><br>Where?" in page
    listed = APIClient().get(f"/api/v1/notes/{note.public_id}/comments/").json()["results"]
    assert [c["body"] for c in listed] == ["From the app", "Lovely fog.\n\nWhere?"]


def test_a_comment_is_escaped_never_html(client, creator, outsider):
    note = make_published(creator)
    services.comment_create(note=note, author=outsider, body="<script>alert(1)</script>")
    page = client.get(f"/notes/{note.public_id}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_bad_comments_are_refused_and_nothing_is_written(creator, outsider):
    note = make_published(creator)
    for body in ("", "   \n ", "\u200b\u200b", "x" * 2001):
        with pytest.raises(Exception, match="Write a comment first|At most"):
            services.comment_create(note=note, author=outsider, body=body)
    draft = make_draft(creator)
    with pytest.raises(DomainError):
        services.comment_create(note=draft, author=outsider, body="Early")
    assert not Comment.objects.exists()


def test_authors_delete_their_own_comments_only(client, creator, outsider):
    note = make_published(creator)
    comment = services.comment_create(note=note, author=outsider, body="Mine")
    client.force_login(creator)
    assert client.post(f"/notes/{note.public_id}/comments/{comment.public_id}/delete/").status_code == 404
    client.force_login(outsider)
    assert client.post(f"/notes/{note.public_id}/comments/{comment.public_id}/delete/").status_code == 302
    assert Comment.objects.get().state == "deleted"
    assert "Mine" not in client.get(f"/notes/{note.public_id}/").content.decode()


def test_likes_are_idempotent_and_lift_the_ranking(client, creator, outsider):
    older = make_published(outsider, title="Older")
    note = make_published(creator, title="Newer")
    assert Note.objects.get(pk=note.pk).rank_score > Note.objects.get(pk=older.pk).rank_score
    before = Note.objects.get(pk=older.pk).rank_score
    for reader in [UserFactory() for _ in range(3)]:
        services.like_set(note=older, user=reader, liked=True)
        services.like_set(note=older, user=reader, liked=True)
    older = Note.objects.get(pk=older.pk)
    assert older.like_count == 3 and Like.objects.count() == 3
    assert older.rank_score == pytest.approx(before + 0.263, abs=0.01)  # log2(1 + 0.1 × log2 4)
    client.force_login(creator)
    assert client.post(f"/notes/{older.public_id}/like/", {"liked": "1"}).status_code == 302
    api = client.delete(f"/api/v1/notes/{older.public_id}/like/")
    assert api.json() == {"liked": False, "like_count": 3}


def test_a_restricted_account_cannot_comment_or_like(client, creator, outsider):
    note = make_published(creator)
    ledger.account_measure(
        account=outsider,
        acting_user=staff_with_permissions("decide"),
        kind=Decision.Kind.POSTING_RESTRICTED,
        statement=ledger.Statement(summary="Restricted.", facts="Spam.", rule_code="ai_managed_account"),
    )
    client.force_login(outsider)
    page = client.post(
        f"/notes/{note.public_id}/comments/", {"body": "Still here"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 403 and "cannot post or interact" in page.content.decode()
    assert client.post(f"/api/v1/notes/{note.public_id}/like/").status_code == 403
    assert not Comment.objects.exists() and not Like.objects.exists()


def test_staff_remove_a_comment_by_a_decision_and_an_overturn_restores_it(client, creator, outsider):
    note = make_published(creator)
    comment = services.comment_create(note=note, author=outsider, body="Rude words")
    moderator = staff_with_permissions("decide")
    decision = services.comment_remove(
        comment=comment,
        acting_user=moderator,
        statement=ledger.Statement(summary="Removed.", facts="Insults.", rule_code="other", rule="Be kind"),
    )
    assert Comment.objects.get().state == "removed"
    assert "Rude words" not in client.get(f"/notes/{note.public_id}/").content.decode()
    ledger.decision_reverse(decision=decision, acting_user=moderator, reason="Read again: fair criticism.")
    assert Comment.objects.get().state == "visible"


def test_a_label_removal_tutorial_is_removed_with_the_match_as_evidence(client, creator, outsider):
    note = services.note_create(author=creator, title="教程：如何去除AI标识", body="三步搞定。")
    from tests.images import jpeg_bytes
    from tests.notes.conftest import declare

    services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="a.jpg")
    declare(note, degree="generated")
    services.note_publish(note=note, acting_user=creator)
    decision = Decision.objects.get(subject_id=note.public_id)
    assert decision.kind == "removal" and decision.rule_code == "label_removal_tutorial"
    assert decision.evidence[0]["matched"] == "去除ai标识" and decision.automated_decision == "fully"
    assert client.get(f"/notes/{note.public_id}/").status_code == 404
    other = make_published(outsider, title="Harbour")
    comment = services.comment_create(
        note=other, author=creator, body="Here is how to bypass AI detection: …"
    )
    assert Comment.objects.get(pk=comment.pk).state == "removed"
    assert Decision.objects.get(subject_id=comment.public_id).evidence[0]["matched"] == "bypass ai detection"


def test_staff_rules_are_checked_when_saved(creator):
    rule = TutorialRule(pattern="(unclosed", kind="regex")
    with pytest.raises(Exception, match="Not a valid regular expression"):
        rule.full_clean()
    TutorialRule.objects.create(pattern="make the label vanish", kind="phrase")
    note = make_published(creator, title="Fine")
    services.note_update(note=note, acting_user=creator, body="How to make a label vanish? Ask a lawyer.")
    assert not Decision.objects.filter(subject_id=note.public_id).exists()
    services.note_update(note=note, acting_user=creator, body="How to MAKE\n THE label  vanish in one click")
    decision = Decision.objects.get(subject_id=note.public_id)  # case and spacing do not hide it
    assert decision.kind == "removal" and decision.evidence[0]["matched"] == "make the label vanish"


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|aa)*$", r"(\w+\s?)+$"])
def test_a_rule_that_can_take_too_long_is_refused_when_saved(pattern):
    rule = TutorialRule(pattern=pattern, kind="regex", description="Too slow")
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "can take too long" in str(refused.value)


def test_a_slow_rule_that_slipped_in_is_skipped_on_a_creators_text_not_a_hang(creator, outsider, caplog):
    """A pattern the probes on saving cannot catch, written straight to the table: the search stops at
    its time limit, the comment is kept, the log names the rule; the other rules still apply."""
    slow = TutorialRule.objects.create(pattern=r"(.*a){16}$", kind="regex", description="Polynomial")
    note = make_published(creator)
    comment = services.comment_create(note=note, author=outsider, body="a" * 300 + "!")
    assert Comment.objects.get(pk=comment.pk).state == "visible"
    assert f"tutorial rule {slow.pk} took too long" in caplog.text
    tutorial = services.comment_create(note=note, author=outsider, body="三步绕过 AI 检测 " + "a" * 300 + "!")
    assert Comment.objects.get(pk=tutorial.pk).state == "removed"


def test_staff_accounts_are_never_decided_about_by_a_rule(creator):
    staff = staff_with_permissions()
    note = make_published(creator)
    services.comment_create(note=note, author=staff, body="Reminder: we remove AI label tutorials.")
    assert Comment.objects.get().state == "visible" and not Decision.objects.exists()


@pytest.mark.parametrize(
    ("text", "removed"),
    [
        ("How to remove the watermark from my photo", False),
        ("去掉水印的小技巧", False),
        ("三步绕过 AI 检测", True),
        ("Removing AI-labels made easy", True),
        ("教你移除AI标签", True),
        ("remove\u200bai label", True),
    ],
)
def test_the_default_rules_name_ai(creator, outsider, text, removed):
    note = make_published(creator)
    comment = services.comment_create(note=note, author=outsider, body=text)
    assert (comment.state == "removed") is removed


def test_notes_record_their_client(creator):
    app = APIClient()
    app.credentials(HTTP_X_SESSION_TOKEN=headless_login(app, creator.email, PASSWORD))
    assert app.post("/api/v1/notes/", {"title": "From the app"}, format="json").status_code == 201
    script = APIClient()
    script.force_login(creator)
    assert script.post("/api/v1/notes/", {"title": "From a script"}, format="json").status_code == 201
    forged = APIClient()
    forged.force_login(creator)
    forged.credentials(HTTP_X_SESSION_TOKEN="")
    clients = dict(Note.objects.values_list("title", "client"))
    assert clients == {"From the app": "app", "From a script": "api"}


def test_a_restricted_account_can_take_a_like_back(creator, outsider):
    note = make_published(creator)
    services.like_set(note=note, user=outsider, liked=True)
    ledger.account_measure(
        account=outsider,
        acting_user=staff_with_permissions("decide"),
        kind=Decision.Kind.POSTING_RESTRICTED,
        statement=ledger.Statement(summary="Restricted.", facts="Spam.", rule_code="ai_managed_account"),
    )
    assert services.like_set(note=note, user=outsider, liked=False).like_count == 0
