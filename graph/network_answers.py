"""Network answers over a store: project, analyse, cache — what the CLI and the API call.

query → project → analyse → render: this module reads the store once per version
(:func:`graph.projections.fetch`), builds the projection asked for, runs the analysis of
:mod:`graph.network` and caches the result per ``(store version, analysis, filters)``
(:mod:`graph.network_cache`). Names typed by a person ("Lille", "Quito") are resolved to
nodes here, accent- and case-insensitively, through the search's text index (the names) and the
``net_name_bearers`` query (who bears them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import networkx as nx
from rdflib import URIRef

from graph import network, network_export
from graph import projections as proj
from graph.network_cache import CACHE, ResultCache
from graph.projections import NO_FILTERS, Filters, NetworkData
from graph.resources.identifiers import check_iri
from graph.resources.kinds import InvalidParameter
from graph.resources.labels import fold  # the search's key, which the text index is folded with
from graph.resources.rows import select_rows_for
from graph.resources.text_index import text_index
from graph.store import Store

__all__ = [
    "PROJECTIONS",
    "AmbiguousName",
    "brokers",
    "centrality",
    "communities",
    "ego",
    "evolution",
    "export",
    "load",
    "path",
    "projection",
    "resolve",
    "summary",
    "twin_towns_france",
]


def _authority_project(data: NetworkData, f: Filters) -> nx.Graph:
    return proj.projected(proj.authority_item_graph(data, f, "projects"), 0)


def _country_country(data: NetworkData, f: Filters) -> nx.Graph:
    return proj.projected(proj.authority_country_graph(data, f), 1)


PROJECTIONS: dict[str, Callable[[NetworkData, Filters], nx.Graph]] = {
    "authority": proj.authority_graph,
    "place": proj.place_graph,
    "knowhow": proj.knowhow_graph,
    "authority-project": lambda d, f: proj.authority_item_graph(d, f, "projects"),
    "authority-partnership": lambda d, f: proj.authority_item_graph(d, f, "partnerships"),
    "authority-country": proj.authority_country_graph,
    "authority-by-project": _authority_project,
    "country-by-authority": _country_country,
}
"""The projections by name: the authority graph (default), places, know-how flows, the bipartite
graphs and two weighted projections (authorities sharing projects, countries sharing partner
authorities)."""


class AmbiguousName(ValueError):
    """A name that matches several nodes; ``candidates`` lists them (``id``, ``label``)."""

    def __init__(self, name: str, candidates: list[dict[str, str]], parameter: str | None = None) -> None:
        listed = "; ".join(f"{c['label']} <{c['id']}>" for c in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        super().__init__(f"{name!r} matches {len(candidates)} nodes: {listed}{more}; give an IRI")
        self.name, self.candidates, self.parameter = name, candidates, parameter


class UnknownName(KeyError):
    """A name or IRI that is no node of the projection; ``parameter`` says which argument."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter

    def __str__(self) -> str:
        return str(self.args[0])


def load(store: Store, cache: ResultCache = CACHE) -> NetworkData:
    """The projection tables of ``store``, read once per store version."""
    return cache.get(store, ("data",), lambda: proj.fetch(store))


def projection(
    store: Store, name: str = "authority", filters: Filters = NO_FILTERS, cache: ResultCache = CACHE
) -> nx.Graph:
    """The projection ``name`` (see :data:`PROJECTIONS`) under ``filters``; do not mutate it."""
    if name not in PROJECTIONS:
        raise proj.FilterError("projection", f"unknown projection {name!r}; choose one of {', '.join(PROJECTIONS)}")
    data = load(store, cache)
    return cache.get(store, ("graph", name, filters.key()), lambda: PROJECTIONS[name](data, filters))


def _answer(store: Store, key: tuple[Any, ...], compute: Callable[[], Any], cache: ResultCache) -> Any:
    return cache.get(store, ("answer", *key), compute)


def summary(
    store: Store, filters: Filters = NO_FILTERS, projection_name: str = "authority", cache: ResultCache = CACHE
) -> dict[str, Any]:
    """:func:`graph.network.summary` of a projection, with the projection and filters named."""

    def compute() -> dict[str, Any]:
        g = projection(store, projection_name, filters, cache)
        return {"projection": projection_name, "filters": filters.as_dict(), **network.summary(g)}

    return _answer(store, ("summary", projection_name, filters.key()), compute, cache)  # type: ignore[no-any-return]


def centrality(
    store: Store,
    measure: str = "degree",
    filters: Filters = NO_FILTERS,
    top: int | None = 10,
    *,
    seed: int = 0,
    k: int | None = None,
    projection_name: str = "authority",
    cache: ResultCache = CACHE,
) -> dict[str, Any]:
    """The ``top`` nodes by ``measure`` (lowest first for Burt's ``constraint``)."""
    if measure not in network.CENTRALITIES:
        raise proj.FilterError(
            "measure", f"unknown measure {measure!r}; choose one of {', '.join(network.CENTRALITIES)}"
        )

    def compute() -> dict[str, Any]:
        g = projection(store, projection_name, filters, cache)
        result = network.centrality(g, measure, seed=seed, k=k)
        values = result.pop("values")
        rows = network.ranked(g, values, top, reverse=measure != "constraint")
        return {"measure": measure, "projection": projection_name, "filters": filters.as_dict(), **result, "top": rows}

    key = ("centrality", measure, projection_name, filters.key(), top, seed, k)
    return _answer(store, key, compute, cache)  # type: ignore[no-any-return]


