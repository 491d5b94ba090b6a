"""Routes: the JSON API over the graph's resources — lists, details, search, export, provenance
and the competency questions.

Thin: parse the request, call :mod:`graph.resources` (which validates every value and runs
named queries with bound parameters), shape the answer. Errors are problem+json naming the
parameter at fault.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.problems import Problem, invalid
from graph import questions as cq
from graph import resources as res
from graph.store import Store

router = APIRouter(tags=["resources"])

EXPORT_MEDIA = {
    "turtle": ("text/turtle; charset=utf-8", "ttl"),
    "jsonld": ("application/ld+json", "jsonld"),
    "nquads": ("application/n-quads", "nq"),
    "csv": ("text/csv; charset=utf-8", "csv"),
}
_LANG = Query("fr", pattern="^(fr|en)$", description="language of labels: fr or en")


def _store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def _links(request: Request, page: res.Page) -> dict[str, str]:
    """``Link`` (first, prev, next, last) and ``X-Total-Count`` headers of a page."""

    def url(n: int) -> str:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        params.append(("page", str(n)))
        return f"{request.url.path}?{urlencode(params)}"

    rels = [("first", 1), ("last", page.last_page)]
    if page.page > 1:
        rels.append(("prev", min(page.page - 1, page.last_page)))
    if page.page < page.last_page:
        rels.append(("next", page.page + 1))
    return {
        "Link": ", ".join(f'<{url(n)}>; rel="{rel}"' for rel, n in rels),
        "X-Total-Count": str(page.total),
    }


def _more(request: Request, detail: dict[str, Any]) -> dict[str, Any]:
    """``detail`` with ``more``: where to page through its incoming links and partnerships when
    it embeds only the first of them."""
    more = {}
    for name, route in (("incoming", "/api/incoming"), ("partnerships", "/api/partnerships-of")):
        if detail.get(f"{name}Total", 0) > len(detail.get(name, ())):
            more[name] = f"{route}?{urlencode({'iri': detail['iri']})}"
    if more:
        detail["more"] = more
    return detail


def _list_handler(kind: res.Kind) -> Callable[..., Any]:
    """A list route for ``kind`` whose signature names exactly the filters it accepts (for OpenAPI)."""

    def handler(request: Request, **params: Any) -> Response:
        store = _store(request)
        iri = params.pop("iri", None)
        page, size, lang = params.pop("page"), params.pop("size"), params.pop("lang")
        try:
            if iri:
                detail = res.get_resource(store, kind.name, res.check_iri("iri", iri), lang)
                return JSONResponse(_more(request, detail))
            result = res.list_resources(store, kind.name, params, page=page, size=size, lang=lang)
        except res.InvalidParameter as err:
            if err.parameter == "id":
                err = res.InvalidParameter("iri", err.message)
            raise invalid(err) from err
        except res.NotFound as err:
            raise Problem(404, "Not found", str(err), parameter="iri") from err
        body = {
            "kind": kind.name,
            "total": result.total,
            "page": result.page,
            "size": result.size,
            "pages": result.last_page,
            "filters": {k: v for k, v in params.items() if v not in (None, "")},
            "items": result.items,
        }
        return JSONResponse(body, headers=_links(request, result))

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for name in kind.filters:
        parameters.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=Query(None, description=res.FILTERS[name]),
                annotation=str | None,
            )
        )
    parameters += [
        inspect.Parameter(
            "iri",
            inspect.Parameter.KEYWORD_ONLY,
            default=Query(None, description="a full IRI: answer that resource's detail instead of a list"),
            annotation=str | None,
        ),
        inspect.Parameter("page", inspect.Parameter.KEYWORD_ONLY, default=Query(1, ge=1), annotation=int),
        inspect.Parameter(
            "size", inspect.Parameter.KEYWORD_ONLY, default=Query(50, ge=1, le=res.MAX_PAGE_SIZE), annotation=int
        ),
        inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=_LANG, annotation=str),
    ]
    handler.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    handler.__name__ = f"list_{kind.name}"
    return handler


def _detail_handler(kind: res.Kind) -> Callable[..., Any]:
    def handler(request: Request, ident: str, lang: str = _LANG) -> dict[str, Any]:
        try:
            return _more(request, res.get_resource(_store(request), kind.name, ident, lang))
        except res.InvalidParameter as err:
            raise invalid(err) from err
        except res.NotFound as err:
            raise Problem(404, "Not found", str(err), parameter="id") from err

    handler.__name__ = f"get_{kind.name}"
    return handler


@router.get("/api/search", summary="Search labels, alternate labels, names and titles (accent- and case-insensitive)")
def search(
    request: Request,
    q: str = Query(..., description="text to find: 'besancon' finds Besançon"),
    limit: int = Query(20, ge=1, le=res.MAX_PAGE_SIZE),
    kind: str | None = Query(None, description="only resources of this kind (authorities, places…)"),
    lang: str = _LANG,
) -> dict[str, Any]:
    try:
        hits = res.search(_store(request), q, limit=limit, lang=lang, kind=kind or None)
    except res.InvalidParameter as err:
        raise invalid(err) from err
    return {"q": q, "count": len(hits), "items": hits}


@router.get("/api/export", summary="Export the whole graph, or the resources of a kind matching filters")
def export(
    request: Request,
    format: str = Query("turtle", description="turtle, jsonld, nquads or csv"),
    kind: str | None = Query(None, description="export only the resources of this kind (then filters apply)"),
) -> Response:
    filters = {k: v for k, v in request.query_params.items() if k not in ("format", "kind")}
    try:
        body = res.export(_store(request), format, kind or None, filters)
    except res.InvalidParameter as err:
        raise invalid(err) from err
    media, ext = EXPORT_MEDIA[format]
    name = f"coopgraph-{kind or 'all'}.{ext}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get(
    "/api/provenance",
    summary="Which graphs, import batches, dates and sources the statements about a resource come from",
)
def provenance(request: Request, iri: str = Query(..., description="the resource's IRI"), lang: str = _LANG) -> Any:
    store = _store(request)
    try:
        if not res.exists(store, iri):
            raise Problem(404, "Not found", f"the graph says nothing about {iri}", parameter="iri")
        return {"iri": iri} | res.provenance(store, iri, lang)
    except res.InvalidParameter as err:
        raise invalid(err) from err


def _sublist_page(
    request: Request, fetch: Callable[..., res.Page], iri: str, page: int, size: int, lang: str
) -> Response:
    store = _store(request)
    try:
        if not res.exists(store, iri):
            raise Problem(404, "Not found", f"the graph says nothing about {iri}", parameter="iri")
        result = fetch(store, iri, page=page, size=size, lang=lang)
    except res.InvalidParameter as err:
        raise invalid(err) from err
    body = {
        "iri": iri,
        "total": result.total,
        "page": result.page,
        "size": result.size,
        "pages": result.last_page,
        "items": result.items,
    }
    return JSONResponse(body, headers=_links(request, result))


_SUBLIST_SIZE = Query(res.SUBLIST_SIZE, ge=1, le=res.MAX_PAGE_SIZE)


@router.get(
    "/api/incoming",
    summary="The statements pointing at a resource (subject, property, graph), a page at a time: "
    "a detail embeds only the first of them (its incomingTotal says how many)",
    response_class=JSONResponse,
)
def incoming(
    request: Request,
    iri: str = Query(..., description="the resource's IRI"),
    page: int = Query(1, ge=1),
    size: int = _SUBLIST_SIZE,
    lang: str = _LANG,
) -> Response:
    return _sublist_page(request, res.incoming, iri, page, size, lang)


@router.get(
    "/api/partnerships-of",
    summary="The partnerships a resource is part of (as member or partner, through a project, the place "
    "it is, or the places of a country), a page at a time: a detail embeds only the first of them "
    "(its partnershipsTotal says how many)",
    response_class=JSONResponse,
)
def partnerships_of(
    request: Request,
    iri: str = Query(..., description="the resource's IRI"),
    page: int = Query(1, ge=1),
    size: int = _SUBLIST_SIZE,
    lang: str = _LANG,
) -> Response:
    return _sublist_page(request, res.partnerships_of, iri, page, size, lang)


@router.get("/api/questions", summary="The competency questions, each a named query with its parameters")
def questions() -> dict[str, Any]:
    return {"items": cq.list_questions()}


@router.get("/api/questions/{name}", summary="Run one competency question with its parameters bound")
def question(request: Request, name: str) -> dict[str, Any]:
    store = _store(request)
    try:
        return cq.run_question(store, name, dict(request.query_params))
    except res.InvalidParameter as err:
        raise invalid(err) from err
    except res.NotFound as err:
        raise Problem(404, "Not found", str(err), parameter="name") from err


for _kind in res.KINDS.values():
    router.add_api_route(
        f"/api/{_kind.name}",
        _list_handler(_kind),
        methods=["GET"],
        summary=f"{_kind.title}: a page of the list, with filters",
        response_class=JSONResponse,
    )
    router.add_api_route(
        f"/api/{_kind.name}/{{ident:path}}",
        _detail_handler(_kind),
        methods=["GET"],
        summary=f"{_kind.title}: one resource by id ({_kind.segment}/…), with every statement about it "
        f"(incoming links and partnerships: the first {res.SUBLIST_SIZE}, their totals, and under "
        "'more' the /api/incoming and /api/partnerships-of pages of the rest)",
    )
