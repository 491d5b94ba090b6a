"""The errors of the SPARQL protocol layer; the HTTP layer maps each to a status code."""

from __future__ import annotations


class ProtocolError(ValueError):
    """A request the endpoint refuses; the message says why and where."""


class QuerySyntaxError(ProtocolError):
    """The query or update does not parse; ``line`` and ``column`` point at the fault (1-based)."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


class QueryTimeout(ProtocolError):
    """The query ran past the time limit."""


class NotAcceptable(ProtocolError):
    """No format the client accepts can carry this answer; ``offered`` lists the media types."""

    def __init__(self, message: str, offered: list[str]) -> None:
        super().__init__(message)
        self.offered = offered


class Unsupported(ProtocolError):
    """A protocol feature this store cannot provide (→ 501)."""


class DatasetConflict(ProtocolError):
    """``using-graph-uri`` given for an update that names its own dataset (USING or WITH)."""
