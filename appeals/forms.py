from __future__ import annotations

import uuid

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appeals import measures
from appeals.evidence import MAX_EVIDENCE_FILES
from appeals.models import APPEAL_REASON_MAX, REPLY_MAX, STATEMENT_MAX, Automation, Decision
from core.forms import MultipleFileField, MultipleFileInput


def _evidence_help() -> str:
    return gettext(
        "Drafts, process photos, a screen recording still or a PDF: up to %(n)s files, 20 MB each."
    ) % {"n": MAX_EVIDENCE_FILES}


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the decision wrong?"),
        max_length=APPEAL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Explain how you made the content. Up to 5000 characters."),
    )
    evidence = MultipleFileField(
        label=_("Evidence (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
        # Lazy all the way: interpolated when the form renders, in that request's language.
        help_text=lazy(_evidence_help, str)(),
    )


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(
        label=_("Add evidence"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("upheld", _("Uphold: the decision stands")),
            ("overturned", _("Overturn: reverse the decision")),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Reply to the creator"),
        max_length=REPLY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown to the creator: give your reasons."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (staff only)"),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReverseDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the decision reversed?"),
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown to the creator. The creator is compensated as after an overturned appeal."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (staff only)"),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


NEXT_ON_LADDER = "next"

# Every staff form that makes a decision asks for the statement of reasons with these fields.
SUMMARY_LABEL = _("What is decided (shown to the creator)")
FACTS_LABEL = _("Facts and evidence (shown to the creator)")


def statement_text_field(
    label: object, *, rows: int, required: bool = True, initial: object = None
) -> forms.CharField:
    """A part of a statement of reasons: free text, as long as the ledger keeps."""
    return forms.CharField(
        label=label,
        max_length=STATEMENT_MAX,
        required=required,
        initial=initial,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def measure_kind_field() -> forms.ChoiceField:
    """The measure to take: the next rung of the ladder (``NEXT_ON_LADDER``), or one staff name."""
    return forms.ChoiceField(
        label=_("Measure"),
        choices=[(NEXT_ON_LADDER, _("The next step on the ladder (recommended)"))]
        + [(k, Decision.Kind(k).label) for k in measures.LADDER],
        initial=NEXT_ON_LADDER,
        widget=forms.RadioSelect,
        help_text=_("Timed measures end on their own; a warning is a record; a ban lasts until reversed."),
    )


def measure_kind(data: dict) -> str | None:
    """The kind a measure form asked for; None for the next rung."""
    return None if data["kind"] == NEXT_ON_LADDER else data["kind"]


class AccountMeasureForm(forms.Form):
    """A staff member's measure against an account, with its statement of reasons."""

    kind = measure_kind_field()
    summary = statement_text_field(SUMMARY_LABEL, rows=3)
    facts = statement_text_field(FACTS_LABEL, rows=4)
    rule_code = forms.ChoiceField(
        label=_("Guideline"), choices=Decision.RuleCode.choices, initial=Decision.RuleCode.AI_MANAGED_ACCOUNT
    )
    source = forms.ChoiceField(label=_("How it came to our attention"), choices=Decision.Source.choices)
    automated_detection = forms.ChoiceField(
        label=_("How it was detected"), choices=Automation.choices, initial=Automation.PARTIALLY
    )
    internal_note = forms.CharField(
        label=_("Internal note (staff only)"),
        required=False,
        max_length=STATEMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # One id per rendered form: a double-submitted form takes one measure, not two.
    submission = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
