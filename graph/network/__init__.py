"""Network analyses of a partnership graph: each a pure function of a networkx graph.

Every function here takes a graph built by :mod:`graph.projections` (or any networkx graph)
and returns plain data — dicts and lists of ``str``, ``int``, ``float``, ``bool`` and
``None`` — ready for JSON. Nothing reads the store, nothing mutates its input. A measure that
is undefined on the graph at hand (an empty graph, no edges, constant degree) is ``None``
rather than ``NaN`` or an exception: a researcher filtering the network down to one
partnership must get an answer, not a traceback.

One module per kind of question, all re-exported here (``from graph import network``):
:mod:`~graph.network.structure` (size, cohesion, mixing), :mod:`~graph.network.centralities`,
:mod:`~graph.network.structural_holes` (Burt's brokerage), :mod:`~graph.network.community`
(Louvain communities, found by :mod:`~graph.network.louvain`), :mod:`~graph.network.paths`
(shortest chains, ego networks),
:mod:`~graph.network.timeline` (activity per year) and :mod:`~graph.network.ranking`.
"""

from __future__ import annotations

from graph.network.centralities import (
    BETWEENNESS_SAMPLE,
    BETWEENNESS_THRESHOLD,
    CENTRALITIES,
    betweenness,
    centrality,
    closeness,
    degree,
    eigenvector,
)
from graph.network.community import communities
from graph.network.nodes import describe
from graph.network.paths import ego, ego_network, shortest_path
from graph.network.ranking import ranked, top_k
from graph.network.structural_holes import brokerage
from graph.network.structure import summary
from graph.network.timeline import evolution

__all__ = [
    "BETWEENNESS_SAMPLE",
    "BETWEENNESS_THRESHOLD",
    "CENTRALITIES",
    "betweenness",
    "brokerage",
    "centrality",
    "closeness",
    "communities",
    "degree",
    "describe",
    "ego",
    "ego_network",
    "eigenvector",
    "evolution",
    "ranked",
    "shortest_path",
    "summary",
    "top_k",
]
