"""The directed know-how flow graph: who shared with whom."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.projections.filters import NO_FILTERS, Filters
from graph.projections.model import NetworkData
from graph.projections.select import authority_attrs, graph_attrs, matches


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
            matches(data.authorities.get(flow.source), countries, kinds)
            or matches(data.authorities.get(flow.target), countries, kinds)
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
    g = nx.DiGraph(projection="knowhow", **graph_attrs(filters))
    for node in sorted(labels):
        authority = data.authorities.get(node)
        attrs = authority_attrs(authority) if authority else {"type": "agent"}
        label = labels[node]
        if label and "label" not in attrs:
            attrs["label"] = label
        g.add_node(node, **attrs)
    g.add_edges_from((s, t, {**acc, "themes": tuple(sorted(acc["themes"]))}) for (s, t), acc in edges.items())
    return g
