"""Reading the store into :class:`~graph.projections.model.NetworkData`: the eight ``net_*`` queries."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from graph.namespaces import AUTHORITY_KIND, STATUS
from graph.picks import iso_of, pick_status, place_key, wkt_point
from graph.projections.model import Authority, Flow, Item, NetworkData
from graph.store import Store


def fetch(store: Store) -> NetworkData:
    """Read every table the projections need from ``store`` (eight ``net_*`` queries, nine when a
    place has only a WKT point).

    Uses :meth:`Store.select_values` (plain strings), the fast path for 100k+ rows. Where the graph
    states several values of one attribute, the queries return them all (or their ``MIN``/``MAX``)
    and the value is picked by the rules of :mod:`graph.picks`, the map's: the same store gives the
    same attributes whatever the backend, the query plan or the order of the named graphs.
    """
    authorities = _authorities(store)
    themes: dict[str, set[str]] = defaultdict(set)
    for item, theme in store.select_values("net_item_themes")[1]:
        if item and theme:
            themes[item].add(theme)
    items: list[Item] = []
    for kind, head, members_query in (
        ("partnership", "net_partnerships", "net_partnership_members"),
        ("project", "net_projects", "net_project_participants"),
    ):
        members: dict[str, list[str]] = defaultdict(list)
        for item, authority in store.select_values(members_query)[1]:
            if item and authority:
                members[item].append(authority)
        for row in store.select_values(head)[1]:
            iri, label = row[0], row[1]
            if not iri:
                continue
            partnership = row[2] if kind == "project" else None
            start, end, statuses = row[-3:]
            items.append(
                Item(
                    iri=iri,
                    kind=kind,  # type: ignore[arg-type]
                    members=tuple(sorted(set(members.get(iri, ())))),
                    label=label,
                    start=_int(start),
                    end=_int(end),
                    status=_last(pick_status((statuses or "").split()), str(STATUS)),
                    themes=frozenset(themes.get(iri, ())),
                    partnership=partnership,
                )
            )
    flows = tuple(
        Flow(exchange=x, source=s, target=t, source_label=sl, target_label=tl, themes=frozenset(themes.get(x, ())))
        for x, s, t, sl, tl in store.select_values("net_knowhow")[1]
        if x and s and t
    )
    broader: dict[str, set[str]] = defaultdict(set)
    for theme, parent in store.select_values("net_theme_broader")[1]:
        if theme and parent:
            broader[theme].add(parent)
    items.sort(key=lambda i: i.iri)
    return NetworkData(
        base=store.base, authorities=authorities, items=tuple(items), flows=flows, narrower=_narrower(broader)
    )


def _authorities(store: Store) -> dict[str, Authority]:
    """Authorities from ``net_authorities`` (one row per governed place): the place is the smallest
    drawable one (typed, with coordinates: :func:`graph.picks.place_key`), with its smallest
    ``wgs:lat``/``wgs:long`` (else its smallest WKT point, from ``net_place_wkt``, asked only when a
    place lacks them) and the smallest ISO code of its smallest country (else the code in its IRI)."""
    rows = store.select_values("net_authorities")[1]
    codes: dict[str, str] = {}
    for country, code in store.select_values("net_country_codes")[1]:
        if country and code and (country not in codes or code < codes[country]):
            codes[country] = code
    points: dict[str, tuple[float, float]] = {}
    if any(row[3] and (_float(row[6]) is None or _float(row[7]) is None) for row in rows):
        for place, wkt in store.select_values("net_place_wkt")[1]:
            point = wkt_point(wkt) if place and wkt else None
            if place and point is not None and (place not in points or point < points[place]):
                points[place] = point
    heads: dict[str, tuple[str | None, str | None]] = {}
    best: dict[str, tuple[tuple[bool, str], _Place]] = {}
    for a, label, kind, place, place_label, country, lat, lon, typed in rows:
        if not a:
            continue
        heads.setdefault(a, (label, kind))
        if not place:
            continue
        la, lo = _float(lat), _float(lon)
        coords = (la, lo) if la is not None and lo is not None else points.get(place)
        key = place_key(place, bool(typed) and coords is not None)
        if a not in best or key < best[a][0]:
            best[a] = (key, _Place(place, place_label, country, coords))
    out: dict[str, Authority] = {}
    for a, (label, kind) in heads.items():
        where = best[a][1] if a in best else _NOWHERE
        code = codes.get(where.country) if where.country else None
        out[a] = Authority(
            iri=a,
            label=label,
            kind=_last(kind, str(AUTHORITY_KIND)),
            place=where.iri,
            place_label=where.label,
            country=code.upper() if code else iso_of(where.country),
            lat=where.coords[0] if where.coords else None,
            lon=where.coords[1] if where.coords else None,
        )
    return out


class _Place(NamedTuple):
    iri: str | None
    label: str | None
    country: str | None
    coords: tuple[float, float] | None


_NOWHERE = _Place(None, None, None, None)


def _narrower(broader: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """Each theme with every theme below it, from the ``skos:broader`` links (cycles tolerated)."""
    children: dict[str, set[str]] = defaultdict(set)
    for child, parents in broader.items():
        for parent in parents:
            children[parent].add(child)
    closure: dict[str, frozenset[str]] = {}
    for theme in set(children) | set(broader):
        seen = {theme}
        stack = [theme]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        closure[theme] = frozenset(seen)
    return closure


def _last(iri: str | None, namespace: str) -> str | None:
    if not iri:
        return None
    return iri[len(namespace) :] if iri.startswith(namespace) else iri.rstrip("/").rsplit("/", 1)[-1]


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None
