"""The API's shared plumbing: one base for every list endpoint."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework.generics import ListAPIView

from core.pagination import API_MAX_PAGE_SIZE, cursor


class SelectorListApi(ListAPIView):
    """The one base of every list endpoint: rows come from a selector, pages from a cursor.

    Subclasses set ``serializer_class``, ``queryset`` (an empty queryset of the model, for the
    schema), ``ordering`` (ending in a unique column) and ``selector``, a function of the request
    returning the rows that request may see.
    """

    ordering: tuple[str, ...] = ("-created_at", "-id")
    max_page_size: int = API_MAX_PAGE_SIZE
    selector: Callable[..., QuerySet]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.pagination_class = cursor(*cls.ordering, max_page_size=cls.max_page_size)

    def get_queryset(self) -> QuerySet:
        return type(self).selector(self.request)
