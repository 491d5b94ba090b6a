"""The bipartite graphs (authority–project or –partnership, authority–partner country) and their
weighted one-sided projections."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

import networkx as nx
from networkx.algorithms import bipartite

from graph.projections.filters import NO_FILTERS, Filters
from graph.projections.model import Authority, NetworkData
from graph.projections.select import authority_attrs, graph_attrs, select


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
    g = nx.Graph(projection=f"authority-{items}", **graph_attrs(filters))
    g.add_nodes_from(
        (a, {**authority_attrs(data.authorities.get(a) or Authority(a)), "bipartite": 0}) for a in sorted(authorities)
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
    g = nx.Graph(projection="authority-country", **graph_attrs(filters))
    g.add_nodes_from(
        (a, {**authority_attrs(data.authorities.get(a) or Authority(a)), "bipartite": 0}) for a in sorted(authorities)
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
