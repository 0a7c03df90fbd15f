"""URL converters: every integer in a URL is bounded, so no path reaches the database with a number
it cannot store (an id above 2**63 - 1 is a 404, never a 500)."""

from __future__ import annotations

from django.urls import register_converter


class RowIdConverter:
    regex = "[1-9][0-9]{0,17}"  # 1 .. 10**18 - 1, inside a signed 64-bit column

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowIdConverter, "id")
