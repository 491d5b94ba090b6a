"""The map's view of the graph: places, authorities and partnerships as plain records.

The map and the network view filter the same partnerships many times over (every change of a
filter is a new request), so the graph is read once per store version and kept as plain records;
filtering is then a pass over a Python list instead of a SPARQL query per combination of optional
filters (which bound parameters cannot express inside FILTERs). Nothing here knows of HTTP or HTML.

How it is read, and why (Atlas 10x: 108,900 partnerships, 147,000 authorities, 82,000 places):
the named queries ``map_*_facts`` and ``map_labels`` are unions of single-predicate scans, one row
per statement, streamed (:meth:`Store.iter_values`) and joined here in dictionaries. Oxigraph 0.5
answers a join either by an index seek per row or, for sub-SELECTs, by hash-joining whole
predicates in memory; both cost more than decoding the scanned rows (at Atlas 10x the former
joins peaked at 1.07 GB, these scans at about half, for less CPU). IRIs are interned, so an
authority named in a thousand rows is one string, and the records use ``__slots__``.

Every value picked among several is picked by a rule that does not depend on the order of rows
(which follows the query plan and the named graphs):

- a place's coordinates: its ``wgs:lat``/``wgs:long`` (the smallest of each if several are stated),
  else the smallest WKT point; its country: the smallest IRI, and that country's smallest ISO code;
- an authority's kind: the smallest IRI; its place: the smallest IRI among the places it governs
  that have coordinates (so it is drawn), else the smallest IRI;
- a partnership's status: the furthest along its life (``pipeline`` < ``implementation`` <
  ``suspended`` < ``finalisation`` < ``cancelled`` < ``closed``; unknown statuses before all, ties
  by IRI). Statements carry no date, and statuses only move forward, so when two sources disagree
  the later state is the better guess: the seed's 2018 article says Besançon–Dakar is under way
  ("implementation"); a later source stating it closed (with an end date) wins;
- its start year: the earliest ``coop:startYear``, else the earliest agreement date's year; its
  end year: the latest ``coop:endYear``, else the latest end date's year;
- its partners and members: sorted by IRI; a name: by kind of label (skos:prefLabel, foaf:name,
  rdfs:label, dcterms:title), then the smallest text, per language.
"""

from __future__ import annotations

import re
import sys
import threading
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from graph.memory import release
from graph.namespaces import AUTHORITY_KIND, COOP_DEF, STATUS, THEME
from graph.picks import authority_facts, iso_of, later_status, place_facts, wkt_point
from graph.store import Store
from graph.text import fold

THEME_NS = str(THEME)
STATUS_NS = str(STATUS)
KIND_NS = str(AUTHORITY_KIND)
_NONE: tuple[str, ...] = ()


def local_name(iri: str | None, namespace: str) -> str | None:
    """The slug of a concept IRI in ``namespace`` (``…/status/closed`` → ``closed``), else the IRI;
    interned: a few slugs name the kind or status of 256,000 records at Atlas 10× (16 MB as copies)."""
    if iri is None:
        return None
    return sys.intern(iri[len(namespace) :]) if iri.startswith(namespace) else iri


@dataclass(frozen=True, slots=True)
class Place:
    iri: str
    lat: float
    lon: float
    country: str | None
    iso: str | None


@dataclass(frozen=True, slots=True)
class Authority:
    iri: str
    kind: str | None
    place: str | None


@dataclass(slots=True)
class Partnership:
    iri: str
    french: tuple[str, ...] = _NONE
    foreign: tuple[str, ...] = _NONE
    members: tuple[str, ...] = _NONE
    """``org:hasMember`` authorities that are neither its French nor its foreign partner."""
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
        everyone = self.authorities()
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
    names: dict[str, str]
    """IRI → its best name in French, else untagged, else English, else the smallest language tag."""
    names_in: dict[str, dict[str, str]]
    """Language → {IRI: its best name in that language}, only where it differs from ``names``."""
    theme_parents: dict[str, set[str]]
    by_authority: dict[str, Sequence[int]]
    """Authority IRI → indexes of its partnerships (arrays of machine integers: at Atlas 10×,
    lists of int objects held 16 MB for 218,000 indexes)."""

    def name(self, iri: str | None, lang: str = "fr") -> str:
        """The best name of ``iri`` in ``lang`` (then French, untagged, English, any), else its last segment."""
        if iri is None:
            return ""
        if lang != "fr":
            named = self.names_in.get(lang)
            if named is not None and iri in named:
                return named[iri]
        name = self.names.get(iri)
        if name is not None:
            return name
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
        _cache.pop(key, None)  # the stale index is garbage before the new one is built, not after
        cached = None
        index = build_index(store)
        release()  # the rows and tables of the build, given back (see graph.memory)
        _cache[key] = index
        return index


