"""Projections of the RDF graph into networkx graphs, the input of every network analysis.

The store is read once through the ``net_*`` named queries into :class:`NetworkData` (plain
Python tables: authorities, partnerships and projects with their members, know-how flows, the
theme hierarchy). Every projection is then a pure function of that table and of
:class:`Filters`, so it can be cached per store version and tested without a store.

Graphs are built from node and edge lists assembled in dictionaries first, then handed to
networkx in one ``add_nodes_from`` / ``add_edges_from`` call: per-row mutation of a networkx
graph (updating edge attributes one partnership at a time) is many times slower at the scale
of the Atlas.

Node identifiers are IRIs. Node and edge attributes hold plain values only (``str``, ``int``,
``float``, lists of ``str``); an unknown value is left out rather than stored as ``None``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any, Literal

import networkx as nx
from networkx.algorithms import bipartite

from graph.namespaces import AUTHORITY_KIND, STATUS, THEME
from graph.store import Store

__all__ = [
    "NO_FILTERS",
    "Authority",
    "FilterError",
    "Filters",
    "Flow",
    "Item",
    "NetworkData",
    "authority_country_graph",
    "authority_graph",
    "authority_item_graph",
    "fetch",
    "knowhow_graph",
    "place_graph",
    "projected",
    "select",
    "snapshot",
    "snapshots",
]


class FilterError(ValueError):
    """A filter value that cannot mean anything; ``parameter`` names the filter."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True)
class Authority:
    """A local authority as a node: what it is called, what it is, where it is."""

    iri: str
    label: str | None = None
    kind: str | None = None
    """The slug of its kind (``commune``, ``region``, ``foreign-local-government``…)."""
    country: str | None = None
    """ISO 3166-1 alpha-2 code of the country of the place it governs, upper case."""
    place: str | None = None
    place_label: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Item:
    """A partnership or a project: the authorities it links, when, with what status and themes."""

    iri: str
    kind: Literal["partnership", "project"]
    members: tuple[str, ...]
    label: str | None = None
    start: int | None = None
    end: int | None = None
    status: str | None = None
    themes: frozenset[str] = frozenset()
    partnership: str | None = None
    """For a project, the partnership it is part of."""

    def active_in(self, year: int) -> bool:
        """Active in ``year``: started that year or before, and not ended before it.

        An item without a known start year is never counted as active: a snapshot shows what
        the data says existed then, not what may have.
        """
        return self.start is not None and self.start <= year and (self.end is None or self.end >= year)


@dataclass(frozen=True)
class Flow:
    """A know-how exchange: who shared it, who received it, on which themes."""

    exchange: str
    source: str
    target: str
    source_label: str | None = None
    target_label: str | None = None
    themes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NetworkData:
    """Everything the projections need, read from the store in a handful of queries."""

    base: str
    authorities: dict[str, Authority]
    items: tuple[Item, ...]
    flows: tuple[Flow, ...] = ()
    narrower: dict[str, frozenset[str]] = field(default_factory=dict)
    """Each theme and every theme under it (itself included)."""


@dataclass(frozen=True)
class Filters:
    """Which part of the network to project; empty means everything.

    ``country`` and ``kind`` keep a partnership or project when at least one of its member
    authorities matches (so ``country=("SN",)`` gives every partnership with a Senegalese
    authority, French side included). ``theme`` keeps an item having the theme or a narrower
    one. ``year`` keeps items active in that year (see :meth:`Item.active_in`).
    """

    country: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    year: int | None = None

    @classmethod
    def of(
        cls,
        country: Iterable[str] | str | None = None,
        theme: Iterable[str] | str | None = None,
        kind: Iterable[str] | str | None = None,
        year: int | str | None = None,
    ) -> Filters:
        """Normalised filters from what a person typed: ISO codes or country IRIs, theme slugs
        or IRIs, kind slugs or IRIs, a year; comma-separated lists are accepted.

        Raises
        ------
        FilterError
            Naming the filter whose value is not understood.
        """
        return cls(
            country=tuple(sorted({_country(v) for v in _values(country)})),
            theme=tuple(sorted({_theme(v) for v in _values(theme)})),
            kind=tuple(sorted({_kind(v) for v in _values(kind)})),
            year=_year(year),
        )

    def key(self) -> tuple[Any, ...]:
        """A hashable key for caches."""
        return (self.country, self.theme, self.kind, self.year)

    def as_dict(self) -> dict[str, Any]:
        """The filters as JSON-ready data (empty ones left out)."""
        data: dict[str, Any] = {"country": list(self.country), "theme": list(self.theme), "kind": list(self.kind)}
        data["year"] = self.year
        return {k: v for k, v in data.items() if v not in ([], None)}


