"""Errors as ``application/problem+json`` (RFC 9457), naming where the problem is."""

from __future__ import annotations

from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM = "application/problem+json"


class Problem(Exception):
    """An error answer: HTTP status, a title, a detail and where (parameter, line, row…)."""

    def __init__(
        self, status: int, title: str, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.extra = status, title, detail, extra
        self.headers = headers

    def response(self) -> JSONResponse:
        return problem_response(self.status, self.title, self.detail, headers=self.headers, **self.extra)


class NamesParameter(Protocol):
    """A library error that says which parameter is wrong (:class:`graph.errors.ParameterError`
    and the like)."""

    parameter: str


def invalid(err: NamesParameter, title: str = "Invalid parameter") -> Problem:
    """A 400 for a library error naming its parameter: its message already says what is wrong and
    what is accepted, so it is the detail as it stands."""
    return Problem(400, title, str(err), parameter=err.parameter)


def problem_response(
    status: int, title: str, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as problem+json."""

    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "body", "path"))
        return problem_response(
            422 if not where else 400,
            "Invalid parameter",
            f"{where}: {first.get('msg', 'invalid value')}" if where else str(first.get("msg", "invalid request")),
            parameter=where or None,
            errors=[{"parameter": ".".join(str(x) for x in e.get("loc", ())), "message": e.get("msg")} for e in errors],
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))
