"""Page sizes, named once, and the API's cursor pagination."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

# HTML pages.
FEED_PAGE_SIZE = 24
LIST_PAGE_SIZE = 25
# The API: the default page, and the most a client may ask for with ``page_size``.
API_PAGE_SIZE = 20
API_MAX_PAGE_SIZE = 100


class NewestFirstCursor(CursorPagination):
    """Stable pages over growing lists: newest first, by creation time."""

    ordering = ("-created_at", "-id")
    page_size = API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = API_MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        """``page_size`` as the schema says: a whole number from 1 to ``max_page_size``; anything
        else is refused (400) instead of silently replaced by the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view: object) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": self.max_page_size}
        return parameters


def cursor(*ordering: str, max_page_size: int = API_MAX_PAGE_SIZE) -> type[CursorPagination]:
    """A cursor pagination over ``ordering`` (which must end in a unique column)."""
    return type(
        "Cursor",
        (NewestFirstCursor,),
        {"ordering": ordering, "max_page_size": max_page_size},
    )