NO_FILTERS = Filters()
"""The whole network."""


def _values(value: Iterable[str] | str | None) -> list[str]:
    if value is None:
        return []
    raw = [value] if isinstance(value, str) else list(value)
    return [part.strip() for v in raw for part in str(v).split(",") if part.strip()]


def _country(value: str) -> str:
    code = value.rstrip("/").rsplit("/", 1)[-1] if "/" in value else value
    if not re.fullmatch(r"[A-Za-z]{2}", code):
        raise FilterError("country", f"{value!r} is not an ISO 3166-1 alpha-2 code (e.g. FR, SN) or a country IRI")
    return code.upper()


def _theme(value: str) -> str:
    if value.startswith(str(THEME)):
        return value
    if "://" in value:
        raise FilterError("theme", f"{value!r} is not a theme of {THEME}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", value):
        raise FilterError("theme", f"{value!r} is not a theme slug (lower case letters, digits and '-')")
    return str(THEME) + value


def _kind(value: str) -> str:
    slug = value[len(str(AUTHORITY_KIND)) :] if value.startswith(str(AUTHORITY_KIND)) else value
    if not re.fullmatch(r"[a-z][a-z\-]*", slug):
        raise FilterError("kind", f"{value!r} is not a kind of authority (commune, departement, region, …)")
    return slug


