"""Louvain communities: networkx's algorithm, step for step, on integer arrays.

:func:`networkx.community.louvain_communities` keeps, for every node of a level, a set in each
of two partitions, a neighbour dictionary, an entry in three more dictionaries and a node of a
full copy of the graph: at Atlas 10× (147,000 authorities) 156 MB and 13.5 s for a result of a
few megabytes, at the moment when the server holds everything else too. This module runs the
same algorithm [1]_ on compressed adjacency arrays (nodes are their positions) and derives the
partitions from the node → community array when a level ends: 20 MB and 5.1 s there, and the
same 40,078 communities.

It is networkx's Louvain, not merely *a* Louvain: nodes are visited in the order of the same
seeded shuffle, neighbour communities are weighed and compared in the order networkx's
dictionaries give them, each level's graph has its edges in the order networkx's
``_gen_graph`` inserts them, and the arithmetic is the same, so the same graph and seed give
the same communities (``tests/test_louvain.py`` checks it against networkx on random weighted
graphs). One difference is left: between levels networkx sums the weights inside a community
in the iteration order of a set, and this module in edge order; with integer weights (what the
projections carry) the sums are exact and equal, with other floats they may differ in the last
bit, which could only matter for a gain within rounding of the 10⁻⁷ threshold. Directed graphs
and multigraphs go to networkx.

References
----------
.. [1] V. D. Blondel, J.-L. Guillaume, R. Lambiotte and E. Lefebvre, "Fast unfolding of
   communities in large networks", J. Stat. Mech. P10008 (2008).
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Sequence
from typing import Any

import networkx as nx
from networkx.utils import create_py_random_state


class _Level:
    """One level's graph: node ``i``'s neighbours are ``nbr[start[i]:start[i + 1]]`` with weights
    ``wt[…]`` (a self-loop among them), in the order networkx's adjacency dictionaries hold them."""

    __slots__ = ("n", "nbr", "start", "wt")

    def __init__(self, n: int, nbr: array[int], start: array[int], wt: list[float]) -> None:
        self.n, self.nbr, self.start, self.wt = n, nbr, start, wt

    def degrees(self) -> list[float]:
        """Weighted degrees as ``G.degree(weight=…)`` gives them (a self-loop counts twice)."""
        out: list[float] = []
        nbr, start, wt = self.nbr, self.start, self.wt
        for i in range(self.n):
            lo, hi = start[i], start[i + 1]
            loop = next((wt[k] for k in range(lo, hi) if nbr[k] == i), False)
            out.append(sum(wt[lo:hi]) + loop)
        return out

    def edges(self) -> Any:
        """``(i, j, weight)`` in ``G.edges`` order: each edge once, from its lower end."""
        nbr, start, wt = self.nbr, self.start, self.wt
        for i in range(self.n):
            for k in range(start[i], start[i + 1]):
                if nbr[k] >= i:
                    yield i, nbr[k], wt[k]


def louvain_communities(
    g: nx.Graph,
    weight: str | None = "weight",
    resolution: float = 1.0,
    threshold: float = 1e-7,
    seed: Any = None,
) -> list[set[Any]]:
    """The communities :func:`networkx.community.louvain_communities` finds, with its arguments.

    Parameters
    ----------
    g : networkx.Graph
        Undirected; a directed graph or a multigraph is handed to networkx.
    weight : str or None, optional
        Edge attribute holding the weight (missing: 1); ``None`` weighs every edge 1.
    resolution : float, optional
        Above 1 favours smaller communities, below 1 larger ones.
    threshold : float, optional
        A level whose modularity gain is at most this ends the algorithm.
    seed : int, random.Random or None, optional
        Seed of the node order, as networkx takes it.

    Returns
    -------
    list of sets
        The partition of the last level, in networkx's order.
    """
    if g.is_directed() or g.is_multigraph():
        found = nx.community.louvain_communities(g, weight, resolution, threshold, seed=seed)
        return list(found)
    rng = create_py_random_state(seed)
    nodes = list(g)
    if g.number_of_edges() == 0:
        return [{u} for u in nodes]
    level = _first_level(g, nodes, weight)
    members: list[list[int]] = [[i] for i in range(level.n)]
    degrees = level.degrees()
    m = sum(degrees) / 2  # graph.size(weight="weight")
    modularity = _modularity(level, list(range(level.n)), level.n, resolution)
    while True:
        community, count, improved = _one_level(level, m, resolution, rng)
        members = _merged(members, community, count)
        new_modularity = _modularity(level, community, count, resolution)
        if not improved or new_modularity - modularity <= threshold:
            break
        modularity = new_modularity
        level = _next_level(level, community, count)
    return [{nodes[i] for i in group} for group in members]


