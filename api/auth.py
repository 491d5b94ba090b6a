"""The write token: every write needs ``Authorization: Bearer <COOPGRAPH_TOKEN>``."""

from __future__ import annotations

import hmac

from fastapi import Request

from api.problems import Problem
from api.settings import Settings


def require_token(request: Request) -> None:
    """Refuse a write without the token (401) or with a wrong one (403); compared in constant time."""
    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Problem(
            401,
            "Authentication required",
            "writes need 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if settings.token is None or not hmac.compare_digest(given.strip().encode(), settings.token.encode()):
        raise Problem(403, "Forbidden", "the write token is wrong, or no token is configured (COOPGRAPH_TOKEN)")
