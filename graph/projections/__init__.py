"""Projections of the RDF graph into networkx graphs, the input of every network analysis.

The store is read once through the ``net_*`` named queries into :class:`NetworkData` (plain
Python tables: authorities, partnerships and projects with their members, know-how flows, the
theme hierarchy; :mod:`.fetch`). Every projection is then a pure function of that table and of
:class:`Filters` (:mod:`.filters`), so it can be cached per store version and tested without a
store: the authority graph, its snapshots and the place graph (:mod:`.authorities`), the
bipartite graphs and their projections (:mod:`.bipartite`), the know-how flows
(:mod:`.knowhow`).

Node identifiers are IRIs. Node and edge attributes hold plain values only (``str``, ``int``,
``float``, lists of ``str``); an unknown value is left out rather than stored as ``None``.
"""

from __future__ import annotations

from graph.projections.authorities import authority_graph, place_graph, snapshot, snapshots
from graph.projections.bipartite import authority_country_graph, authority_item_graph, projected
from graph.projections.fetch import fetch
from graph.projections.filters import NO_FILTERS, FilterError, Filters
from graph.projections.knowhow import knowhow_graph
from graph.projections.model import Authority, Flow, Item, NetworkData
from graph.projections.select import select

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
