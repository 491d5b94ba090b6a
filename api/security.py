"""HTTP hardening in one ASGI middleware: security headers, CORS, an upload cap and request ids.

Why one pure-ASGI class rather than several ``BaseHTTPMiddleware``: it sees the raw ``receive``
channel, so an oversize body is refused before the application reads it (``Content-Length``
checked first, then a streaming count for chunked bodies), and it adds no task per request.

- **Headers** on every answer: ``Content-Security-Policy`` (scripts from this origin only, plus
  the inline scripts a page marks with this request's nonce — :func:`csp_nonce`), ``nosniff``,
  ``Referrer-Policy``, ``X-Frame-Options`` / ``frame-ancestors``, ``Cross-Origin-Opener-Policy``.
- **CORS**: origins listed in ``Settings.cors_origins`` may *read* (GET, HEAD, and POST for
  SPARQL queries), never with the ``Authorization`` header, so no cross-origin page can send
  the write token. A write method (POST, PUT, PATCH, DELETE) carrying a foreign ``Origin`` that
  is not allowed is refused outright (403): writes are same-origin by default.
- **Upload cap**: a body larger than ``Settings.max_upload`` gets 413 problem+json.
- **Request id**: ``X-Request-ID`` is echoed when it is a short safe token, else minted; it is
  in ``scope["state"]["request_id"]`` for logs. Nothing here logs headers (the token stays out
  of every log).
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request

from api.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CORS_METHODS = "GET, HEAD, POST, OPTIONS"
CORS_HEADERS = "Accept, Accept-Language, Content-Type, X-Request-ID"
EXPOSED_HEADERS = "Link, X-Total-Count, X-Coopgraph-Count, X-Coopgraph-Truncated, X-Coopgraph-Max-Rows, X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
"""The headers every answer gets that do not depend on the request."""


def csp_nonce(request: Request) -> str:
    """This request's nonce: a page writes it as ``<script nonce="…">`` on each inline script."""
    nonce = getattr(request.state, "csp_nonce", None)
    return nonce if isinstance(nonce, str) else ""


