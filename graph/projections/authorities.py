"""The authority–authority partnership graph, its yearly snapshots, and the place-level graph.

Graphs are built from node and edge lists assembled in dictionaries first, then handed to
networkx in one ``add_nodes_from`` / ``add_edges_from`` call: per-row mutation of a networkx
graph (updating edge attributes one partnership at a time) is many times slower at the scale
of the Atlas.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from itertools import combinations
from typing import Any

import networkx as nx

from graph.projections.filters import NO_FILTERS, Filters
from graph.projections.model import Authority, Item, NetworkData
from graph.projections.select import authority_attrs, graph_attrs, is_filtered, select


class _EdgeAcc:
    """What one edge gathers before it becomes a networkx edge.

    Most edges carry one partnership (and its projects, with the same themes): the first item's
    ``themes`` frozenset is kept as it is and replaced by a union only when another item adds to
    it, and statuses are a tuple: at Atlas 10× the 109,000 accumulators held two sets each, and
    the build peaked 19 MB higher (588 against 569 MB in process)."""

    __slots__ = ("end", "partnerships", "projects", "start", "statuses", "themes")

    def __init__(self) -> None:
        self.partnerships: list[str] = []
        self.projects: list[str] = []
        self.themes: frozenset[str] = frozenset()
        self.statuses: tuple[str, ...] = ()
        self.start: int | None = None
        self.end: int | None = None

    def add(self, item: Item) -> None:
        (self.partnerships if item.kind == "partnership" else self.projects).append(item.iri)
        if not item.themes <= self.themes:
            self.themes = self.themes | item.themes if self.themes else item.themes
        if item.status and item.status not in self.statuses:
            self.statuses += (item.status,)
        if item.start is not None:
            self.start = item.start if self.start is None else min(self.start, item.start)
        if item.end is not None:
            self.end = item.end if self.end is None else max(self.end, item.end)

    def attrs(self, shared: dict[tuple[str, ...], tuple[str, ...]]) -> dict[str, Any]:
        """The edge's attributes, as tuples; equal ``themes`` and ``status`` tuples are one object
        (``shared``): at Atlas 10× 109,000 edges have a few hundred distinct theme sets, and
        lists of them held 16 MB."""
        themes, statuses = tuple(sorted(self.themes)), tuple(sorted(self.statuses))
        attrs: dict[str, Any] = {
            "weight": len(self.partnerships) + len(self.projects),
            "partnerships": tuple(self.partnerships),
            "projects": tuple(self.projects),
            "themes": shared.setdefault(themes, themes),
            "status": shared.setdefault(statuses, statuses),
        }
        if self.start is not None:
            attrs["start"] = self.start
        if self.end is not None:
            attrs["end"] = self.end
        return attrs


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
        partnerships and projects, and ``partnerships`` / ``projects`` list their IRIs (tuples, in
        IRI order), with ``themes``, ``status`` (sorted tuples), ``start`` (earliest) and ``end``
        (latest).

    Notes
    -----
    A project inside a partnership counts once for the partnership and once for itself, so a
    partnership with two projects between the same authorities weighs 3. Items with more than
    two member authorities link every pair of them (a clique). Without filters every authority
    is a node, isolated ones included; with filters, only the members of the kept items.
    """
    items = select(data, filters)
    edges: dict[tuple[str, str], _EdgeAcc] = defaultdict(_EdgeAcc)
    nodes: set[str] = set() if is_filtered(filters) else set(data.authorities)
    for item in items:
        nodes.update(item.members)
        for a, b in combinations(item.members, 2):
            edges[(a, b)].add(item)
    g = nx.Graph(projection="authority", **graph_attrs(filters))
    g.add_nodes_from((n, authority_attrs(data.authorities.get(n) or Authority(n))) for n in sorted(nodes))
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    g.add_edges_from((a, b, acc.attrs(shared)) for (a, b), acc in edges.items())
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
    g = nx.Graph(projection="place", **graph_attrs(filters))
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


def snapshot(data: NetworkData, year: int, filters: Filters = NO_FILTERS) -> nx.Graph:
    """The authority graph as of ``year``: the partnerships and projects active that year."""
    return authority_graph(data, replace(filters, year=year))


def snapshots(data: NetworkData, years: Iterable[int], filters: Filters = NO_FILTERS) -> dict[int, nx.Graph]:
    """One :func:`snapshot` per year."""
    return {year: snapshot(data, year, filters) for year in years}
