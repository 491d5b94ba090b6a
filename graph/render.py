"""GeoJSON for the partnership map: places, great-circle partnership lines, side-panel data.

Input is the per-version :class:`~graph.render_index.MapIndex`; output is plain data (GeoJSON
dicts, lists of records) that the API serialises and the offline page embeds. Dense views are
aggregated here rather than in the browser: identical place pairs become one line with a
count, and past ``max_lines`` lines the view becomes country-pair lines, so a 13,000-partnership
graph sends a few hundred lines instead of thirteen thousand.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from graph.render_geo import great_circle, line_geometry
from graph.render_index import KIND_NS, STATUS_NS, THEME_NS, MapIndex, Partnership, fold, local_name, map_index
from graph.store import Store

MAX_LINES = 1500
"""Above this many distinct place pairs the map shows country-pair lines instead."""
AGGREGATIONS = ("auto", "none", "place", "country")


class FilterError(ValueError):
    """A filter value that cannot be understood; ``parameter`` names which."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Filters:
    """What the map shows: every field left ``None`` matches everything."""

    country: str | None = None
    """ISO 3166-1 alpha-2 code of a country one of the partners is in."""
    theme: str | None = None
    """A theme slug or IRI; narrower themes match too."""
    status: str | None = None
    """A status slug (``implementation``, ``closed``…) or IRI."""
    year_from: int | None = None
    year_to: int | None = None
    """Partnerships active at some point in [year_from, year_to] (start ≤ to, end ≥ from)."""
    kind: str | None = None
    """An authority-kind slug (``commune``, ``region``…): one of the partners is of that kind."""
    q: str | None = None
    """Text found (accents and case ignored) in the partnership's name or a partner's or place's name."""

    @classmethod
    def parse(cls, **raw: str | int | None) -> Filters:
        """Filters from query-string values, checked; a bad value raises :class:`FilterError`."""
        values: dict[str, Any] = {}
        for key in ("country", "theme", "status", "kind", "q"):
            value = raw.get(key)
            text = str(value).strip() if value is not None else ""
            values[key] = text or None
        if values["country"] is not None:
            if len(values["country"]) != 2 or not values["country"].isalpha():
                raise FilterError("country", f"expected a two-letter ISO code, got {values['country']!r}")
            values["country"] = values["country"].upper()
        if values["theme"] is not None and not values["theme"].startswith("http"):
            values["theme"] = THEME_NS + values["theme"]
        if values["status"] is not None:
            values["status"] = local_name(values["status"], STATUS_NS)
        if values["kind"] is not None:
            values["kind"] = local_name(values["kind"], KIND_NS)
        for key in ("year_from", "year_to"):
            value = raw.get(key)
            if value is None or str(value).strip() == "":
                values[key] = None
                continue
            try:
                values[key] = int(str(value).strip())
            except ValueError:
                raise FilterError(key, f"expected a year, got {value!r}") from None
        if values["year_from"] and values["year_to"] and values["year_from"] > values["year_to"]:
            raise FilterError("year_from", f"{values['year_from']} is after year_to {values['year_to']}")
        return cls(**values)

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())

    def matches(self, p: Partnership, index: MapIndex) -> bool:
        if self.status is not None and p.status != self.status:
            return False
        if self.theme is not None and self.theme not in p.themes:
            return False
        if self.year_from is not None and ((p.start is None and p.end is None) or (p.end or 9999) < self.year_from):
            return False
        if self.year_to is not None and (p.start is None or p.start > self.year_to):
            return False
        if self.q is not None and fold(self.q) not in p.search:
            return False
        if self.country is not None or self.kind is not None:
            auths = p.authorities()
            if self.kind is not None and not any(
                (a := index.authorities.get(x)) is not None and a.kind == self.kind for x in auths
            ):
                return False
            if self.country is not None and not any(
                (pl := index.place_of(x)) is not None and pl.iso == self.country for x in auths
            ):
                return False
        return True


NO_FILTERS = Filters()
"""The unfiltered view (a shared default argument)."""


def select(index: MapIndex, filters: Filters) -> list[Partnership]:
    """The partnerships ``filters`` keep."""
    if filters.is_empty():
        return index.partnerships
    return [p for p in index.partnerships if filters.matches(p, index)]


