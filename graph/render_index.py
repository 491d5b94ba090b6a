"""The map's view of the graph: places, authorities and partnerships as plain records.

The map and the network view filter the same few thousand partnerships many times over (every
change of a filter is a new request), so the graph is read once per store version through a
handful of named queries (``map_*.rq``) and kept as plain records; filtering is then a pass over
a Python list instead of a SPARQL query per combination of optional filters (which bound
parameters cannot express inside FILTERs). Nothing here knows of HTTP or HTML.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from graph.namespaces import AUTHORITY_KIND, COOP_DEF, STATUS, THEME
from graph.store import Store
from graph.text import fold

THEME_NS = str(THEME)
STATUS_NS = str(STATUS)
KIND_NS = str(AUTHORITY_KIND)
_LABEL_RANK = {
    "http://www.w3.org/2004/02/skos/core#prefLabel": 0,
    "http://xmlns.com/foaf/0.1/name": 1,
    "http://www.w3.org/2000/01/rdf-schema#label": 2,
    "http://purl.org/dc/terms/title": 3,
}
_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[0-9.eE+-]+)\s+(-?[0-9.eE+-]+)\s*\)", re.IGNORECASE)


def local_name(iri: str | None, namespace: str) -> str | None:
    """The slug of a concept IRI in ``namespace`` (``…/status/closed`` → ``closed``), else the IRI."""
    if iri is None:
        return None
    return iri[len(namespace) :] if iri.startswith(namespace) else iri


@dataclass(frozen=True)
class Place:
    iri: str
    lat: float
    lon: float
    country: str | None
    iso: str | None


@dataclass(frozen=True)
class Authority:
    iri: str
    kind: str | None
    place: str | None


@dataclass
class Partnership:
    iri: str
    french: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    status: str | None = None
    start: int | None = None
    end: int | None = None
    themes: frozenset[str] = frozenset()
    """Its themes and every broader theme, so a filter on a top theme finds the narrower ones."""
    search: str = ""

    def pairs(self) -> list[tuple[str, str]]:
        """The authority pairs a line joins: French × foreign partners, or every pair of members."""
        if self.french and self.foreign:
            return [(a, b) for a in self.french for b in self.foreign if a != b]
        everyone = list(dict.fromkeys(self.french + self.foreign + self.members))
        return [(a, b) for i, a in enumerate(everyone) for b in everyone[i + 1 :]]

    def authorities(self) -> list[str]:
        return list(dict.fromkeys(self.french + self.foreign + self.members))


@dataclass
class MapIndex:
    """Everything the map and the network view need, read once per store version."""

    version: int
    places: dict[str, Place]
    authorities: dict[str, Authority]
    partnerships: list[Partnership]
    labels: dict[str, dict[str, str]]
    """IRI → {language ('' for none): best label}."""
    theme_parents: dict[str, set[str]]
    by_authority: dict[str, list[int]]
    """Authority IRI → indexes of its partnerships."""

    def name(self, iri: str | None, lang: str = "fr") -> str:
        """The best name of ``iri`` in ``lang`` (then French, untagged, English, any), else its last segment."""
        if iri is None:
            return ""
        labels = self.labels.get(iri)
        if labels:
            for candidate in (lang, "fr", "", "en"):
                if candidate in labels:
                    return labels[candidate]
            return next(iter(labels.values()))
        return iri.rstrip("/").rsplit("/", 1)[-1]

    def place_of(self, authority: str) -> Place | None:
        auth = self.authorities.get(authority)
        return self.places.get(auth.place) if auth and auth.place else None


_cache: dict[int, MapIndex] = {}
_lock = threading.Lock()


def map_index(store: Store) -> MapIndex:
    """The index of ``store`` at its current version (built on first use, then reused)."""
    key = id(store)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached.version == store.version:
            return cached
        index = build_index(store)
        _cache[key] = index
        return index


def build_index(store: Store) -> MapIndex:
    """Read the map's records from ``store`` (nine named queries, no per-row round trips)."""
    version = store.version
    labels = _labels(store)
    places: dict[str, Place] = {}
    for place, lat, lon, wkt, country, iso in store.select_values("map_places")[1]:
        if place is None or place in places:
            continue
        coords = _coords(lat, lon, wkt)
        if coords is None:
            continue
        places[place] = Place(place, coords[0], coords[1], country, iso.upper() if iso else _iso_of(country))
    authorities: dict[str, Authority] = {}
    for auth, kind, place in store.select_values("map_authorities")[1]:
        if auth is None:
            continue
        previous = authorities.get(auth)
        if previous is None or (previous.place is None and place) or (previous.kind is None and kind):
            authorities[auth] = Authority(
                auth,
                local_name(kind, KIND_NS) or (previous.kind if previous else None),
                place or (previous.place if previous else None),
            )
    parts: dict[str, Partnership] = {}
    for iri, member, side in store.select_values("map_partnership_members")[1]:
        if iri is None or member is None:
            continue
        p = parts.setdefault(iri, Partnership(iri))
        target = {"french": p.french, "foreign": p.foreign}.get(side or "", p.members)
        if member not in target:
            target.append(member)
    for iri, status, start, end, end_date, agreed in store.select_values("map_partnership_facts")[1]:
        p = parts.setdefault(iri or "", Partnership(iri or ""))
        p.status = p.status or local_name(status, STATUS_NS)
        p.start = p.start or _year(start) or _year(agreed)
        p.end = p.end or _year(end) or _year(end_date)
    parts.pop("", None)
    theme_parents: dict[str, set[str]] = defaultdict(set)
    for theme, broader in store.select_values("map_theme_broader")[1]:
        if theme and broader:
            theme_parents[theme].add(broader)
    direct: dict[str, set[str]] = defaultdict(set)
    for iri, theme in store.select_values("map_partnership_themes")[1]:
        if iri and theme:
            direct[iri].add(theme)
    partnerships = sorted(parts.values(), key=lambda p: p.iri)
    by_authority: dict[str, list[int]] = defaultdict(list)
    index = MapIndex(version, places, authorities, partnerships, labels, dict(theme_parents), by_authority)
    for i, p in enumerate(partnerships):
        p.themes = frozenset(_with_ancestors(direct.get(p.iri, set()), theme_parents))
        words = [index.name(p.iri, "fr"), index.name(p.iri, "en")]
        for auth in p.authorities():
            by_authority[auth].append(i)
            words.append(index.name(auth))
            where = index.place_of(auth)
            if where is not None:
                words.append(index.name(where.iri))
        p.search = fold(" ".join(words))
    return index