def content_security_policy(nonce: str, tiles: str | None = None) -> str:
    """The policy of one answer: same-origin scripts (and nonce-marked inline ones), no plugins,
    no framing, connections to this origin only. ``tiles`` (an online basemap URL template)
    adds its origin to the images allowed."""
    scripts = f"'self' 'nonce-{nonce}'"
    images = "'self' data: blob:"
    if tiles:
        parts = urlsplit(tiles.replace("{s}", "a"))
        if parts.scheme in ("http", "https") and parts.netloc:
            host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tiles else parts.netloc
            images += f" {parts.scheme}://{host}"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityMiddleware:
    """Wraps the app: see the module docstring for what each answer gets."""

    def __init__(self, app: ASGIApp, settings: Settings, *, tiles: str | None = None) -> None:
        self.app = app
        self.settings = settings
        self.tiles = tiles
        self.origins = frozenset(o.rstrip("/") for o in settings.cors_origins)
        # Made once: the policy around its nonce, and the headers that never change, encoded
        # (built afresh, each request parsed the tiles URL and encoded every name and value).
        marker = "\x00nonce\x00"
        self.csp_around = content_security_policy(marker, tiles).split(marker)
        self.fixed = [(k.lower().encode(), v.encode()) for k, v in STATIC_HEADERS.items()]
        self.fixed_names = frozenset(k for k, _ in self.fixed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        method = scope["method"].upper()
        request_id = headers.get("x-request-id", "")
        if not _REQUEST_ID.fullmatch(request_id):
            request_id = uuid.uuid4().hex
        nonce = secrets.token_urlsafe(18)
        state = scope.setdefault("state", {})
        state["request_id"], state["csp_nonce"] = request_id, nonce
        origin = headers.get("origin")
        cross = origin is not None and origin.rstrip("/") != _own_origin(scope, headers)
        allowed = cross and origin is not None and (origin.rstrip("/") in self.origins or "*" in self.origins)
        policy = nonce.join(self.csp_around)
        cors = _cors_headers(origin) if allowed and origin is not None else {}
        extra = self._headers(policy, request_id, cors)

        async def reply(status: int, title: str, detail: str, more: dict[str, str] | None = None) -> None:
            body = json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail}).encode()
            out = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
            out += [(k.encode(), v.encode()) for k, v in {**extra, **(more or {})}.items()]
            await send({"type": "http.response.start", "status": status, "headers": out})
            await send({"type": "http.response.body", "body": body})

        if cross and method == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(headers, allowed, reply, send, extra)
            return
        if cross and not allowed and method not in SAFE_METHODS:
            await reply(403, "Cross-origin write refused", f"requests from {origin} may not write here")
            return
        limit = self.settings.max_upload
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                await reply(400, "Bad Content-Length", "Content-Length must be a number of bytes")
                return
            if int(declared) > limit:
                await reply(413, "Upload too large", f"the body is {declared} bytes; the limit is {limit} bytes")
                return
        seen = 0
        too_large = False
        started = False

        async def capped_receive() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    too_large = True
                    raise UploadTooLarge(limit)
            return message

        async def secured_send(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # the 413 below replaces whatever the app made of the cut body
            if message["type"] == "http.response.start":
                started = True
                present = list(message.get("headers", []))
                names = {k.lower() for k, _ in present}
                if cors and b"vary" in names:  # keep the app's Vary (Accept) and add Origin
                    present = [(k, v + b", Origin" if k.lower() == b"vary" else v) for k, v in present]
                added = [(k, v) for k, v in self.fixed if k not in names] if names & self.fixed_names else self.fixed
                own = [(b"content-security-policy", policy.encode()), (b"x-request-id", request_id.encode())]
                own += [(k.lower().encode(), v.encode()) for k, v in cors.items()]
                message = {**message, "headers": [*present, *added, *(h for h in own if h[0] not in names)]}
            await send(message)

        try:
            await self.app(scope, capped_receive, secured_send)
        except UploadTooLarge:
            too_large = True
        if too_large and not started:
            await reply(413, "Upload too large", f"the body is over the limit of {limit} bytes")

    def _headers(self, policy: str, request_id: str, cors: dict[str, str]) -> dict[str, str]:
        """Every header this middleware adds, as text (for the answers it writes itself)."""
        return {"Content-Security-Policy": policy, **STATIC_HEADERS, "X-Request-ID": request_id, **cors}

    async def _preflight(
        self,
        headers: dict[str, str],
        allowed: bool,
        reply: Callable[..., Awaitable[None]],
        send: Send,
        extra: dict[str, str],
    ) -> None:
        """A CORS preflight: allowed origins may read, never send credentials or the token."""
        method = headers.get("access-control-request-method", "").upper()
        asked = {h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",") if h.strip()}
        permitted = {h.strip().lower() for h in CORS_HEADERS.split(",")}
        if not allowed or method not in CORS_METHODS.split(", ") or not asked <= permitted:
            await reply(403, "CORS request refused", "this origin, method or header is not allowed cross-origin")
            return
        out = {
            **extra,
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_HEADERS,
            "Access-Control-Max-Age": "600",
        }
        await send(
            {
                "type": "http.response.start",
                "status": 204,
                "headers": [(k.encode(), v.encode()) for k, v in out.items()],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _cors_headers(origin: str) -> dict[str, str]:
    """What an answer to an allowed cross-origin request adds."""
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSED_HEADERS, "Vary": "Origin"}


class UploadTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the cap; the middleware answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is over the limit of {limit} bytes")


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _own_origin(scope: Scope, headers: dict[str, str]) -> str:
    """This server's origin as the client addressed it (scheme and ``Host``)."""
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scheme}://{host}"
