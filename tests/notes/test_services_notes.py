from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from core.errors import DomainError
from notes import services
from notes.models import DeclarationChange, Label, Note, NoteImage
from tests.images import a1111_png_bytes, jpeg_bytes, png_bomb_bytes, truncated_jpeg_bytes
from tests.notes.conftest import declare, make_draft

pytestmark = pytest.mark.django_db


def _all_files() -> set[Path]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return {p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


def test_it_keeps_the_original_bytes_untouched(creator):
    data = jpeg_bytes(gps=True)
    note = services.note_create(author=creator, title="Original")
    image = services.note_image_add(note=note, acting_user=creator, data=data, filename="lake.jpg")
    image.refresh_from_db()
    with image.original.open("rb") as handle:
        assert handle.read() == data
    # The original lives outside the public media root and has no URL route.
    assert Path(image.original.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not Path(image.original.path).is_relative_to(settings.MEDIA_ROOT)


@pytest.mark.parametrize("bad", [b"not an image at all", truncated_jpeg_bytes(), png_bomb_bytes()])
def test_it_leaves_nothing_behind_when_an_upload_is_rejected(draft, bad):
    before_files, before_rows = _all_files(), NoteImage.objects.count()
    with pytest.raises(DomainError):
        services.note_image_add(note=draft, acting_user=draft.author, data=bad, filename="x.jpg")
    assert _all_files() == before_files
    assert NoteImage.objects.count() == before_rows


def test_it_refuses_a_tenth_image_and_keeps_nine(creator):
    note = make_draft(creator, images=9)
    files = _all_files()
    with pytest.raises(DomainError) as caught:
        services.note_image_add(note=note, acting_user=creator, data=jpeg_bytes(), filename="ten.jpg")
    assert caught.value.code == "too_many_images"
    assert note.images.count() == 9
    assert _all_files() == files


def test_it_refuses_to_publish_without_a_declaration(draft):
    with pytest.raises(DomainError) as caught:
        services.note_publish(note=draft, acting_user=draft.author)
    assert caught.value.code == "declaration_required"
    draft.refresh_from_db()
    assert draft.state == Note.State.DRAFT and draft.published_at is None


def test_it_refuses_to_publish_without_images(creator):
    note = services.note_create(author=creator, title="Words only")
    services.note_declare(
        note=note, acting_user=creator, declaration=services.DeclarationInput(degree="none")
    )
    with pytest.raises(DomainError) as caught:
        services.note_publish(note=note, acting_user=creator)
    assert caught.value.code == "no_images"


def test_it_requires_an_answer_for_every_image(draft):
    first = draft.images.order_by("position").first()
    with pytest.raises(ValidationError) as caught:
        services.note_declare(
            note=draft,
            acting_user=draft.author,
            declaration=services.DeclarationInput(
                degree="generated", text_degree="none", image_degrees={str(first.public_id): "generated"}
            ),
        )
    assert "image 2" in str(caught.value)
    assert not hasattr(Note.objects.get(pk=draft.pk), "declaration")


def test_it_requires_the_overall_answer_to_match_the_parts(draft):
    with pytest.raises(ValidationError):
        declare(draft, degree="generated", text="assisted", images=["assisted", "none"])
    with pytest.raises(ValidationError):
        declare(draft, degree="assisted", text="none", images=["none", "none"])


def test_it_derives_the_declared_label_from_the_declaration(draft):
    declare(draft, degree="generated", text="assisted", images=["generated", "none"])
    label = Label.objects.get(note=draft)
    assert (label.tier, label.kind, label.source) == ("declared", "generated", "creator")
    assert label.evidence["images"] == [{"position": 1, "degree": "generated"}]
    assert label.evidence["tools"] == ["Photoshop Generative Fill"]
    assert label.text == "Creator declared: contains AI-generated content"

    declare(draft, degree="none")
    assert not Label.objects.filter(note=draft).exists()


def test_it_publishes_once_even_when_clicked_twice(draft):
    declare(draft)
    first = services.note_publish(note=draft, acting_user=draft.author)
    second = services.note_publish(note=draft, acting_user=draft.author)
    assert first.published_at == second.published_at
    assert Note.objects.get(pk=draft.pk).state == Note.State.PUBLISHED


def test_it_records_declaration_history_after_publishing(draft):
    declare(draft, degree="generated", text="none", images=["generated", "generated"])
    services.note_publish(note=draft, acting_user=draft.author)
    assert not DeclarationChange.objects.exists()  # changes before publishing are drafts, not history

    declare(draft, degree="assisted", text="none", images=["assisted", "none"])
    change = DeclarationChange.objects.get(note=draft)
    assert change.changed_by == draft.author
    assert (change.before["degree"], change.after["degree"]) == ("generated", "assisted")
    declare(draft, degree="assisted", text="none", images=["assisted", "none"])  # same answer: no new row
    assert DeclarationChange.objects.count() == 1


def test_lowering_a_declaration_never_removes_a_platform_label(creator, django_capture_on_commit_callbacks):
    note = services.note_create(author=creator, title="Lighthouse")
    services.note_image_add(note=note, acting_user=creator, data=a1111_png_bytes(), filename="lh.png")
    with django_capture_on_commit_callbacks(execute=True):
        declare(note, degree="none")
        services.note_publish(note=note, acting_user=creator)
    assert list(Label.objects.filter(note=note).values_list("tier", flat=True)) == ["suspected"]

    with django_capture_on_commit_callbacks(execute=True):
        declare(note, degree="generated", text="none", images=["generated"])
    assert sorted(Label.objects.filter(note=note).values_list("tier", flat=True)) == ["declared", "suspected"]
    with django_capture_on_commit_callbacks(execute=True):
        declare(note, degree="none")
    assert list(Label.objects.filter(note=note).values_list("tier", flat=True)) == ["suspected"]


def test_it_renders_markdown_safely(creator):
    note = services.note_create(
        author=creator,
        title="XSS",
        body="**hi** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://a.example)",
    )
    html = note.body_html
    assert "<strong>hi</strong>" in html
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert 'href="https://a.example"' in html and 'rel="nofollow ugc noopener noreferrer"' in html


def test_it_validates_title_and_body_length(creator):
    with pytest.raises(ValidationError) as caught:
        services.note_create(author=creator, title="  ")
    assert "title" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.note_create(author=creator, title="Long", body="x" * 20001)
    assert "body" in caught.value.message_dict
    assert not Note.objects.exists()


def test_images_cannot_change_after_publishing(draft):
    declare(draft)
    services.note_publish(note=draft, acting_user=draft.author)
    with pytest.raises(DomainError) as caught:
        services.note_image_add(note=draft, acting_user=draft.author, data=jpeg_bytes(), filename="late.jpg")
    assert caught.value.code == "note_not_draft"


def test_removing_an_image_deletes_its_three_files_after_commit(draft, django_capture_on_commit_callbacks):
    image = draft.images.order_by("position").first()
    paths = [Path(f.path) for f in (image.original, image.display, image.thumbnail)]
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        services.note_image_remove(note=draft, acting_user=draft.author, image_id=image.public_id)
    assert not any(p.exists() for p in paths), "an orphaned file stayed behind"
    assert list(draft.images.values_list("position", flat=True)) == [0]


def test_a_failed_removal_keeps_the_files(draft, django_capture_on_commit_callbacks):
    image = draft.images.order_by("position").first()
    declare(draft)
    services.note_publish(note=draft, acting_user=draft.author)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        services.note_image_remove(note=draft, acting_user=draft.author, image_id=image.public_id)
    assert Path(image.original.path).exists() and Path(image.display.path).exists()


def test_two_creators_adding_the_same_new_topic_share_one_row(creator, outsider):
    first = services.note_create(author=creator, title="One", topics=["Night markets"])
    second = services.note_create(author=outsider, title="Two", topics=["night markets"])
    assert list(first.topics.all()) == list(second.topics.all())


def test_deleting_a_note_deletes_its_files_and_keeps_a_decided_ones_original(
    creator, django_capture_on_commit_callbacks
):
    from tests.appeals.conftest import labelled_note_decision

    plain = make_draft(creator, images=1)
    image = plain.images.get()
    paths = [Path(f.path) for f in (image.original, image.display, image.thumbnail)]
    with django_capture_on_commit_callbacks(execute=True):
        services.note_delete(note=plain, acting_user=creator)
    assert not any(p.exists() for p in paths), "a deleted note's file stayed behind"

    decided = labelled_note_decision(creator, django_capture_on_commit_callbacks)
    image = NoteImage.objects.get(note__public_id=decided.subject_id)
    with django_capture_on_commit_callbacks(execute=True):
        services.note_delete(note=image.note, acting_user=creator)
    # Readers' copies go; the original stays, private, as the evidence of the decision.
    assert not Path(image.display.path).exists() and not Path(image.thumbnail.path).exists()
    assert Path(image.original.path).exists()
