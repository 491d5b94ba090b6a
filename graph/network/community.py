"""Louvain communities: the clusters of authorities that partner mostly among themselves."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.network.louvain import louvain_communities
from graph.network.undefined import safe


def communities(
    g: nx.Graph, *, seed: int = 0, resolution: float = 1.0, weight: str | None = "weight"
) -> dict[str, Any]:
    """Louvain communities and their modularity.

    Parameters
    ----------
    g : networkx.Graph
    seed : int, optional
        Seed of the Louvain node order; the same seed on the same graph gives the same
        partition.
    resolution : float, optional
        Above 1 favours smaller communities, below 1 larger ones.
    weight : str or None, optional
        Edge attribute used as weight (default ``"weight"``).

    Returns
    -------
    dict
        ``communities``: lists of nodes, largest first (ties by first node), each sorted;
        ``modularity`` of that partition (``None`` without edges); ``count``; ``sizes``.

    Notes
    -----
    The partition of :func:`networkx.community.louvain_communities` [1]_, found by
    :func:`graph.network.louvain.louvain_communities` (the same algorithm on arrays, a tenth of
    the memory). Isolated nodes form communities of one.

    References
    ----------
    .. [1] V. D. Blondel, J.-L. Guillaume, R. Lambiotte and E. Lefebvre, "Fast unfolding of
       communities in large networks", J. Stat. Mech. P10008 (2008).
    """
    if g.number_of_nodes() == 0:
        return {"communities": [], "modularity": None, "count": 0, "sizes": []}
    parts = louvain_communities(g, seed=seed, resolution=resolution, weight=weight)
    ordered = sorted((sorted(p, key=str) for p in parts), key=lambda p: (-len(p), str(p[0])))
    modularity = (
        safe(lambda: nx.community.modularity(g, parts, weight=weight, resolution=resolution))
        if g.number_of_edges()
        else None
    )
    return {
        "communities": ordered,
        "modularity": modularity,
        "count": len(ordered),
        "sizes": [len(p) for p in ordered],
    }
