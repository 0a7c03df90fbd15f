"""The domain error every app's services raise (core imports no app, so all may import it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """A request that is well-formed but not allowed now (wrong state, a limit reached, …).

    ``message`` is already translated for the user; ``code`` is stable for API clients;
    ``status`` is the HTTP status the API answers with.
    """

    def __init__(
        self, message: str, *, code: str = "invalid", status: int = 400, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.field = field


def with_field_names(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The same refusal, with the service's field names replaced by the request's (``{"service": "api"}``),
    so an API client is told about the field it actually sent."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(field, field): errors for field, errors in exc.error_dict.items()})