def communities(
    store: Store,
    filters: Filters = NO_FILTERS,
    top: int | None = 10,
    *,
    seed: int = 0,
    resolution: float = 1.0,
    projection_name: str = "authority",
    cache: ResultCache = CACHE,
) -> dict[str, Any]:
    """Louvain communities (the ``top`` largest listed with their members) and modularity."""

    def compute() -> dict[str, Any]:
        g = projection(store, projection_name, filters, cache)
        result = _partition(store, projection_name, filters, seed, resolution, cache)
        listed = result["communities"] if top is None else result["communities"][:top]
        return {
            "projection": projection_name,
            "filters": filters.as_dict(),
            "seed": seed,
            "modularity": result["modularity"],
            "count": result["count"],
            "sizes": result["sizes"],
            "communities": [
                {"index": i, "size": len(members), "members": [network.describe(g, v) for v in members]}
                for i, members in enumerate(listed)
            ],
        }

    key = ("communities", projection_name, filters.key(), top, seed, resolution)
    return _answer(store, key, compute, cache)  # type: ignore[no-any-return]


def _partition(
    store: Store, projection_name: str, filters: Filters, seed: int, resolution: float, cache: ResultCache
) -> dict[str, Any]:
    """The Louvain partition of a projection, computed once for :func:`communities` and
    :func:`brokers` (18 s at Atlas 10×: each computed its own)."""

    def compute() -> dict[str, Any]:
        g = projection(store, projection_name, filters, cache)
        return network.communities(g, seed=seed, resolution=resolution)

    return _answer(store, ("partition", projection_name, filters.key(), seed, resolution), compute, cache)  # type: ignore[no-any-return]


def brokers(
    store: Store, filters: Filters = NO_FILTERS, top: int = 10, *, seed: int = 0, cache: ResultCache = CACHE
) -> dict[str, Any]:
    """Competency question 12: the brokers (highest betweenness), each with its Louvain
    community, Burt's constraint and effective size; and the communities' sizes."""

    def compute() -> dict[str, Any]:
        g = projection(store, "authority", filters, cache)
        between = network.betweenness(g, seed=seed)
        parts = _partition(store, "authority", filters, seed, 1.0, cache)
        community_of = {v: i for i, members in enumerate(parts["communities"]) for v in members}
        burt = network.brokerage(g)
        rows = network.ranked(g, between["values"], top)
        for row in rows:
            v = row["id"]
            row.update(
                community=community_of.get(v),
                constraint=burt["constraint"].get(v),
                effective_size=burt["effective_size"].get(v),
                degree=g.degree(v),
            )
        return {
            "filters": filters.as_dict(),
            "exact": between["exact"],
            "brokers": rows,
            "modularity": parts["modularity"],
            "communities": parts["count"],
            "sizes": parts["sizes"],
        }

    return _answer(store, ("brokers", filters.key(), top, seed), compute, cache)  # type: ignore[no-any-return]


def path(
    store: Store,
    source: str,
    target: str,
    filters: Filters = NO_FILTERS,
    *,
    projection_name: str = "authority",
    cache: ResultCache = CACHE,
) -> dict[str, Any]:
    """Competency question 13: the shortest chain of partnerships between two nodes given by
    IRI or name; ``path`` is ``None`` when none links them."""
    g = projection(store, projection_name, filters, cache)
    a = resolve(store, source, g, parameter="source", cache=cache)
    b = resolve(store, target, g, parameter="target", cache=cache)
    return {
        "projection": projection_name,
        "filters": filters.as_dict(),
        "source": a,
        "target": b,
        "path": network.shortest_path(g, a, b),
    }


def ego(
    store: Store,
    node: str,
    radius: int = 1,
    filters: Filters = NO_FILTERS,
    *,
    projection_name: str = "authority",
    cache: ResultCache = CACHE,
) -> dict[str, Any]:
    """The ego network of a node (IRI or name) within ``radius`` hops."""
    if radius < 0:
        raise proj.FilterError("radius", f"must be 0 or more, not {radius}")
    g = projection(store, projection_name, filters, cache)
    center = resolve(store, node, g, parameter="node", cache=cache)
    return {"projection": projection_name, "filters": filters.as_dict(), **network.ego(g, center, radius)}


def ego_graph(
    store: Store, node: str, radius: int = 1, filters: Filters = NO_FILTERS, *, cache: ResultCache = CACHE
) -> nx.Graph:
    """The ego network as a graph (for export)."""
    g = projection(store, "authority", filters, cache)
    return network.ego_network(g, resolve(store, node, g, parameter="node", cache=cache), radius)


