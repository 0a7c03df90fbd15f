"""Texts of the ledger that depend on settings only."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _


def further_redress_text() -> str:
    """What an upheld appeal tells the creator about redress beyond the platform (DSA Art. 21)."""
    return settings.SUNLIGHT_REDRESS_TEXT or _(
        "If you disagree, you may refer the dispute to a certified out-of-court dispute settlement body "
        "or to the courts; this appeal does not affect those rights."
    )