def _labels(store: Store) -> dict[str, dict[str, str]]:
    best: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
    for thing, label, lang, pred in store.select_values("map_labels")[1]:
        if thing is None or label is None:
            continue
        rank = _LABEL_RANK.get(pred or "", 9)
        lang = (lang or "").lower().split("-")[0]
        current = best[thing].get(lang)
        if current is None or (rank, label) < current:
            best[thing][lang] = (rank, label)
    return {thing: {lang: label for lang, (_, label) in langs.items()} for thing, langs in best.items()}


def _coords(lat: str | None, lon: str | None, wkt: str | None) -> tuple[float, float] | None:
    try:
        if lat is not None and lon is not None:
            return float(lat), float(lon)
        if wkt is not None and (match := _WKT_POINT.search(wkt)):
            return float(match.group(2)), float(match.group(1))
    except ValueError:
        return None
    return None


def _iso_of(country: str | None) -> str | None:
    if country and "/country/" in country:
        return country.rsplit("/", 1)[-1].upper()
    return None


def _year(value: str | None) -> int | None:
    if not value:
        return None
    match = re.match(r"-?\d{4}", value.strip())
    return int(match.group(0)) if match else None


def _with_ancestors(themes: set[str], parents: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(themes)
    while todo:
        theme = todo.pop()
        if theme not in seen:
            seen.add(theme)
            todo.extend(parents.get(theme, ()))
    return seen


__all__ = ["COOP_DEF", "Authority", "MapIndex", "Partnership", "Place", "build_index", "fold", "map_index"]
