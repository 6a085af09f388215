"""Errors a service raises for the edge (page, API, command) to turn into a status or message."""


class DomainError(Exception):
    """A precondition failed; ``message`` is the Chinese sentence shown to the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(DomainError):
    """The actor lacks the permission (→ 403)."""