def _first_level(g: nx.Graph, nodes: Sequence[Hashable], weight: str | None) -> _Level:
    """The copy networkx makes (``add_weighted_edges_from(G.edges(data=weight, default=1))``):
    each node's neighbours in the order its edges come in ``G.edges``. Two passes over the
    edges (count, then fill), so that no list per node is made on the way to the arrays."""
    index = {u: i for i, u in enumerate(nodes)}
    start = array("q", bytes(8 * (len(nodes) + 1)))
    for u, v in g.edges():
        i, j = index[u], index[v]
        start[i + 1] += 1
        if i != j:
            start[j + 1] += 1
    for i in range(len(nodes)):
        start[i + 1] += start[i]
    nbr = array("q", bytes(8 * start[-1]))
    wt: list[float] = [0] * start[-1]
    cursor = array("q", start[:-1])
    for u, v, w in g.edges(data=weight, default=1):
        i, j = index[u], index[v]
        nbr[cursor[i]], wt[cursor[i]] = j, w
        cursor[i] += 1
        if i != j:
            nbr[cursor[j]], wt[cursor[j]] = i, w
            cursor[j] += 1
    return _Level(len(nodes), nbr, start, wt)


def _packed(adjacency: list[list[int]], weights: list[list[float]]) -> _Level:
    start = array("q", [0])
    for row in adjacency:
        start.append(start[-1] + len(row))
    nbr = array("q", (j for row in adjacency for j in row))
    return _Level(len(adjacency), nbr, start, [w for row in weights for w in row])


def _one_level(level: _Level, m: float, resolution: float, rng: Any) -> tuple[array[int], int, bool]:
    """networkx's ``_one_level``: move nodes to the neighbour community of best gain until none
    moves. Returns each node's community, renumbered to ``0..count-1`` in the order of the
    non-empty communities, their count, and whether any node moved."""
    n, nbr, start, wt = level.n, level.nbr, level.start, level.wt
    node2com = array("q", range(n))
    degrees = level.degrees()
    stot = list(degrees)
    order = list(range(n))
    rng.shuffle(order)
    two_m2 = 2 * m**2
    improved = False
    moves = 1
    while moves > 0:
        moves = 0
        for u in order:
            best_mod: float = 0
            best_com = node2com[u]
            weights2com: dict[int, float] = {}
            for k in range(start[u], start[u + 1]):
                v = nbr[k]
                if v != u:
                    c = node2com[v]
                    weights2com[c] = weights2com.get(c, 0.0) + wt[k]
            degree = degrees[u]
            stot[best_com] -= degree
            own = weights2com.setdefault(best_com, 0.0)  # networkx's defaultdict adds it last
            remove_cost = -own / m + resolution * (stot[best_com] * degree) / two_m2
            for nbr_com, w in weights2com.items():
                gain = remove_cost + w / m - resolution * (stot[nbr_com] * degree) / two_m2
                if gain > best_mod:
                    best_mod = gain
                    best_com = nbr_com
            stot[best_com] += degree
            if best_com != node2com[u]:
                improved = True
                moves += 1
                node2com[u] = best_com
    renumber = {c: i for i, c in enumerate(sorted(set(node2com)))}
    return array("q", (renumber[c] for c in node2com)), len(renumber), improved


def _merged(members: list[list[int]], community: array[int], count: int) -> list[list[int]]:
    """The original nodes in each community of this level (networkx's ``partition``)."""
    out: list[list[int]] = [[] for _ in range(count)]
    for node, c in enumerate(community):
        out[c].extend(members[node])
    return out


def _modularity(level: _Level, community: Sequence[int], count: int, resolution: float) -> float:
    """``nx.community.modularity(graph, inner_partition, weight="weight")`` of this level."""
    degrees = level.degrees()
    deg_sum = sum(degrees)
    m, norm = deg_sum / 2, 1 / deg_sum**2
    inside = [0.0] * count
    total = [0.0] * count
    for i, j, w in level.edges():
        if community[i] == community[j]:
            inside[community[i]] += w
    for i, d in enumerate(degrees):
        total[community[i]] += d
    return sum(inside[c] / m - resolution * total[c] * total[c] * norm for c in range(count))


def _next_level(level: _Level, community: array[int], count: int) -> _Level:
    """networkx's ``_gen_graph``: one node per community, edges merged in the order they come."""
    adjacency: list[list[int]] = [[] for _ in range(count)]
    weights: list[list[float]] = [[] for _ in range(count)]
    slot: dict[tuple[int, int], tuple[int, int]] = {}
    """(lower, higher) community → the edge's positions in their two rows."""
    for i, j, w in level.edges():
        a, b = community[i], community[j]
        key = (a, b) if a <= b else (b, a)
        where = slot.get(key)
        if where is None:  # a new edge: added at the end of a's row, then of b's (networkx's add_edge)
            at_a, at_b = len(adjacency[a]), len(adjacency[b])
            slot[key] = (at_a, at_b) if key == (a, b) else (at_b, at_a)
            adjacency[a].append(b)
            weights[a].append(w)
            if a != b:
                adjacency[b].append(a)
                weights[b].append(w)
        else:  # networkx: weight=wt + temp, one dict at both ends, its place in each row kept
            low, high = key
            total = w + weights[low][where[0]]
            weights[low][where[0]] = total
            weights[high][where[1]] = total
    return _packed(adjacency, weights)
