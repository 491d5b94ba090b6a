"""Routes: the partnership map (/map, /api/map/...), the network view (/network) and their assets.

Thin: parse the query string into :class:`graph.render.Filters`, call ``graph.render`` /
``graph.render_network``, shape the answer. JSON answers are gzip-compressed when the client
accepts it (a 13,000-partnership map is a few MB of GeoJSON, ten times less compressed).
"""

from __future__ import annotations

import mimetypes
import os
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.problems import Problem, invalid
from api.security import csp_nonce
from graph import render, render_network
from graph.render_assets import render_template, static_dir

router = APIRouter()

Text = Annotated[str | None, Query()]
Year = Annotated[str | None, Query(description="A year, e.g. 2005")]
LANGS = ("fr", "en")
_ASSETS = {"map.js", "map.css"}


def _filters(
    country: str | None, theme: str | None, status: str | None, year_from: str | None, year_to: str | None,
    kind: str | None, q: str | None,
) -> render.Filters:  # fmt: skip
    try:
        return render.Filters.parse(
            country=country, theme=theme, status=status, year_from=year_from, year_to=year_to, kind=kind, q=q
        )
    except render.FilterError as err:
        raise invalid(err, "Invalid filter") from err


def _lang(lang: str | None) -> str:
    if lang is None or lang == "":
        return "fr"
    if lang not in LANGS:
        raise Problem(
            400, "Invalid parameter", f"lang: expected one of {', '.join(LANGS)}, got {lang!r}", parameter="lang"
        )
    return lang


def _json(request: Request, data: Any, media_type: str = "application/json") -> Response:
    answer = data if isinstance(data, render.JsonAnswer) else render.JsonAnswer.of(data)
    headers = {"Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if answer.size > 1024 and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(answer.gzipped, media_type=media_type, headers=headers)
    return Response(answer.body, media_type=media_type, headers=headers)


@router.get("/api/map/places", tags=["map"], summary="Places of the selected partnerships (GeoJSON points)")
def map_places(
    request: Request, country: Text = None, theme: Text = None, status: Text = None, year_from: Year = None,
    year_to: Year = None, kind: Text = None, q: Text = None, lang: Text = None,
) -> Response:  # fmt: skip
    filters = _filters(country, theme, status, year_from, year_to, kind, q)
    data = render.places_json(request.app.state.store, filters, _lang(lang))
    return _json(request, data, "application/geo+json")


@router.get("/api/map/partnerships", tags=["map"], summary="Partnerships as great-circle lines (GeoJSON)")
def map_partnerships(
    request: Request, country: Text = None, theme: Text = None, status: Text = None, year_from: Year = None,
    year_to: Year = None, kind: Text = None, q: Text = None, lang: Text = None,
    aggregate: Annotated[str, Query(description="auto, none, place or country")] = "auto",
) -> Response:  # fmt: skip
    filters = _filters(country, theme, status, year_from, year_to, kind, q)
    try:
        data = render.partnerships_json(request.app.state.store, filters, _lang(lang), aggregate=aggregate)
    except render.FilterError as err:
        raise invalid(err) from err
    return _json(request, data, "application/geo+json")


@router.get("/api/map/facets", tags=["map"], summary="Values the map's filters offer, with labels and counts")
def map_facets(request: Request, lang: Text = None) -> Response:
    return _json(request, render.facets_json(request.app.state.store, _lang(lang)))


@router.get("/api/map/place", tags=["map"], summary="Side-panel data of one place")
def map_place(
    request: Request, iri: Annotated[str, Query(description="IRI of a coop:Place")], lang: Text = None
) -> Response:
    if not iri.startswith(("http://", "https://", "urn:")):
        raise Problem(400, "Invalid parameter", f"iri: expected an absolute IRI, got {iri!r}", parameter="iri")
    detail = render.place_detail(request.app.state.store, iri, _lang(lang))
    if detail is None:
        raise Problem(404, "Unknown place", f"iri: no place with coordinates has the IRI {iri}", parameter="iri")
    return _json(request, detail)


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(lang: Text = None) -> HTMLResponse:
    """The map page; its script reads the filters from the URL and fetches /api/map/...."""
    html = render_template(
        "map.html",
        lang=_lang(lang),
        embedded=None,
        tiles=os.environ.get("COOPGRAPH_MAP_TILES") or None,
        asset_base="/map/static/",
    )
    return HTMLResponse(html)


@router.get("/network", response_class=HTMLResponse, include_in_schema=False)
def network_page(
    request: Request, country: Text = None, theme: Text = None, status: Text = None, year_from: Year = None,
    year_to: Year = None, kind: Text = None, q: Text = None, lang: Text = None,
    ego: Annotated[str | None, Query(description="IRI of an authority or place: its ego network")] = None,
    radius: Annotated[int, Query(ge=0, le=4)] = 1,
    colour: Annotated[str, Query(description="country or community")] = "country",
    size: Annotated[str, Query(description="degree or betweenness")] = "degree",
) -> HTMLResponse:  # fmt: skip
    filters = _filters(country, theme, status, year_from, year_to, kind, q)
    language = _lang(lang)
    try:
        data = render_network.network_data(
            request.app.state.store, filters, ego=ego or None, radius=radius, colour_by=colour, size_by=size,
            lang=language,
        )  # fmt: skip
    except KeyError:
        raise Problem(
            404, "Unknown node", f"ego: no authority or place with partnerships has the IRI {ego}", parameter="ego"
        ) from None
    except ValueError as err:
        where = str(err).split(":", 1)[0]
        raise Problem(400, "Invalid parameter", str(err), parameter=where) from err
    heading = "coopgraph — " + ("réseau" if language == "fr" else "network")
    return HTMLResponse(render_network.network_page(data, lang=language, heading=heading, nonce=csp_nonce(request)))


@router.get("/map/static/{path:path}", include_in_schema=False)
def map_asset(path: str) -> Response:
    """The map's own script and style, and the vendored libraries it loads (nothing from a CDN)."""
    root = static_dir().resolve()
    target = (root / path).resolve()
    allowed = path in _ASSETS or path.startswith("vendor/")
    if not allowed or root not in target.parents or not target.is_file():
        raise Problem(404, "Not found", f"no map asset {path!r}")
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if target.suffix == ".js":
        media = "text/javascript"
    return Response(target.read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=3600"})
