"""Routes answered ahead of FastAPI's routing: the SPARQL protocol's hot path.

A SPARQL client sends many small queries, and on a query that Oxigraph answers in 1–5 ms the
way through FastAPI was a cost of its own: routing over every route of the API, dependency
solving, the exception and exit-stack middleware, about 0.2 ms a request in process (0.8 ms
over HTTP with the rest of the stack, against 0.4 ms for the same handler called straight from
ASGI). The protocol's handlers (:mod:`api.routes.sparql`) take a Starlette ``Request`` and return
a ``Response`` or raise :class:`~api.problems.Problem`, so they need none of that: this
middleware, inside :class:`~api.security.SecurityMiddleware` (every answer still gets its
headers, CORS and upload cap) and FastAPI's server-error middleware, hands them their requests
directly. Their FastAPI routes stay declared, so ``/openapi.json`` describes them and an app
built without this middleware answers the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from api.problems import Problem
from api.security import ASGIApp, Receive, Scope, Send

Handler = Callable[[Request], Awaitable[Response]]


class DirectRoutes:
    """Sends ``(method, path)`` requests listed in ``routes`` to their handler; everything else
    (other methods on the same path too: FastAPI answers those with 405) goes on to ``app``."""

    def __init__(self, app: ASGIApp, routes: dict[tuple[str, str], Handler]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = self.routes.get((scope.get("method", ""), _route_path(scope))) if scope["type"] == "http" else None
        if handler is None:
            await self.app(scope, receive, send)
            return
        try:
            response = await handler(Request(scope, receive))
        except Problem as problem:
            response = problem.response()
        await response(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the app's routes match (behind a proxy's prefix, ``root_path`` taken off the
    path as Starlette's router does)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] == "/":
        return path[len(root) :]
    return path
