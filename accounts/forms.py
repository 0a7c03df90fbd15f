from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth mixes this into its own sign-up form."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        required=False,
        help_text=_("Shown on your notes instead of your email address."),
    )

    def signup(self, request, user) -> None:  # noqa: ANN001 - allauth's hook signature
        # The adapter's save_user already copied display_name; nothing else to do.
        return None
