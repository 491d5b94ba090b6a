"""GeoJSON of the map: the partners' places as points, partnerships as great-circle lines.

Dense views are aggregated here rather than in the browser: identical place pairs become one
line with a count, and past ``max_lines`` lines the view becomes country-pair lines, so a
13,000-partnership graph sends a few hundred lines instead of thirteen thousand.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from graph.render_geo import great_circle, line_geometry
from graph.render_index import MapIndex, Partnership

MAX_LINES = 1500
"""Above this many distinct place pairs the map shows country-pair lines instead."""
AGGREGATIONS = ("auto", "none", "place", "country")


def build_places(index: MapIndex, selected: list[Partnership], lang: str = "fr") -> dict[str, Any]:
    """A point per place of a partner of ``selected``, with how many of them it takes part in."""
    counts: Counter[str] = Counter()
    kinds: dict[str, set[str]] = defaultdict(set)
    for p in selected:
        seen: set[str] = set()
        for auth in p.authorities():
            place = index.place_of(auth)
            if place is None:
                continue
            kind = index.authorities[auth].kind
            if kind:
                kinds[place.iri].add(kind)
            if place.iri not in seen:
                seen.add(place.iri)
                counts[place.iri] += 1
    features = []
    for iri, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        place = index.places[iri]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "iri": iri,
                    "name": index.name(iri, lang),
                    "country": place.iso,
                    "count": count,
                    "kinds": sorted(kinds[iri]),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "meta": {"partnerships": len(selected)}}


def build_lines(
    index: MapIndex,
    selected: list[Partnership],
    lang: str = "fr",
    *,
    aggregate: str = "auto",
    max_lines: int = MAX_LINES,
) -> dict[str, Any]:
    """A line per pair of places ``selected`` links (``aggregate="place"``), or per pair of
    countries (``"country"``; ``"auto"`` picks it past ``max_lines`` place pairs)."""
    pairs: dict[tuple[str, str], list[Partnership]] = defaultdict(list)
    for p in selected:
        done: set[tuple[str, str]] = set()
        for a, b in p.pairs():
            pa, pb = index.place_of(a), index.place_of(b)
            if pa is None or pb is None or pa.iri == pb.iri:
                continue
            key = (pa.iri, pb.iri)
            if key not in done:
                done.add(key)
                pairs[key].append(p)
    mode = aggregate
    if mode == "auto":
        mode = "country" if len(pairs) > max_lines else "place"
    features = _country_lines(index, pairs, lang) if mode == "country" else _place_lines(index, pairs, lang, mode)
    return {
        "type": "FeatureCollection",
        "features": features,
        "meta": {"partnerships": len(selected), "aggregation": mode, "placePairs": len(pairs)},
    }


def _place_lines(
    index: MapIndex, pairs: dict[tuple[str, str], list[Partnership]], lang: str, mode: str
) -> list[dict[str, Any]]:
    features = []
    for (a, b), members in sorted(pairs.items()):
        pa, pb = index.places[a], index.places[b]
        first = members[0]
        features.append(
            {
                "type": "Feature",
                "geometry": line_geometry(great_circle(pa.lon, pa.lat, pb.lon, pb.lat)),
                "properties": {
                    "level": "place",
                    "count": len(members),
                    "from": a,
                    "to": b,
                    "fromName": index.name(a, lang),
                    "toName": index.name(b, lang),
                    "partnership": first.iri,
                    "name": index.name(first.iri, lang),
                    "status": first.status,
                    "start": first.start,
                    "end": first.end,
                    "partnerships": [p.iri for p in members[:20]],
                },
            }
        )
    return features


def _country_lines(index: MapIndex, pairs: dict[tuple[str, str], list[Partnership]], lang: str) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str]] = Counter()
    members_of: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for place in index.places.values():
        if place.iso:
            members_of[place.iso].append((place.lon, place.lat))
    names: dict[str, str] = {}
    for (a, b), members in pairs.items():
        pa, pb = index.places[a], index.places[b]
        ca, cb = pa.iso or "?", pb.iso or "?"
        if ca == cb:
            continue
        names.setdefault(ca, index.name(pa.country, lang) if pa.country else ca)
        names.setdefault(cb, index.name(pb.country, lang) if pb.country else cb)
        counts[(ca, cb) if ca < cb else (cb, ca)] += len(members)
    centre = {iso: _centroid(points) for iso, points in members_of.items()}
    features = []
    for (ca, cb), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if ca not in centre or cb not in centre:
            continue
        (lon1, lat1), (lon2, lat2) = centre[ca], centre[cb]
        features.append(
            {
                "type": "Feature",
                "geometry": line_geometry(great_circle(lon1, lat1, lon2, lat2)),
                "properties": {
                    "level": "country",
                    "count": count,
                    "from": ca,
                    "to": cb,
                    "fromName": names.get(ca, ca),
                    "toName": names.get(cb, cb),
                },
            }
        )
    return features


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    """The median point of a country's places: robust to overseas territories pulling the mean."""
    lons = sorted(p[0] for p in points)
    lats = sorted(p[1] for p in points)
    mid = len(points) // 2
    return round(lons[mid], 3), round(lats[mid], 3)
