"""``/rdf-graph-store`` and ``/service``: the SPARQL 1.1 Graph Store HTTP Protocol.

Indirect graph identification only (``?graph=IRI`` or ``?default``). The choices the
recommendation leaves open are in :mod:`graph.graph_store`: ``?default`` reads the union and
cannot be written (405); managed graphs are read-only here (403); each PUT/POST is a recorded,
undoable batch, validated against the shapes (422 with the report when it violates them,
unless ``force=true``). PUT and POST answer 201 (with ``Location``) when they create the
graph, 204 otherwise; DELETE 204; an unknown graph 404; a body that does not parse 400; an
unreadable media type 415; an ``Accept`` no RDF format satisfies 406. A POST to the service
itself (neither parameter) creates a new graph named by the server (201, ``Location``).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response

from api.auth import require_token
from api.problems import Problem
from api.settings import Settings
from graph import batches, graph_store, sparql_errors, sparql_formats
from graph.backend_remote import RemoteError
from graph.store import Store, StoreError
from graph.terms import is_absolute_iri

router = APIRouter(tags=["graph store"])
PATHS = ("/rdf-graph-store", "/service")


def _target(request: Request, *, create: bool = False) -> str | None:
    """The graph IRI of the request (``None`` for the default graph)."""
    params = request.query_params
    graphs = params.getlist("graph")
    has_default = "default" in params
    if len(graphs) > 1:
        raise Problem(400, "Repeated parameter", "'graph' may be given once", parameter="graph")
    if graphs and has_default:
        raise Problem(400, "Ambiguous graph", "give either ?graph=IRI or ?default, not both", parameter="graph")
    if graphs:
        iri = graphs[0]
        if not iri or any(c in iri for c in '<>"{}|^`\\ \n') or ":" not in iri or not is_absolute_iri(iri):
            raise Problem(400, "Invalid graph IRI", f"?graph= needs an absolute IRI, got {iri!r}", parameter="graph")
        return iri
    if has_default:
        return None
    if create:
        return ""
    raise Problem(400, "No graph named", "give ?graph=IRI or ?default", parameter="graph")


def _store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def _backend_error(err: Exception) -> Problem:
    if isinstance(err, RemoteError):
        return Problem(502, "SPARQL server error", str(err))
    return Problem(503, "Store unavailable", str(err))


async def _read(request: Request, head: bool) -> Response:
    store, graph = _store(request), _target(request)
    try:
        fmt, media = sparql_formats.choose_format(
            "GRAPH", request.headers.get("accept"), request.query_params.get("format")
        )
    except sparql_errors.NotAcceptable as err:
        raise Problem(406, "Not Acceptable", str(err), parameter="Accept", offered=err.offered) from err
    try:
        if graph is not None and not graph_store.exists(store, graph):
            raise Problem(404, "No such graph", f"the store holds no graph <{graph}>", parameter="graph")
        body = sparql_formats.serialise_triples(graph_store.triples_of(store, graph), fmt, base=store.base)
    except (RemoteError, StoreError) as err:
        raise _backend_error(err) from err
    headers = {"Vary": "Accept", "Content-Length": str(len(body))}
    return Response(b"" if head else body, media_type=media, headers=headers)


@router.get(PATHS[0], summary="Fetch a graph (?graph=IRI) or the union (?default)")
@router.get(PATHS[1], include_in_schema=False)
async def get_graph(request: Request) -> Response:
    return await _read(request, head=False)


@router.head(PATHS[0], include_in_schema=False)
@router.head(PATHS[1], include_in_schema=False)
async def head_graph(request: Request) -> Response:
    return await _read(request, head=True)


async def _write(request: Request, replace: bool) -> Response:
    require_token(request)
    store, settings = _store(request), request.app.state.settings
    assert isinstance(settings, Settings)
    graph = _target(request, create=not replace)
    body = await request.body()
    if len(body) > settings.max_upload:
        raise Problem(413, "Body too large", f"{len(body)} bytes; the limit is {settings.max_upload}")
    if graph == "":
        graph = store.graph(f"gsp/{batches.new_batch_id(body)}")
    try:
        graph_store.check_writable(store, graph)
        triples = graph_store.parse_body(body, request.headers.get("content-type", ""), base=store.base)
        force = request.query_params.get("force", "").lower() in ("1", "true", "yes")
        result = graph_store.write(store, graph, triples, replace=replace, content=body, force=force)  # type: ignore[arg-type]
    except graph_store.GraphNotWritable as err:
        if err.default:
            raise Problem(
                405, "Default graph is read-only", str(err), parameter="default", headers={"Allow": "GET, HEAD"}
            ) from err
        raise Problem(403, "Managed graph", str(err), parameter="graph") from err
    except graph_store.UnsupportedMediaType as err:
        raise Problem(415, "Unsupported Media Type", str(err), parameter="Content-Type") from err
    except graph_store.BodyParseError as err:
        raise Problem(400, "Body does not parse", str(err), parameter="body", line=err.line, column=err.column) from err
    except graph_store.InvalidGraph as err:
        raise Problem(
            422, "Graph violates the shapes", str(err), parameter="body", report=err.report.as_dict()
        ) from err
    except (RemoteError, StoreError) as err:
        raise _backend_error(err) from err
    headers = {"X-Coopgraph-Batch": result.batch_id}
    if result.created:
        location = f"{request.url.path}?graph={quote(str(graph), safe='')}"
        return Response(status_code=201, headers=headers | {"Location": location})
    return Response(status_code=204, headers=headers)


@router.put(PATHS[0], summary="Replace a graph (recorded as a batch)")
@router.put(PATHS[1], include_in_schema=False)
async def put_graph(request: Request) -> Response:
    return await _write(request, replace=True)


@router.post(PATHS[0], summary="Merge into a graph, or create one (recorded as a batch)")
@router.post(PATHS[1], include_in_schema=False)
async def post_graph(request: Request) -> Response:
    return await _write(request, replace=False)


@router.delete(PATHS[0], summary="Delete a graph")
@router.delete(PATHS[1], include_in_schema=False)
async def delete_graph(request: Request) -> Response:
    require_token(request)
    store, graph = _store(request), _target(request)
    try:
        if graph is None:
            graph_store.check_writable(store, graph)
        if not graph_store.exists(store, graph):  # type: ignore[arg-type]
            raise Problem(404, "No such graph", f"the store holds no graph <{graph}>", parameter="graph")
        graph_store.delete(store, graph)  # type: ignore[arg-type]
    except graph_store.GraphNotWritable as err:
        status = 405 if err.default else 403
        raise Problem(
            status,
            "Graph is read-only",
            str(err),
            parameter="graph",
            headers={"Allow": "GET, HEAD"} if err.default else None,
        ) from err
    except (RemoteError, StoreError) as err:
        raise _backend_error(err) from err
    return Response(status_code=204)
