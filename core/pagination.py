"""Page sizes, named once, and the API's cursor pagination."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination

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


def cursor(*ordering: str, max_page_size: int = API_MAX_PAGE_SIZE) -> type[CursorPagination]:
    """A cursor pagination over ``ordering`` (which must end in a unique column)."""
    return type(
        "Cursor",
        (NewestFirstCursor,),
        {"ordering": ordering, "max_page_size": max_page_size},
    )