def build_index(store: Store) -> MapIndex:
    """Read the map's records from ``store``: seven named queries (an eighth when a place has only a WKT
    point), each streamed, no per-row round trips."""
    version = store.version
    places = _places(store.iter_values("map_place_facts"), lambda: store.iter_values("map_place_wkt"))
    authorities = _authorities(store.iter_values("map_authority_facts"), places)
    partnership_iris = {sys.intern(iri) for (iri,) in store.iter_values("map_partnerships") if iri}
    theme_parents: dict[str, set[str]] = defaultdict(set)
    for theme, broader in store.iter_values("map_theme_broader"):
        if theme and broader:
            theme_parents[sys.intern(theme)].add(sys.intern(broader))
    partnerships = _partnerships(store.iter_values("map_partnership_facts"), partnership_iris, theme_parents)
    wanted: set[str] = set(places) | set(authorities) | partnership_iris
    wanted.update(p.country for p in places.values() if p.country)
    wanted.update(c for (c,) in store.iter_values("map_concepts") if c)
    names, names_in = _names(store.iter_values("map_labels"), wanted)
    del wanted, partnership_iris
    index = MapIndex(version, places, authorities, partnerships, names, names_in, dict(theme_parents), {})
    _search_texts(index)
    return index


def _places(
    facts: Iterable[tuple[str | None, ...]], wkts: Callable[[], Iterable[tuple[str | None, ...]]]
) -> dict[str, Place]:
    """Places with coordinates (see the module's docstring for which value wins). ``wkts`` is
    only asked when some place has no ``wgs:lat``/``wgs:long``: its query costs an index seek per
    geometry (9 s of CPU at Atlas 10x, where every place has both)."""
    found = place_facts(facts)
    typed, lat, lon, country, iso = found.typed, found.lat, found.lon, found.country, found.iso
    points: dict[str, tuple[float, float]] = {}
    for s, wkt in wkts() if any(s not in lat or s not in lon for s in typed) else ():
        if s is None or wkt is None or (s in lat and s in lon):
            continue
        coords = wkt_point(wkt)
        if coords is not None and (s not in points or coords < points[s]):
            points[s] = coords
    places: dict[str, Place] = {}
    for s in sorted(typed):
        if s in lat and s in lon:
            coords = (lat[s], lon[s])
        elif s in points:
            coords = points[s]
        else:
            continue
        c = country.get(s)
        code = iso.get(c) if c else None
        places[s] = Place(s, coords[0], coords[1], c, code.upper() if code else iso_of(c))
    return places


def _authorities(facts: Iterable[tuple[str | None, ...]], places: dict[str, Place]) -> dict[str, Authority]:
    """Local authorities (see the module's docstring for which kind and place win)."""
    found = authority_facts(facts)
    typed, kind = found.typed, found.kind
    governs = {a: min(places_of, key=lambda p: (p not in places, p)) for a, places_of in found.governs.items()}
    return {s: Authority(s, local_name(kind.get(s), KIND_NS), governs.get(s)) for s in sorted(typed)}


