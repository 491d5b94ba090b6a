"""The self-contained map page: the same template and script as ``/map``, with every library,
the world basemap and the data of one filter inlined, so the file works with no server."""

from __future__ import annotations

from typing import Any

from graph.render_assets import asset, render_template
from graph.render_filters import NO_FILTERS, Filters, select
from graph.render_geojson import build_lines, build_places
from graph.render_index import map_index
from graph.render_panel import place_summary
from graph.store import Store


def standalone_map(store: Store, filters: Filters = NO_FILTERS, *, lang: str = "fr") -> str:
    """One HTML file: Leaflet, the cluster plugin, topojson-client, the basemap and the data inlined."""
    index = map_index(store)
    selected = select(index, filters)
    places = build_places(index, selected, lang)
    lines = build_lines(index, selected, lang)
    details: dict[str, Any] = {
        f["properties"]["iri"]: place_summary(index, f["properties"]["iri"], lang) for f in places["features"]
    }
    inline = {
        "leaflet_css": asset("vendor/leaflet/dist/leaflet.css"),
        "cluster_css": asset("vendor/leaflet.markercluster/dist/MarkerCluster.css"),
        "cluster_default_css": asset("vendor/leaflet.markercluster/dist/MarkerCluster.Default.css"),
        "map_css": asset("map.css"),
        "leaflet_js": asset("vendor/leaflet/dist/leaflet.js"),
        "cluster_js": asset("vendor/leaflet.markercluster/dist/leaflet.markercluster.js"),
        "topojson_js": asset("vendor/topojson-client/dist/topojson-client.min.js"),
        "world": asset("vendor/world-atlas/countries-110m.json"),
        "map_js": asset("map.js"),
    }
    embedded = {"places": places, "lines": lines, "details": details}
    return render_template("map.html", lang=lang, embedded=embedded, inline=inline, tiles=None, asset_base="")
