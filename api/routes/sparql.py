"""``/sparql``: the SPARQL 1.1 Protocol (queries, updates, service description).

Parsing the request is here; evaluating, limiting and serialising is :mod:`graph.protocol`.
GET and POST reach :func:`sparql_get` and :func:`sparql_post` through :class:`api.direct.DirectRoutes`,
ahead of FastAPI's routing (why: that module); their routes below describe them in the OpenAPI
document and serve an app built without it.
Status codes: 400 for a malformed request or query (with line and column), 401/403 for an
update without the right token, 406 for an ``Accept`` no format satisfies, 415 for a body
type the endpoint does not read, 503 when the query runs past the time limit (the server is
still fine; the query was too expensive), 502 when a remote store fails. A truncated answer
says so in ``X-Coopgraph-Truncated: true`` (and ``X-Coopgraph-Max-Rows``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from api.auth import require_token
from api.direct import Handler
from api.forms import form_pairs
from api.problems import Problem
from api.routes import query_page
from api.settings import Settings
from api.streaming import SLICE, in_slices
from graph import protocol, sparql_errors, sparql_formats
from graph.backend_remote import RemoteError
from graph.sandbox import SandboxError
from graph.store import Store, StoreError

router = APIRouter(tags=["sparql"])
router.include_router(query_page.router)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


class Params:
    """Protocol parameters, each possibly repeated (``default-graph-uri`` …)."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def one(self, name: str) -> str | None:
        values = self.all(name)
        if len(values) > 1:
            raise Problem(
                400,
                "Repeated parameter",
                f"'{name}' may be given once; it was given {len(values)} times",
                parameter=name,
            )
        return values[0] if values else None

    def __contains__(self, name: str) -> bool:
        return any(k == name for k, _ in self.pairs)


@router.get("/sparql", summary="SPARQL query (GET), or the service description without a query")
async def sparql_get(request: Request) -> Response:
    params = Params(form_pairs(request.scope["query_string"]))
    if "update" in params:
        raise Problem(
            405,
            "Update by GET",
            "a SPARQL Update must be POSTed (form 'update=' or application/sparql-update)",
            parameter="update",
            headers={"Allow": "GET, POST"},
        )
    text = params.one("query")
    if text is None:
        return _service_description(request, params)
    return await _query(request, text, params)


@router.post("/sparql", summary="SPARQL query or update (POST form, sparql-query or sparql-update body)")
async def sparql_post(request: Request) -> Response:
    media, charset = _content_type(request)
    url = Params(form_pairs(request.scope["query_string"]))
    body = _decode(await request.body(), charset)
    for name in ("query", "update"):  # §2.1.2, §2.2.1: with a POST, the request goes in the body
        if name in url:
            raise Problem(
                400,
                "Query in the URL of a POST",
                f"with a POST, '{name}' goes in the body, not in the URL",
                parameter=name,
            )
    if media == FORM:
        form = Params(form_pairs(body) + url.pairs)
        query, update = form.one("query"), form.one("update")
        if query is not None and update is not None:
            raise Problem(400, "Both query and update", "send either 'query' or 'update', not both", parameter="update")
        if update is not None:
            return await _update(request, update, form)
        if query is None:
            raise Problem(400, "Missing query", "the form has neither 'query' nor 'update'", parameter="query")
        return await _query(request, query, form)
    if media == QUERY:
        return await _query(request, body, url)
    if media == UPDATE:
        return await _update(request, body, url)
    if not media:
        raise Problem(
            400,
            "Missing Content-Type",
            f"a POST to /sparql needs Content-Type {FORM}, {QUERY} or {UPDATE}",
            parameter="Content-Type",
        )
    raise Problem(
        415,
        "Unsupported Media Type",
        f"cannot read {media}; send {FORM}, {QUERY} or {UPDATE}",
        parameter="Content-Type",
    )


DIRECT: dict[tuple[str, str], Handler] = {("GET", "/sparql"): sparql_get, ("POST", "/sparql"): sparql_post}
"""Served by :class:`api.direct.DirectRoutes` ahead of FastAPI's routing (see there why)."""

# -- helpers ---------------------------------------------------------------------------------


def _store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def limits(request: Request) -> protocol.Limits:
    settings: Settings = request.app.state.settings
    return protocol.Limits(timeout=settings.query_timeout, max_rows=settings.max_rows, allow=settings.service_allow)


def _content_type(request: Request) -> tuple[str, str]:
    header = request.headers.get("content-type", "")
    media, _, rest = header.partition(";")
    charset = "utf-8"
    for param in rest.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _decode(body: bytes, charset: str) -> str:
    try:
        return body.decode(charset)
    except LookupError as err:
        raise Problem(
            415, "Unsupported charset", f"unknown charset {charset!r}; send UTF-8", parameter="Content-Type"
        ) from err
    except UnicodeDecodeError as err:
        raise Problem(
            400, "Body is not valid text", f"byte {err.start} is not valid {charset}: {err.reason}", parameter="body"
        ) from err