def _partnerships(
    facts: Iterable[tuple[str | None, ...]], iris: set[str], theme_parents: dict[str, set[str]]
) -> list[Partnership]:
    """Partnerships with their partners, status, years and themes (including their projects' themes)."""
    sides: dict[str, dict[str, tuple[str, ...]]] = {"french": {}, "foreign": {}, "member": {}}
    status: dict[str, str] = {}
    years: dict[str, dict[str, int]] = {"startYear": {}, "agreementDate": {}, "endYear": {}, "endDate": {}}
    themes: dict[str, tuple[str, ...]] = {}
    project_themes: dict[str, tuple[str, ...]] = {}
    part_of: dict[str, tuple[str, ...]] = {}
    for s, key, value in facts:
        if s is None or value is None or key is None:
            continue
        if key == "theme":
            _gather(themes if s in iris else project_themes, s, value)
        elif key == "partOf":
            if value in iris:
                _gather(part_of, s, value)
        elif s not in iris:
            continue
        elif key in sides:
            _gather(sides[key], s, value)
        elif key == "status":
            if s not in status or later_status(value, status[s]):
                status[sys.intern(s)] = value
        elif key in years:
            year = _year(value)
            if year is not None:
                table = years[key]
                current = table.get(s)
                later = key in ("endYear", "endDate")
                if current is None or (year > current if later else year < current):
                    table[sys.intern(s)] = year
    for project, owners in part_of.items():
        for theme in project_themes.get(project, ()):
            for owner in owners:
                _gather(themes, owner, theme)
    del project_themes, part_of
    closures: dict[frozenset[str], frozenset[str]] = {}
    out: list[Partnership] = []
    for iri in sorted(iris):
        french = _sorted(sides["french"].get(iri))
        foreign = _sorted(sides["foreign"].get(iri))
        members = _sorted([m for m in sides["member"].get(iri, ()) if m not in french and m not in foreign])
        direct = frozenset(themes.get(iri, ()))
        closure = closures.get(direct)
        if closure is None:
            closure = closures[direct] = frozenset(_with_ancestors(set(direct), theme_parents))
        st = status.get(iri)
        start = years["startYear"].get(iri) or years["agreementDate"].get(iri)
        end = years["endYear"].get(iri) or years["endDate"].get(iri)
        out.append(Partnership(iri, french, foreign, members, local_name(st, STATUS_NS), start, end, closure))
    return out


def _names(
    rows: Iterable[tuple[str | None, ...]], wanted: set[str]
) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The best name of each wanted IRI per language (by kind of label, then text), folded into
    one table for the default order (fr, untagged, en, any) and one per other language."""
    best: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for s, rank, label, lang in rows:
        if s is None or label is None or s not in wanted:
            continue
        tag = (lang or "").lower().split("-")[0]
        table = best[tag]
        candidate = (rank or "9", label)
        current = table.get(s)
        if current is None or candidate < current:
            table[sys.intern(s)] = candidate
    names: dict[str, str] = {}
    order = ["fr", "", "en", *sorted(t for t in best if t not in ("fr", "", "en"))]
    for tag in order:
        for s, (_, label) in best.get(tag, {}).items():
            names.setdefault(s, label)
    names_in: dict[str, dict[str, str]] = {}
    for tag, table in best.items():
        if tag == "fr":
            continue
        differing = {s: label for s, (_, label) in table.items() if names.get(s) != label}
        if differing:
            names_in[tag] = differing
    return names, names_in


def _search_texts(index: MapIndex) -> None:
    """Fill each partnership's folded search text (its names, its partners' and their places' names)
    and ``by_authority``; each authority's words are folded once, not once per partnership."""
    words_of: dict[str, str] = {}
    by_authority: dict[str, array[int]] = defaultdict(lambda: array("l"))
    for i, p in enumerate(index.partnerships):
        words = [fold(index.name(p.iri, "fr")), fold(index.name(p.iri, "en"))]
        for auth in p.authorities():
            by_authority[auth].append(i)
            text = words_of.get(auth)
            if text is None:
                where = index.place_of(auth)
                parts = [fold(index.name(auth))] + ([fold(index.name(where.iri))] if where is not None else [])
                text = words_of[auth] = " ".join(w for w in parts if w)
            words.append(text)
        p.search = " ".join(w for w in words if w)
    index.by_authority = dict(by_authority)


def _gather(table: dict[str, tuple[str, ...]], key: str, value: str) -> None:
    """``value`` added to ``key``'s values, kept in a tuple: most partnerships have one French
    and one foreign partner and a few themes, and at Atlas 10× a set for each (216 bytes however
    few its members) held 91 MB more at the peak of the build than these tuples (514 against 423 MB)."""
    current = table.get(key)
    if current is None:
        table[sys.intern(key)] = (sys.intern(value),)
    elif value not in current:
        table[key] = (*current, sys.intern(value))


def _sorted(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(sorted(values)) if values else _NONE


_YEARS: dict[int, int] = {}
"""One int object per year: at Atlas 10× the partnerships' start and end years were 162,000
objects of 28 bytes for a few hundred values."""


def _year(value: str | None) -> int | None:
    if not value:
        return None
    match = re.match(r"-?\d{4}", value.strip())
    if match is None:
        return None
    year = int(match.group(0))
    return _YEARS.setdefault(year, year)


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