def _year(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise FilterError("year", f"{value!r} is not a year") from None
    if not 1000 <= year <= 9999:
        raise FilterError("year", f"{year} is not a four-digit year")
    return year


# -- reading the store -----------------------------------------------------------------------


def fetch(store: Store) -> NetworkData:
    """Read every table the projections need from ``store`` (seven ``net_*`` queries).

    Uses :meth:`Store.select_values` (plain strings), the fast path for 100k+ rows.
    """
    _, rows = store.select_values("net_authorities")
    authorities = {
        a: Authority(
            iri=a,
            label=label,
            kind=_last(kind, str(AUTHORITY_KIND)),
            place=place,
            place_label=place_label,
            country=iso.upper() if iso else None,
            lat=_float(lat),
            lon=_float(lon),
        )
        for a, label, kind, place, place_label, iso, lat, lon in rows
        if a
    }
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
            start, end, status = row[-3:]
            items.append(
                Item(
                    iri=iri,
                    kind=kind,  # type: ignore[arg-type]
                    members=tuple(sorted(set(members.get(iri, ())))),
                    label=label,
                    start=_int(start),
                    end=_int(end),
                    status=_last(status, str(STATUS)),
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


# -- selecting ------------------------------------------------------------------------------


def select(data: NetworkData, filters: Filters, kinds: Iterable[str] = ("partnership", "project")) -> list[Item]:
    """The partnerships and projects (``kinds``) the filters keep, in IRI order."""
    wanted_kinds = set(kinds)
    themes: set[str] = set()
    for theme in filters.theme:
        themes |= data.narrower.get(theme, frozenset({theme}))
    countries, kinds_of = set(filters.country), set(filters.kind)
    kept = []
    for item in data.items:
        if item.kind not in wanted_kinds:
            continue
        if themes and not (item.themes & themes):
            continue
        if filters.year is not None and not item.active_in(filters.year):
            continue
        if (countries or kinds_of) and not any(
            _matches(data.authorities.get(m), countries, kinds_of) for m in item.members
        ):
            continue
        kept.append(item)
    return kept


def _matches(authority: Authority | None, countries: set[str], kinds: set[str]) -> bool:
    if authority is None:
        return False
    return (not countries or authority.country in countries) and (not kinds or authority.kind in kinds)


def _is_filtered(filters: Filters) -> bool:
    return bool(filters.country or filters.theme or filters.kind or filters.year is not None)


def _authority_attrs(a: Authority) -> dict[str, Any]:
    attrs = {
        "type": "authority",
        "label": a.label,
        "kind": a.kind,
        "country": a.country,
        "place": a.place,
        "place_label": a.place_label,
        "lat": a.lat,
        "lon": a.lon,
    }
    return {k: v for k, v in attrs.items() if v is not None}


class _EdgeAcc:
    """What one edge gathers before it becomes a networkx edge."""

    __slots__ = ("end", "partnerships", "projects", "start", "statuses", "themes")

    def __init__(self) -> None:
        self.partnerships: list[str] = []
        self.projects: list[str] = []
        self.themes: set[str] = set()
        self.statuses: set[str] = set()
        self.start: int | None = None
        self.end: int | None = None

    def add(self, item: Item) -> None:
        (self.partnerships if item.kind == "partnership" else self.projects).append(item.iri)
        self.themes |= item.themes
        if item.status:
            self.statuses.add(item.status)
        if item.start is not None:
            self.start = item.start if self.start is None else min(self.start, item.start)
        if item.end is not None:
            self.end = item.end if self.end is None else max(self.end, item.end)

    def attrs(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "weight": len(self.partnerships) + len(self.projects),
            "partnerships": self.partnerships,
            "projects": self.projects,
            "themes": sorted(self.themes),
            "status": sorted(self.statuses),
        }
        if self.start is not None:
            attrs["start"] = self.start
        if self.end is not None:
            attrs["end"] = self.end
        return attrs


# -- projections ----------------------------------------------------------------------------


def authority_graph(data: NetworkData, filters: Filters = NO_FILTERS) -> nx.Graph:
    """The authority–authority partnership graph.

    Parameters
    ----------
    data : NetworkData
        The tables read by :func:`fetch`.
    filters : Filters
        Which partnerships and projects to keep.

    Returns
    -------
    networkx.Graph
        Undirected. Nodes are authority IRIs with ``label``, ``kind``, ``country``, ``place``,
        ``place_label``, ``lat``, ``lon`` (when known). Two authorities are linked when they
        share a partnership or a project; the edge ``weight`` is the number of shared
        partnerships and projects, and ``partnerships`` / ``projects`` list their IRIs (in IRI
        order), with ``themes``, ``status``, ``start`` (earliest) and ``end`` (latest).

    Notes
    -----
    A project inside a partnership counts once for the partnership and once for itself, so a
    partnership with two projects between the same authorities weighs 3. Items with more than
    two member authorities link every pair of them (a clique). Without filters every authority
    is a node, isolated ones included; with filters, only the members of the kept items.
    """
    items = select(data, filters)
    edges: dict[tuple[str, str], _EdgeAcc] = defaultdict(_EdgeAcc)
    nodes: set[str] = set() if _is_filtered(filters) else set(data.authorities)
    for item in items:
        nodes.update(item.members)
        for a, b in combinations(item.members, 2):
            edges[(a, b)].add(item)
    g = nx.Graph(projection="authority", **_graph_attrs(filters))
    g.add_nodes_from((n, _authority_attrs(data.authorities.get(n) or Authority(n))) for n in sorted(nodes))
    g.add_edges_from((a, b, acc.attrs()) for (a, b), acc in edges.items())
    return g


def place_graph(data: NetworkData, filters: Filters = NO_FILTERS) -> nx.Graph:
    """The place-level graph: authorities merged into the places they govern.

    Returns
    -------
    networkx.Graph
        Nodes are place IRIs with ``label`` (the place's name), ``country``, ``lat``, ``lon``
        and ``authorities`` (IRIs of the authorities governing it that are in the graph).
        Edges sum the weights of the authority edges between two places and merge their
        ``partnerships`` and ``projects``.

    Notes
    -----
    Authorities with no known place are left out, and links between two authorities of the same
    place (a city and its métropole) vanish: they would be self-loops.
    """
    ag = authority_graph(data, filters)
    place_of = {n: d["place"] for n, d in ag.nodes(data=True) if "place" in d}
    nodes: dict[str, dict[str, Any]] = {}
    for n, d in ag.nodes(data=True):
        place = place_of.get(n)
        if place is None:
            continue
        attrs = nodes.setdefault(place, {"type": "place", "authorities": []})
        attrs["authorities"].append(n)
        for source, target in (("place_label", "label"), ("country", "country"), ("lat", "lat"), ("lon", "lon")):
            if source in d:
                attrs.setdefault(target, d[source])
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for a, b, d in ag.edges(data=True):
        pa, pb = place_of.get(a), place_of.get(b)
        if pa is None or pb is None or pa == pb:
            continue
        key = (pa, pb) if pa < pb else (pb, pa)
        acc = edges.setdefault(key, {"weight": 0, "partnerships": set(), "projects": set()})
        acc["partnerships"].update(d["partnerships"])
        acc["projects"].update(d["projects"])
    g = nx.Graph(projection="place", **_graph_attrs(filters))
    g.add_nodes_from(sorted(nodes.items()))
    g.add_edges_from(
        (
            a,
            b,
            {
                "weight": len(acc["partnerships"]) + len(acc["projects"]),
                "partnerships": sorted(acc["partnerships"]),
                "projects": sorted(acc["projects"]),
            },
        )
        for (a, b), acc in edges.items()
    )
    return g


def authority_item_graph(
    data: NetworkData,
    filters: Filters = NO_FILTERS,
    items: Literal["projects", "partnerships", "both"] = "projects",
) -> nx.Graph:
    """The bipartite authority–project (or authority–partnership) graph.

    Returns
    -------
    networkx.Graph
        Authorities carry ``bipartite=0`` and their attributes; projects and/or partnerships
        carry ``bipartite=1``, ``type``, ``label``, ``start``, ``end``, ``status``. One edge per
        incidence (an authority takes part in the item).

    See Also
    --------
    projected : the weighted projection onto either side.
    """
    kinds = {"projects": ("project",), "partnerships": ("partnership",), "both": ("partnership", "project")}[items]
    kept = select(data, filters, kinds)
    authorities: set[str] = set()
    item_nodes: list[tuple[str, dict[str, Any]]] = []
    edges: list[tuple[str, str]] = []
    for item in kept:
        attrs = {"type": item.kind, "bipartite": 1, "label": item.label, "start": item.start, "end": item.end}
        attrs["status"] = item.status
        item_nodes.append((item.iri, {k: v for k, v in attrs.items() if v is not None}))
        authorities.update(item.members)
        edges.extend((m, item.iri) for m in item.members)
    g = nx.Graph(projection=f"authority-{items}", **_graph_attrs(filters))
    g.add_nodes_from(
        (a, {**_authority_attrs(data.authorities.get(a) or Authority(a)), "bipartite": 0}) for a in sorted(authorities)
    )
    g.add_nodes_from(item_nodes)
    g.add_edges_from(edges)
    return g


def authority_country_graph(data: NetworkData, filters: Filters = NO_FILTERS) -> nx.Graph:
    """The bipartite authority–partner-country graph.

    Returns
    -------
    networkx.Graph
        Authorities (``bipartite=0``) are linked to the countries of their partners
        (``bipartite=1``, node id the country IRI ``{base}country/{iso}``, ``iso`` attribute);
        ``weight`` is the number of partnerships and projects linking the authority to an
        authority of that country. An authority is linked to its own country only when it has a
        partner there.
    """
    weights: dict[tuple[str, str], int] = defaultdict(int)
    authorities: set[str] = set()
    for item in select(data, filters):
        for a in item.members:
            countries = {c for b in item.members if b != a and (c := (data.authorities.get(b) or Authority(b)).country)}
            for country in countries:
                weights[(a, country)] += 1
                authorities.add(a)
    g = nx.Graph(projection="authority-country", **_graph_attrs(filters))
    g.add_nodes_from(
        (a, {**_authority_attrs(data.authorities.get(a) or Authority(a)), "bipartite": 0}) for a in sorted(authorities)
    )
    g.add_nodes_from(
        (_country_iri(data, c), {"type": "country", "iso": c, "label": c, "bipartite": 1})
        for c in sorted({c for _, c in weights})
    )
    g.add_edges_from((a, _country_iri(data, c), {"weight": w}) for (a, c), w in weights.items())
    return g


def _country_iri(data: NetworkData, iso: str) -> str:
    return f"{data.base}country/{iso.lower()}"


def projected(g: nx.Graph, side: int = 0) -> nx.Graph:
    """The weighted projection of a bipartite graph onto one side (``bipartite`` attribute).

    Edge ``weight`` is the number of neighbours the two nodes share, as
    :func:`networkx.algorithms.bipartite.weighted_projected_graph` defines it.
    """
    nodes = [n for n, d in g.nodes(data=True) if d.get("bipartite") == side]
    p = bipartite.weighted_projected_graph(g, nodes)
    p.graph.update(g.graph, projection=f"{g.graph.get('projection', 'bipartite')}/projected-{side}")
    return p


def knowhow_graph(data: NetworkData, filters: Filters = NO_FILTERS) -> nx.DiGraph:
    """The directed know-how flow graph: an edge from who shared to who received.

    Returns
    -------
    networkx.DiGraph
        Edge ``weight`` is the number of exchanges, ``exchanges`` their IRIs, ``themes`` their
        themes. Nodes are authorities, organisations or persons, with a ``label``.

    Notes
    -----
    Exchanges carry no dates in the model, so the ``year`` filter does not apply to them;
    ``country`` and ``kind`` keep a flow when either end is a matching authority.
    """
    themes: set[str] = set()
    for theme in filters.theme:
        themes |= data.narrower.get(theme, frozenset({theme}))
    countries, kinds = set(filters.country), set(filters.kind)
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    labels: dict[str, str | None] = {}
    for flow in data.flows:
        if themes and not (flow.themes & themes):
            continue
        if (countries or kinds) and not (
            _matches(data.authorities.get(flow.source), countries, kinds)
            or _matches(data.authorities.get(flow.target), countries, kinds)
        ):
            continue
        acc: dict[str, Any] = edges.setdefault(
            (flow.source, flow.target), {"weight": 0, "exchanges": [], "themes": set()}
        )
        acc["weight"] += 1
        acc["exchanges"].append(flow.exchange)
        acc["themes"] |= flow.themes
        labels.setdefault(flow.source, flow.source_label)
        labels.setdefault(flow.target, flow.target_label)
    g = nx.DiGraph(projection="knowhow", **_graph_attrs(filters))
    for node in sorted(labels):
        authority = data.authorities.get(node)
        attrs = _authority_attrs(authority) if authority else {"type": "agent"}
        label = labels[node]
        if label and "label" not in attrs:
            attrs["label"] = label
        g.add_node(node, **attrs)
    g.add_edges_from((s, t, {**acc, "themes": sorted(acc["themes"])}) for (s, t), acc in edges.items())
    return g


def snapshot(data: NetworkData, year: int, filters: Filters = NO_FILTERS) -> nx.Graph:
    """The authority graph as of ``year``: the partnerships and projects active that year."""
    return authority_graph(data, replace(filters, year=year))


def snapshots(data: NetworkData, years: Iterable[int], filters: Filters = NO_FILTERS) -> dict[int, nx.Graph]:
    """One :func:`snapshot` per year."""
    return {year: snapshot(data, year, filters) for year in years}


def _graph_attrs(filters: Filters) -> dict[str, Any]:
    return {f"filter_{k}": ",".join(map(str, v)) if isinstance(v, list) else v for k, v in filters.as_dict().items()}