class _Memo:
    """A small LRU of rendered answers keyed on (store, version, arguments)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key: tuple[Any, ...], value: Any) -> Any:
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_memo = _Memo()


def places_geojson(store: Store, filters: Filters = NO_FILTERS, lang: str = "fr") -> dict[str, Any]:
    """Places of the partners of the selected partnerships, with their number of partnerships."""
    key = ("places", id(store), store.version, filters, lang)
    if (hit := _memo.get(key)) is not None:
        return hit
    index = map_index(store)
    return _memo.put(key, build_places(index, select(index, filters), lang))


def build_places(index: MapIndex, selected: list[Partnership], lang: str = "fr") -> dict[str, Any]:
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
    key = ("lines", id(store), store.version, filters, lang, aggregate, max_lines)
    if (hit := _memo.get(key)) is not None:
        return hit
    index = map_index(store)
    return _memo.put(key, build_lines(index, select(index, filters), lang, aggregate=aggregate, max_lines=max_lines))


def build_lines(
    index: MapIndex,
    selected: list[Partnership],
    lang: str = "fr",
    *,
    aggregate: str = "auto",
    max_lines: int = MAX_LINES,
) -> dict[str, Any]:
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


def place_detail(store: Store, iri: str, lang: str = "fr") -> dict[str, Any] | None:
    """Side-panel data of one place: its authorities, partnerships, partners, projects and people."""
    from rdflib import URIRef

    index = map_index(store)
    place = index.places.get(iri)
    if place is None:
        return None
    detail = place_summary(index, iri, lang)
    projects: dict[str, dict[str, Any]] = {}
    for row in store.select("map_place_projects", place=URIRef(iri)):
        project = str(row["project"])
        entry = projects.setdefault(
            project, {"iri": project, "title": str(row.get("title", "")) or index.name(project)}
        )
        if "status" in row:
            entry["status"] = local_name(str(row["status"]), STATUS_NS)
        if "startYear" in row:
            entry["start"] = str(row["startYear"])
        if "partnership" in row:
            entry["partnership"] = str(row["partnership"])
    people: dict[str, dict[str, Any]] = {}
    for row in store.select("map_place_people", place=URIRef(iri)):
        person = str(row["person"])
        entry = people.setdefault(
            person, {"iri": person, "name": str(row.get("name", "")) or index.name(person), "roles": []}
        )
        role = str(row.get("roleLabel", "")) or (local_name(str(row["role"]), "") if "role" in row else "")
        authority = index.name(str(row["authority"]), lang)
        text = f"{role} — {authority}" if role else authority
        if text not in entry["roles"]:
            entry["roles"].append(text)
    detail["projects"] = sorted(projects.values(), key=lambda x: (x["title"], x["iri"]))
    detail["people"] = sorted(people.values(), key=lambda x: (x["name"], x["iri"]))
    return detail


def place_summary(index: MapIndex, iri: str, lang: str = "fr") -> dict[str, Any]:
    """What the index alone knows of a place: enough for the offline page's panel."""
    place = index.places[iri]
    auths = sorted(a.iri for a in index.authorities.values() if a.place == iri)
    partnerships: dict[str, dict[str, Any]] = {}
    partners: dict[str, dict[str, Any]] = {}
    for auth in auths:
        for i in index.by_authority.get(auth, []):
            p = index.partnerships[i]
            others = [x for x in p.authorities() if x not in auths]
            partnerships[p.iri] = {
                "iri": p.iri,
                "name": index.name(p.iri, lang),
                "status": p.status,
                "statusLabel": index.name(STATUS_NS + p.status, lang) if p.status else None,
                "start": p.start,
                "end": p.end,
                "partners": [index.name(x, lang) for x in others],
            }
            for other in others:
                where = index.place_of(other)
                partners[other] = {
                    "iri": other,
                    "name": index.name(other, lang),
                    "place": index.name(where.iri, lang) if where else None,
                    "country": where.iso if where else None,
                }
    return {
        "iri": iri,
        "name": index.name(iri, lang),
        "country": place.iso,
        "countryName": index.name(place.country, lang) if place.country else place.iso,
        "lat": place.lat,
        "lon": place.lon,
        "authorities": [{"iri": a, "name": index.name(a, lang), "kind": index.authorities[a].kind} for a in auths],
        "partnerships": sorted(partnerships.values(), key=lambda x: (x["name"], x["iri"])),
        "partners": sorted(partners.values(), key=lambda x: (x["name"], x["iri"])),
        "projects": [],
        "people": [],
    }


def facets(store: Store, lang: str = "fr") -> dict[str, Any]:
    """The values each filter offers, with labels in ``lang`` and how many partnerships have them."""
    key = ("facets", id(store), store.version, lang)
    if (hit := _memo.get(key)) is not None:
        return hit
    index = map_index(store)
    return _memo.put(key, build_facets(index, lang))


def build_facets(index: MapIndex, lang: str = "fr") -> dict[str, Any]:
    countries: Counter[str] = Counter()
    country_iri: dict[str, str | None] = {}
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    years: list[int] = []
    for p in index.partnerships:
        isos, ks = set(), set()
        for auth in p.authorities():
            place = index.place_of(auth)
            if place and place.iso:
                isos.add(place.iso)
                country_iri.setdefault(place.iso, place.country)
            kind = index.authorities.get(auth)
            if kind and kind.kind:
                ks.add(kind.kind)
        countries.update(isos)
        kinds.update(ks)
        themes.update(p.themes)
        if p.status:
            statuses[p.status] += 1
        years.extend(y for y in (p.start, p.end) if y)
    return {
        "countries": sorted(
            (
                {
                    "code": iso,
                    "label": index.name(country_iri.get(iso), lang) if country_iri.get(iso) else iso,
                    "count": n,
                }
                for iso, n in countries.items()
            ),
            key=lambda x: fold(x["label"]),
        ),
        "themes": sorted(
            (
                {
                    "code": local_name(t, THEME_NS),
                    "label": index.name(t, lang),
                    "depth": _depth(t, index.theme_parents),
                    "count": n,
                }
                for t, n in themes.items()
            ),
            key=lambda x: fold(x["label"]),
        ),
        "statuses": [
            {"code": s, "label": index.name(STATUS_NS + s, lang), "count": n} for s, n in sorted(statuses.items())
        ],
        "kinds": [{"code": k, "label": index.name(KIND_NS + k, lang), "count": n} for k, n in sorted(kinds.items())],
        "years": [min(years), max(years)] if years else None,
        "partnerships": len(index.partnerships),
    }


def _depth(theme: str, parents: dict[str, set[str]]) -> int:
    depth, current = 0, theme
    while parents.get(current) and depth < 10:
        current = sorted(parents[current])[0]
        depth += 1
    return depth
