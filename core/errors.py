"""The domain error every app's services raise (core imports no app, so all may import it)."""

from __future__ import annotations


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
