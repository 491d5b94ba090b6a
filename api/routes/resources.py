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
from fastapi.responses import JSONResponse, StreamingResponse

from api.problems import Problem, invalid
from api.streaming import in_one_thread
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


SUBLIST_ROUTES = {
    "funds": "/api/funded-projects",
    "heldBy": "/api/label-holders",
    "aimsFor": "/api/label-aspirants",
    "participants": "/api/event-participants",
}
"""The paginated route of each facet that grows with the data (graph.resources.SUBLISTS)."""
_MORE_ROUTES = {"incoming": "/api/incoming", "partnerships": "/api/partnerships-of", **SUBLIST_ROUTES}


def _more(detail: dict[str, Any]) -> dict[str, Any]:
    """``detail`` (or a list item) with ``more``: where to page through each sub-collection of
    which it embeds only the first members (its ``{name}Total`` says how many there are)."""
    more = {}
    for name, route in _MORE_ROUTES.items():
        if detail.get(f"{name}Total", 0) > len(detail.get(name) or ()):
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
                return JSONResponse(_more(detail))
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
            "items": [_more(item) for item in result.items],
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
            return _more(res.get_resource(_store(request), kind.name, ident, lang))
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
    try:  # the parameters are checked here, before the first byte
        chunks = res.export(_store(request), format, kind or None, filters)
    except res.InvalidParameter as err:
        raise invalid(err) from err
    media, ext = EXPORT_MEDIA[format]
    name = f"coopgraph-{kind or 'all'}.{ext}"
    return StreamingResponse(
        in_one_thread(chunks, name="export"),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


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
    request: Request,
    fetch: Callable[..., res.Page],
    iri: str,
    page: int,
    size: int,
    lang: str,
    check: Callable[[Store, str], None] | None = None,
) -> Response:
    """One page of a sub-collection of ``iri``: 404 when the graph says nothing about it (or,
    with ``check``, when it is not of the kind that has this sub-collection)."""
    store = _store(request)
    try:
        if not res.exists(store, iri):
            raise Problem(404, "Not found", f"the graph says nothing about {iri}", parameter="iri")
        if check is not None:
            check(store, iri)
        result = fetch(store, iri, page=page, size=size, lang=lang)
    except res.InvalidParameter as err:
        raise invalid(err) from err
    except res.NotFound as err:
        raise Problem(404, "Not found", str(err), parameter="iri") from err
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


def _paged_handler(
    fetch: Callable[..., res.Page],
    name: str,
    iri_description: str = "the resource's IRI",
    check: Callable[[Store, str], None] | None = None,
) -> Callable[..., Any]:
    """A route paging through one resource's sub-collection ``fetch`` (Link, X-Total-Count)."""

    def handler(
        request: Request,
        iri: str = Query(..., description=iri_description),
        page: int = Query(1, ge=1),
        size: int = _SUBLIST_SIZE,
        lang: str = _LANG,
    ) -> Response:
        return _sublist_page(request, fetch, iri, page, size, lang, check)

    handler.__name__ = name
    return handler


router.add_api_route(
    "/api/incoming",
    _paged_handler(res.incoming, "incoming"),
    methods=["GET"],
    summary="The statements pointing at a resource (subject, property, graph), a page at a time: "
    "a detail embeds only the first of them (its incomingTotal says how many)",
    response_class=JSONResponse,
)
router.add_api_route(
    "/api/partnerships-of",
    _paged_handler(res.partnerships_of, "partnerships_of"),
    methods=["GET"],
    summary="The partnerships a resource is part of (as member or partner, through a project, the place "
    "it is, or the places of a country), a page at a time: a detail embeds only the first of them "
    "(its partnershipsTotal says how many)",
    response_class=JSONResponse,
)


def _members_handler(sub: res.Sublist) -> Callable[..., Any]:
    """The paginated route of growing facet ``sub``."""

    def fetch(store: Store, iri: str, **kwargs: Any) -> res.Page:
        return res.members(store, sub.name, iri, **kwargs)

    def check(store: Store, iri: str) -> None:
        res.owner_kind_check(store, sub.name, iri)

    description = f"the IRI of one of the {res.KINDS[sub.kind].title.lower()}"
    return _paged_handler(fetch, f"{sub.kind}_{sub.name}", description, check)


for _sub in res.SUBLISTS.values():
    router.add_api_route(
        SUBLIST_ROUTES[_sub.name],
        _members_handler(_sub),
        methods=["GET"],
        summary=f"{_sub.title[0].upper()}{_sub.title[1:]}, a page at a time (by IRI), with Link and "
        f"X-Total-Count headers: a detail embeds only the first {res.SUBLIST_SIZE} and a list item the first "
        f"{res.LIST_SUBLIST_SIZE} (its {_sub.name}Total says how many; 'more' links here). 404 for an IRI "
        f"the graph does not know or that is not one of the {res.KINDS[_sub.kind].title.lower()}",
        response_class=JSONResponse,
    )


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


def _growing(kind: res.Kind) -> str:
    """The growing facets of ``kind`` and their routes, in words (for the summaries)."""
    return ", ".join(f"{s.name} ({SUBLIST_ROUTES[s.name]})" for s in res.sublists_of(kind.name))


for _kind in res.KINDS.values():
    _list_summary = f"{_kind.title}: a page of the list, with filters"
    if res.sublists_of(_kind.name):
        _list_summary += (
            f"; each item embeds only the first {res.LIST_SUBLIST_SIZE} of the facets that grow with the data "
            f"— {_growing(_kind)} — with their totals ({{name}}Total) and under 'more' the paginated route of the rest"
        )
    router.add_api_route(
        f"/api/{_kind.name}",
        _list_handler(_kind),
        methods=["GET"],
        summary=_list_summary,
        response_class=JSONResponse,
    )
    _routes = ", ".join(
        filter(None, ["incoming (/api/incoming)", "partnerships (/api/partnerships-of)", _growing(_kind)])
    )
    router.add_api_route(
        f"/api/{_kind.name}/{{ident:path}}",
        _detail_handler(_kind),
        methods=["GET"],
        summary=f"{_kind.title}: one resource by id ({_kind.segment}/…), with every statement about it; "
        f"of the sub-collections that grow with the data — {_routes} — the first {res.SUBLIST_SIZE}, "
        "their totals ({name}Total) and under 'more' the paginated route of the rest",
    )
