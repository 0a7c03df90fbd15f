"""Input fields that accept exactly what the API schema says."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """Text, and only text: DRF's CharField turns 42 or 4.2 into "42" / "4.2", so a client sending
    a number where the schema says string would be silently accepted."""

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
