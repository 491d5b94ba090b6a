"""GeoJSON for the partnership map: places, great-circle partnership lines, side-panel data.

Input is the per-version :class:`~graph.render_index.MapIndex`; output is plain data (GeoJSON
dicts, lists of records) that the offline page embeds, or the same as JSON text for the API
(:class:`JsonAnswer`, cached per store version and arguments). The work is done in
:mod:`graph.render_filters` (what is shown), :mod:`graph.render_geojson` (points and lines),
:mod:`graph.render_panel` (one place) and :mod:`graph.render_facets` (the filter menus).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cached_property
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
    "JsonAnswer",
    "build_facets",
    "build_lines",
    "build_places",
    "facets",
    "facets_json",
    "map_index",
    "partnerships_geojson",
    "partnerships_json",
    "place_detail",
    "place_summary",
    "places_geojson",
    "places_json",
    "select",
]

_CACHE = ResultCache(maxsize=64)
"""Answers as JSON text per (store, version, arguments): any write invalidates them."""


KEEP_PLAIN = 256 * 1024
"""Answers up to this size are kept as text; bigger ones only compressed."""


@dataclass(frozen=True)
class JsonAnswer:
    """An answer as compact UTF-8 JSON (``size`` bytes), kept as text when small and only
    gzipped when big.

    Why text and not the dicts: at Atlas 10× the places answer is 18.7 MB of JSON but about
    80 MB as Python dicts, and encoding and compressing it again on every call took 0.7 s. Why
    only gzipped when big: browsers and HTTP libraries take gzip, and the 18.7 MB of text stayed
    in memory beside its 3 MB of gzip for the rare client that does not (it now gets the text
    decompressed on its call, about 60 ms at 10×).
    """

    packed: bytes
    size: int
    compressed: bool

    @classmethod
    def of(cls, data: Any) -> JsonAnswer:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if len(body) > KEEP_PLAIN:
            return cls(gzip.compress(body, compresslevel=5), len(body), True)
        return cls(body, len(body), False)

    @property
    def body(self) -> bytes:
        """The JSON text."""
        return gzip.decompress(self.packed) if self.compressed else self.packed

    @cached_property
    def gzipped(self) -> bytes:
        """The text compressed (level 5: most of level 9's ratio at a third of its time)."""
        return self.packed if self.compressed else gzip.compress(self.packed, compresslevel=5)


def places_geojson(store: Store, filters: Filters = NO_FILTERS, lang: str = "fr") -> dict[str, Any]:
    """Places of the partners of the selected partnerships, with their number of partnerships."""
    index = map_index(store)
    return build_places(index, select(index, filters), lang)


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
    index = map_index(store)
    return build_lines(index, select(index, filters), lang, aggregate=aggregate, max_lines=max_lines)


def facets(store: Store, lang: str = "fr") -> dict[str, Any]:
    """The values each filter offers, with labels in ``lang`` and how many partnerships have them."""
    return build_facets(map_index(store), lang)


def places_json(store: Store, filters: Filters = NO_FILTERS, lang: str = "fr") -> JsonAnswer:
    """:func:`places_geojson` as JSON text, cached."""
    return _CACHE.get(store, ("places", filters, lang), lambda: JsonAnswer.of(places_geojson(store, filters, lang)))


def partnerships_json(
    store: Store, filters: Filters = NO_FILTERS, lang: str = "fr", *, aggregate: str = "auto"
) -> JsonAnswer:
    """:func:`partnerships_geojson` as JSON text, cached."""
    return _CACHE.get(
        store,
        ("lines", filters, lang, aggregate),
        lambda: JsonAnswer.of(partnerships_geojson(store, filters, lang, aggregate=aggregate)),
    )


def facets_json(store: Store, lang: str = "fr") -> JsonAnswer:
    """:func:`facets` as JSON text, cached."""
    return _CACHE.get(store, ("facets", lang), lambda: JsonAnswer.of(facets(store, lang)))
