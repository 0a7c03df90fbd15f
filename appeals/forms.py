from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from appeals.evidence import MAX_EVIDENCE_FILES
from appeals.models import APPEAL_REASON_MAX, REPLY_MAX, STATEMENT_MAX
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
