"""Server settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _list(name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in os.environ.get(name, "").split(",") if x.strip())


@dataclass(frozen=True)
class Settings:
    """What an operator may configure (environment variables in brackets)."""

    token: str | None = field(default_factory=lambda: os.environ.get("COOPGRAPH_TOKEN") or None)
    """The write token (``COOPGRAPH_TOKEN``); without it every write is refused."""
    query_timeout: float = field(default_factory=lambda: float(os.environ.get("COOPGRAPH_QUERY_TIMEOUT", "10")))
    """Seconds a SPARQL query may run (``COOPGRAPH_QUERY_TIMEOUT``)."""
    max_rows: int = field(default_factory=lambda: int(os.environ.get("COOPGRAPH_MAX_ROWS", "100000")))
    """Rows or triples a query may return before it is cut (``COOPGRAPH_MAX_ROWS``)."""
    service_allow: tuple[str, ...] = field(default_factory=lambda: _list("COOPGRAPH_SERVICE_ALLOW"))
    """SERVICE / LOAD targets a query may reach (``COOPGRAPH_SERVICE_ALLOW``, comma-separated; empty)."""
    max_upload: int = field(default_factory=lambda: int(os.environ.get("COOPGRAPH_MAX_UPLOAD", str(64 << 20))))
    """Largest accepted upload in bytes (``COOPGRAPH_MAX_UPLOAD``)."""
    cors_origins: tuple[str, ...] = field(default_factory=lambda: _list("COOPGRAPH_CORS_ORIGINS"))
    """Origins allowed to read cross-origin (``COOPGRAPH_CORS_ORIGINS``); writes stay same-origin."""
