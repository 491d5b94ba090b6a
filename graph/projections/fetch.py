"""Reading the store into :class:`~graph.projections.model.NetworkData`, as the map's index is read.

The named queries are unions of single-predicate scans, one row per statement
(``map_authority_facts``, ``map_place_facts``, ``net_item_facts``, ``net_label_facts``), streamed
with :meth:`Store.iter_values` and joined here in dictionaries, as :mod:`graph.render_index`
does: Oxigraph 0.5 answers a join by an index seek per row or, for grouped sub-SELECTs, by
hash-joining whole predicates in memory, which cost more than decoding the scanned rows. IRIs
and repeated values (kinds, statuses, country codes) are interned, items with the same themes
share one ``frozenset``, and the records use ``__slots__``. At Atlas 10x (147,000 authorities,
236,000 items) the former join queries took 85–115 s and left the process 980 MB larger (peak
1.09 GB); these scans take about 50 s and leave it 375 MB larger (peak 490 MB), of which the
records hold about 175 MB and Oxigraph about 115 MB.

Where the graph states several values of one attribute, the value is picked by the rules of
:mod:`graph.picks` (the map's), so the same store gives the same records whatever the backend,
the query plan or the order of the named graphs:

- an authority's kind: the smallest IRI; its place: the smallest drawable one among those it
  governs (typed ``coop:Place``, with coordinates), else the smallest (:func:`graph.picks.place_key`);
- a place's coordinates: its smallest ``wgs:lat`` and smallest ``wgs:long``, else its smallest WKT
  point (``net_place_wkt``, asked only when a governed place lacks them); its country: the smallest
  IRI, whose smallest ``coop:isoCode`` is the authority's country, else the code in its IRI;
- an item's status: the furthest along (:func:`graph.picks.pick_status`); a partnership's start
  year: its earliest ``coop:startYear``, or when it states none the earliest year of its
  ``coop:agreementDate``; a project's: its earliest ``coop:startYear``; the end year of both: the
  latest ``coop:endYear``, or when none is stated the latest year of ``coop:endDate``; a project's
  partnership: the smallest ``coop:partOfPartnership`` IRI;
- an item's members: the ``coop:LocalAuthority`` that it names with ``org:hasMember``,
  ``coop:frenchPartner`` or ``coop:foreignPartner`` (a partnership), or with ``coop:involves`` or
  ``coop:qualifiedParticipation/coop:participant`` (a project), sorted;
- a label: the smallest text (code-point order, whatever the language) among the
  ``skos:prefLabel`` and ``rdfs:label`` of an authority or a place, the ``rdfs:label`` of a
  partnership, the ``dcterms:title`` and ``rdfs:label`` of a project, and the ``skos:prefLabel``,
  ``rdfs:label`` and ``foaf:name`` of the two ends of a know-how flow.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from graph.namespaces import AUTHORITY_KIND, STATUS
from graph.picks import authority_facts, iso_of, later_status, place_facts, place_key, wkt_point
from graph.projections.model import Authority, Flow, Item, NetworkData
from graph.store import Store

Rows = Iterable[tuple[str | None, ...]]
_NO_THEMES: frozenset[str] = frozenset()
_LABEL_KEYS = {
    "authority": ("pref", "label"),
    "place": ("pref", "label"),
    "partnership": ("label",),
    "project": ("title", "label"),
    "flow": ("pref", "label", "name"),
}
"""Which kinds of label (keys of ``net_label_facts``) each record takes its label from."""


def fetch(store: Store) -> NetworkData:
    """Read every table the projections need from ``store``: seven streamed named queries, an
    eighth when a governed place has only a WKT point (see the module's docstring for the picks).
    Authorities and items come sorted by IRI (a partnership before a project of the same IRI),
    flows by exchange, source and target."""
    authorities, where = _authorities(store)
    items, themes = _items(store, {a: a for a in authorities})
    ends = sorted(
        {
            (x, s, t)
            for x, s, t in (_interned(row) for row in store.iter_values("net_knowhow"))
            if x is not None and s is not None and t is not None
        }
    )
    themes = {x: themes[x] for x, _, _ in ends if x in themes}
    wanted = {a: a for a in authorities}
    wanted.update((w.iri, w.iri) for w in where.values() if w.iri)
    wanted.update((i.iri, i.iri) for i in items)
    wanted.update((e, e) for _, s, t in ends for e in (s, t) if e is not None)
    labels = _labels(store.iter_values("net_label_facts"), wanted)
    del wanted
    out: dict[str, Authority] = {}
    for a in sorted(authorities):
        at = where.get(a, _NOWHERE)
        kind = authorities[a]
        out[a] = Authority(
            iri=a,
            label=_label(labels, "authority", a),
            kind=kind,
            place=at.iri,
            place_label=_label(labels, "place", at.iri),
            country=at.country,
            lat=at.coords[0] if at.coords else None,
            lon=at.coords[1] if at.coords else None,
        )
    del authorities, where
    records = tuple(
        Item(
            iri=i.iri,
            kind=i.kind,  # type: ignore[arg-type]
            members=i.members,
            label=_label(labels, i.kind, i.iri),
            start=i.start,
            end=i.end,
            status=i.status,
            themes=i.themes,
            partnership=i.partnership,
        )
        for i in items
    )
    del items
    flows = tuple(
        Flow(
            exchange=x,
            source=s,
            target=t,
            source_label=_label(labels, "flow", s),
            target_label=_label(labels, "flow", t),
            themes=themes.get(x, _NO_THEMES),
        )
        for x, s, t in ends
    )
    broader: dict[str, set[str]] = defaultdict(set)
    for theme, parent in store.iter_values("net_theme_broader"):
        if theme and parent:
            broader[theme].add(parent)
    return NetworkData(base=store.base, authorities=out, items=records, flows=flows, narrower=_narrower(broader))


# -- authorities and their places ------------------------------------------------------------------


class _Where(NamedTuple):
    """The place an authority is at: its IRI, ISO country code and coordinates."""

    iri: str | None
    country: str | None
    coords: tuple[float, float] | None


_NOWHERE = _Where(None, None, None)


def _authorities(store: Store) -> tuple[dict[str, str | None], dict[str, _Where]]:
    """Each typed local authority with its kind (a slug), and where each one that governs a place is."""
    authorities = authority_facts(store.iter_values("map_authority_facts"))
    typed, kinds, governs = authorities.typed, authorities.kind, authorities.governs
    governed = {p for a, places in governs.items() if a in typed for p in places}
    facts = place_facts(store.iter_values("map_place_facts"), only=governed)
    typed_places, lat, lon, country, iso = facts.typed, facts.lat, facts.lon, facts.country, facts.iso
    points: dict[str, tuple[float, float]] = {}
    if any(p not in lat or p not in lon for p in governed):
        for place, wkt in store.iter_values("net_place_wkt"):
            if place is None or wkt is None or place not in governed:
                continue
            point = wkt_point(wkt)
            if point is not None and (place not in points or point < points[place]):
                points[place] = point
    where: dict[str, _Where] = {}
    codes: dict[str, str | None] = {}
    for a in typed:
        best: tuple[tuple[bool, str], tuple[float, float] | None] | None = None
        for place in governs.get(a, ()):
            coords = (lat[place], lon[place]) if place in lat and place in lon else points.get(place)
            rank = place_key(place, place in typed_places and coords is not None)
            if best is None or rank < best[0]:
                best = (rank, coords)
        if best is None:
            continue
        place = best[0][1]
        c = country.get(place, "")
        if c not in codes:
            code = iso.get(c) if c else None
            found = code.upper() if code else iso_of(c)
            codes[c] = sys.intern(found) if found else None
        where[a] = _Where(place, codes[c], best[1])
    kind_of = {a: _slug(kinds.get(a), str(AUTHORITY_KIND)) for a in typed}
    return kind_of, where


# -- partnerships and projects ---------------------------------------------------------------------


class _Item(NamedTuple):
    """An item before its label is known."""

    iri: str
    kind: str
    members: tuple[str, ...]
    start: int | None
    end: int | None
    status: str | None
    themes: frozenset[str]
    partnership: str | None


_EARLIEST = {"startYear": True, "agreementDate": True, "endYear": False, "endDate": False}
"""The year keys of ``net_item_facts``: whether the earliest (else the latest) is kept."""


def _items(store: Store, authorities: dict[str, str]) -> tuple[list[_Item], dict[str, frozenset[str]]]:
    """Partnerships and projects sorted by IRI (a thing typed both is both), and the themes of
    everything that states one (items and know-how exchanges), identical sets shared.
    ``authorities`` maps each typed local authority's IRI to itself (its interned string)."""
    partnerships: set[str] = set()
    projects: set[str] = set()
    lists: dict[str, dict[str, list[str]]] = {"member": {}, "involves": {}, "participation": {}, "theme": {}}
    participants: dict[str, list[str]] = {}
    statuses: dict[str, str] = {}
    years: dict[str, dict[str, int | None]] = {key: {} for key in _EARLIEST}
    """Per year key, the earliest or latest year; ``None`` when one is stated but none is a year (a
    ``coop:startYear`` stated, even unreadable, is used rather than the agreement date, as COALESCE did)."""
    numbers: dict[int, int] = {}
    part_of: dict[str, str] = {}
    for s, key, value in store.iter_values("net_item_facts"):
        if s is None or key is None:
            continue
        if value is None:
            if key == "partnership":
                partnerships.add(sys.intern(s))
            elif key == "project":
                projects.add(sys.intern(s))
            continue
        table = lists.get(key)
        if table is not None:
            kept = authorities.get(value) if key == "member" or key == "involves" else sys.intern(value)
            if kept is not None:
                found = table.get(s)
                if found is None:
                    table[sys.intern(s)] = found = []
                found.append(kept)
        elif key == "participant":
            kept = authorities.get(value)
            if kept is not None:
                participants.setdefault(s, []).append(kept)
        elif key == "status":
            if s not in statuses or later_status(value, statuses[s]):
                statuses[sys.intern(s)] = sys.intern(value)
        elif key in years:
            earliest = _EARLIEST[key]
            year = _int(value) if key.endswith("Year") else _year(value)
            chosen = years[key]
            current = chosen.get(s)
            if year is not None:
                year = numbers.setdefault(year, year)
                if current is None or (year < current if earliest else year > current):
                    chosen[sys.intern(s)] = year
            elif s not in chosen:
                chosen[sys.intern(s)] = None
        elif key == "partOf" and (s not in part_of or value < part_of[s]):
            part_of[sys.intern(s)] = sys.intern(value)
    del numbers
    shared: dict[frozenset[str], frozenset[str]] = {_NO_THEMES: _NO_THEMES}
    themes: dict[str, frozenset[str]] = {}
    for s, found in lists.pop("theme").items():
        frozen = frozenset(found)
        themes[s] = shared.setdefault(frozen, frozen)
    del shared
    members, involves, participations = lists["member"], lists["involves"], lists["participation"]
    start_years, end_years = years["startYear"], years["endYear"]
    out: list[_Item] = []
    for iri in sorted(partnerships | projects):
        for kind, typed in (("partnership", partnerships), ("project", projects)):
            if iri not in typed:
                continue
            if kind == "partnership":
                who = set(members.get(iri, ()))
                start = start_years[iri] if iri in start_years else years["agreementDate"].get(iri)
            else:
                who = set(involves.get(iri, ()))
                for participation in participations.get(iri, ()):
                    who.update(participants.get(participation, ()))
                start = start_years.get(iri)
            end = end_years[iri] if iri in end_years else years["endDate"].get(iri)
            out.append(
                _Item(
                    iri=iri,
                    kind=kind,
                    members=tuple(sorted(who)),
                    start=start,
                    end=end,
                    status=_slug(statuses.get(iri), str(STATUS)),
                    themes=themes.get(iri, _NO_THEMES),
                    partnership=part_of.get(iri) if kind == "project" else None,
                )
            )
    return out, themes


# -- labels, themes, helpers -----------------------------------------------------------------------


def _labels(rows: Rows, wanted: dict[str, str]) -> dict[str, dict[str, str]]:
    """For each kind of label, the smallest of each wanted IRI (``wanted`` maps each to its
    interned string, which keys the tables instead of the row's copy)."""
    best: dict[str, dict[str, str]] = {key: {} for keys in _LABEL_KEYS.values() for key in keys}
    for s, key, label in rows:
        if s is None or key is None or label is None:
            continue
        iri = wanted.get(s)
        table = best.get(key)
        if iri is None or table is None:
            continue
        current = table.get(iri)
        if current is None or label < current:
            table[iri] = label
    return best


def _label(labels: dict[str, dict[str, str]], record: str, iri: str | None) -> str | None:
    """The smallest label of ``iri`` among the kinds of label ``record`` takes (see ``_LABEL_KEYS``)."""
    best = None
    if iri is not None:
        for key in _LABEL_KEYS[record]:
            label = labels[key].get(iri)
            if label is not None and (best is None or label < best):
                best = label
    return best


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


def _interned(row: tuple[str | None, ...]) -> tuple[str | None, ...]:
    return tuple(None if v is None else sys.intern(v) for v in row)


def _slug(iri: str | None, namespace: str) -> str | None:
    """The last segment of a concept IRI (``…/status/closed`` → ``closed``), interned."""
    if not iri:
        return None
    return sys.intern(iri[len(namespace) :] if iri.startswith(namespace) else iri.rstrip("/").rsplit("/", 1)[-1])


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except (ValueError, OverflowError):
        return None


_YEAR = re.compile(r"\s*(-?\d{4,})")


def _year(value: str | None) -> int | None:
    """The year of an ``xsd:date``/``xsd:dateTime`` lexical form (SPARQL's ``YEAR``)."""
    match = _YEAR.match(value or "")
    return int(match.group(1)) if match else None
