"""GeoJSON for the partnership map: places, great-circle partnership lines, side-panel data.

Input is the per-version :class:`~graph.render_index.MapIndex`; output is plain data (GeoJSON
dicts, lists of records) that the API serialises and the offline page embeds. This module holds
the entry points, each answer cached per store version; the work is done in
:mod:`graph.render_filters` (what is shown), :mod:`graph.render_geojson` (points and lines),
:mod:`graph.render_panel` (one place) and :mod:`graph.render_facets` (the filter menus).
"""

from __future__ import annotations

from typing import Any

from graph.cache import ResultCache
from graph.render_facets import build_facets
from graph.render_filters import NO_FILTERS, FilterError, Filters, select
from graph.render_geojson import AGGREGATIONS, MAX_LINES, build_lines, build_places
from graph.render_index import map_index
from graph.render_panel import place_detail, place_summary
from graph.store import Store

__all__ = [
    "AGGREGATIONS",
    "MAX_LINES",
    "NO_FILTERS",
    "FilterError",
    "Filters",
    "build_facets",
    "build_lines",
    "build_places",
    "facets",
    "map_index",
    "partnerships_geojson",
    "place_detail",
    "place_summary",
    "places_geojson",
    "select",
]

_CACHE = ResultCache(maxsize=64)
"""Rendered answers per (store, version, arguments): any write invalidates them."""


def places_geojson(store: Store, filters: Filters = NO_FILTERS, lang: str = "fr") -> dict[str, Any]:
    """Places of the partners of the selected partnerships, with their number of partnerships."""

    def compute() -> dict[str, Any]:
        index = map_index(store)
        return build_places(index, select(index, filters), lang)

    return _CACHE.get(store, ("places", filters, lang), compute)


def partnerships_geojson(
    store: Store,
    filters: Filters = NO_FILTERS,
    lang: str = "fr",
    *,
    aggregate: str = "auto",
    max_lines: int = MAX_LINES,
) -> dict[str, Any]:
    """Great-circle lines between the places of the partners of the selected partnerships."""
    if aggregate not in AGGREGATIONS:
        raise FilterError("aggregate", f"expected one of {', '.join(AGGREGATIONS)}, got {aggregate!r}")

    def compute() -> dict[str, Any]:
        index = map_index(store)
        return build_lines(index, select(index, filters), lang, aggregate=aggregate, max_lines=max_lines)

    return _CACHE.get(store, ("lines", filters, lang, aggregate, max_lines), compute)


def facets(store: Store, lang: str = "fr") -> dict[str, Any]:
    """The values each filter offers, with labels in ``lang`` and how many partnerships have them."""
    return _CACHE.get(store, ("facets", lang), lambda: build_facets(map_index(store), lang))