def evolution(store: Store, filters: Filters = NO_FILTERS, cache: ResultCache = CACHE) -> dict[str, Any]:
    """Partnerships active and new per year, overall and by country (``year`` filter ignored:
    the answer spans every year)."""

    def compute() -> dict[str, Any]:
        data = load(store, cache)
        span = replace(filters, year=None)
        kept = replace(data, items=tuple(proj.select(data, span)))
        return {"filters": span.as_dict(), "years": network.evolution(kept)}

    return _answer(store, ("evolution", filters.key()), compute, cache)  # type: ignore[no-any-return]


def export(
    store: Store,
    fmt: str,
    filters: Filters = NO_FILTERS,
    projection_name: str = "authority",
    cache: ResultCache = CACHE,
    *,
    chunk_size: int | None = None,
) -> Iterator[bytes]:
    """A projection serialised as GraphML, GEXF or CSV (see :mod:`graph.network_export`), in
    chunks written as they are read. The format is checked and the projection made (or taken
    from the cache) at the call, so that errors come before any chunk."""
    if fmt not in network_export.FORMATS:
        raise proj.FilterError("format", f"unknown format {fmt!r}; choose one of {', '.join(network_export.FORMATS)}")
    return network_export.stream(projection(store, projection_name, filters, cache), fmt, chunk_size=chunk_size)


# -- names ------------------------------------------------------------------------------------


def resolve(store: Store, name: str, g: nx.Graph, *, parameter: str | None = None, cache: ResultCache = CACHE) -> str:
    """The node of ``g`` that ``name`` means: an IRI, or a label of an authority or of the place
    it governs (accent- and case-insensitive; an exact match first, else a unique partial one).

    In the place graph an authority's name means the place it governs; in the authority graph
    a place's name means the authority governing it (ambiguous if several do, as Lille and the
    Métropole européenne de Lille both govern Lille).

    Raises
    ------
    UnknownName
        No node of ``g`` answers to ``name``.
    AmbiguousName
        Several do; the error lists them.
    """
    text = name.strip()
    by_place = g.graph.get("projection") == "place"
    if text in g:
        return text
    if not fold(text) and "://" not in text:
        raise UnknownName(f"{parameter or 'name'}: empty name", parameter)
    matches = _named(store, text)
    nodes: set[str] = set()
    for entity, authority in matches:
        if by_place:
            place = entity if entity != authority else _place_of(store, authority, cache)
            if place is not None and place in g:
                nodes.add(place)
        elif authority in g:
            nodes.add(authority)
    if not nodes:
        raise UnknownName(f"{parameter or 'name'}: no node of the network is named {name!r}", parameter)
    if len(nodes) > 1:
        labels = {n: g.nodes[n].get("label", n) for n in nodes}
        candidates = [{"id": n, "label": labels[n]} for n in sorted(nodes, key=lambda n: (labels[n], n))]
        raise AmbiguousName(name, candidates, parameter)
    return nodes.pop()


def _named(store: Store, text: str) -> set[tuple[str, str]]:
    """(entity, authority) pairs that ``text`` names: ``text`` an IRI of an authority or of a
    place it governs; else a name of an authority or of a place it governs, folded (the exact
    name if any bears it, else every name containing it), found in the search's text index."""
    if "://" in text:
        try:
            iri = URIRef(check_iri("name", text))
        except InvalidParameter:
            return set()
        governs = [*store.iter_values("net_governs", authority=iri), *store.iter_values("net_governs", place=iri)]
        return {(place, authority) for authority, place in governs if authority and place}
    wanted = fold(text)
    if not wanted:
        return set()
    index = text_index(store)
    found = list(index.containing(wanted.split()))
    exact = [i for i in found if index.folded_text(i) == wanted]
    labels = [index.literal(i) for i in exact or [i for i in found if wanted in index.folded_text(i)]]
    bearers = select_rows_for(store, "net_name_bearers", "label", labels, chunk=NAMES_CHUNK)
    return {(row["entity"].value, row["authority"].value) for row in bearers if "entity" in row and "authority" in row}


NAMES_CHUNK = 2000
"""Names per ``net_name_bearers`` query."""


def _place_of(store: Store, authority: str, cache: ResultCache) -> str | None:
    a = load(store, cache).authorities.get(authority)
    return a.place if a else None


def twin_towns_france(store: Store, top: int | None = 10, cache: ResultCache = CACHE) -> dict[str, Any]:
    """Competency question 16: the French cities with the most twins, and the countries most
    linked to France (distinct town pairs), from the named query ``cq16_twin_towns_france``."""

    def compute() -> dict[str, Any]:
        _, rows = store.select_values("cq16_twin_towns_france")
        answer: dict[str, list[dict[str, Any]]] = {"city": [], "country": []}
        for kind, item, label, twins in rows:
            if kind in answer and item:
                answer[kind].append(
                    {"id": item, "label": label or item.rstrip("/").rsplit("/", 1)[-1], "twins": int(twins or 0)}
                )
        return {
            "cities": answer["city"] if top is None else answer["city"][:top],
            "countries": answer["country"] if top is None else answer["country"][:top],
        }

    return _answer(store, ("cq16", top), compute, cache)  # type: ignore[no-any-return]