def _dataset(params: Params, default: str, named: str) -> protocol.Dataset:
    return protocol.Dataset(default=params.all(default), named=params.all(named))


def _fail(err: Exception, what: str) -> Problem:
    """A :mod:`graph.protocol` (or store) error as the problem it is for the client; ``what`` is
    the parameter that carried the request (``query`` or ``update``)."""
    if isinstance(err, SandboxError):
        return Problem(400, "Query refused", str(err), parameter=what, line=err.line, column=err.column)
    if isinstance(err, sparql_errors.QuerySyntaxError):
        return Problem(400, "Malformed query", str(err), parameter=what, line=err.line, column=err.column)
    if isinstance(err, sparql_errors.NotAcceptable):
        return Problem(406, "Not Acceptable", str(err), parameter="Accept", offered=err.offered)
    if isinstance(err, sparql_errors.QueryTimeout):
        return Problem(503, "Query timeout", f"{err}; narrow the query or add a LIMIT", headers={"Retry-After": "10"})
    if isinstance(err, sparql_errors.Unsupported):
        return Problem(501, "Not implemented on this store", str(err), parameter=what)
    if isinstance(err, sparql_errors.DatasetConflict):
        return Problem(400, "Conflicting dataset", str(err), parameter="using-graph-uri")
    if isinstance(err, sparql_errors.ProtocolError):
        return Problem(400, "Bad request", str(err), parameter=what)
    if isinstance(err, RemoteError):
        return Problem(502, "SPARQL server error", str(err))
    if isinstance(err, StoreError):
        return Problem(503, "Store unavailable", str(err))
    if isinstance(err, OSError):  # Oxigraph's evaluation errors (a failing DROP of a missing graph…)
        return Problem(400, "Update failed" if what == "update" else "Query failed", str(err), parameter=what)
    raise err


@contextmanager
def _problems(what: str) -> Iterator[None]:
    """Errors of the graph layer raised inside as the problems they are (:func:`_fail`)."""
    try:
        yield
    except (sparql_errors.ProtocolError, SandboxError, OSError, StoreError) as err:
        raise _fail(err, what) from err


async def _query(request: Request, text: str, params: Params) -> Response:
    store, limit = _store(request), limits(request)
    accept, format_param = request.headers.get("accept"), params.all("format")

    def choose(form: str) -> str:
        return sparql_formats.choose_format(form, accept, format_param)[0]

    dataset = _dataset(params, "default-graph-uri", "named-graph-uri")
    with _problems("query"):  # one worker job: parse, pick the format, evaluate, serialise
        answer = await protocol.answer(store, text, limits=limit, dataset=dataset, choose=choose)
    headers = {"Vary": "Accept", "X-Coopgraph-Count": str(answer.count)}
    if answer.truncated:
        headers |= {"X-Coopgraph-Truncated": "true", "X-Coopgraph-Max-Rows": str(limit.max_rows)}
    media = answer.media_type + ("; charset=utf-8" if answer.media_type.startswith("text/") else "")
    if len(answer.body) > SLICE:
        headers["Content-Length"] = str(len(answer.body))
        return StreamingResponse(in_slices(answer.body), media_type=media, headers=headers)
    return Response(bytes(answer.body), media_type=media, headers=headers)


async def _update(request: Request, text: str, params: Params) -> Response:
    require_token(request)
    store, limit = _store(request), limits(request)
    using = _dataset(params, "using-graph-uri", "using-named-graph-uri")
    with _problems("update"):
        text = protocol.prepare_update(text, base=store.base, allow=limit.allow, using=using, remote=store.is_remote)
        await protocol.apply_update(store, text, using)
    return Response(status_code=204)


def _service_description(request: Request, params: Params) -> Response:
    store = _store(request)
    accept = request.headers.get("accept")
    fmt = sparql_formats.GRAPH_FORMAT_NAMES.get((params.all("format") or [""])[-1].lower())
    fmt = (
        fmt
        if fmt in sparql_formats.GRAPH_FORMATS
        else sparql_formats.negotiate(accept, sparql_formats.GRAPH_ALIASES, "turtle")
    )
    fmt = fmt or "turtle"  # every client gets a description, in Turtle if it named nothing we write
    endpoint = str(request.url.replace(query=""))
    graph_store = endpoint.rsplit("/", 1)[0] + "/rdf-graph-store"
    with _problems("query"):
        names = store.named_graphs()
    body = sparql_formats.service_description(endpoint, graph_store, names, fmt)
    return Response(body, media_type=sparql_formats.GRAPH_FORMATS[fmt], headers={"Vary": "Accept"})
