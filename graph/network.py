"""Network analyses of a partnership graph: each a pure function of a networkx graph.

Every function here takes a graph built by :mod:`graph.projections` (or any networkx graph)
and returns plain data — dicts and lists of ``str``, ``int``, ``float``, ``bool`` and
``None`` — ready for JSON. Nothing reads the store, nothing mutates its input. A measure that
is undefined on the graph at hand (an empty graph, no edges, constant degree) is ``None``
rather than ``NaN`` or an exception: a researcher filtering the network down to one
partnership must get an answer, not a traceback.
"""

from __future__ import annotations

import itertools
import math
import random
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import networkx as nx
from networkx.algorithms.centrality.betweenness import _rescale

from graph.projections import NetworkData

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

BETWEENNESS_THRESHOLD = 2000
"""Above this many nodes, betweenness is estimated from a sample of source nodes."""

BETWEENNESS_SAMPLE = 32
"""How many source nodes the estimate uses by default (see :func:`betweenness`)."""

T = TypeVar("T")


def _finite(value: Any) -> float | None:
    """``value`` as a float, or ``None`` when it is missing, NaN or infinite."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _safe(compute: Callable[[], Any]) -> float | None:
    """The value of ``compute()``, or ``None`` when the measure is undefined on this graph."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return _finite(compute())
        except (ZeroDivisionError, ValueError, KeyError, IndexError, nx.NetworkXException):
            return None


def _components(g: nx.Graph) -> list[set[Any]]:
    if g.is_directed():
        return list(nx.weakly_connected_components(g))
    return list(nx.connected_components(g))


# -- summary ---------------------------------------------------------------------------------


def summary(g: nx.Graph, attribute: str = "country") -> dict[str, Any]:
    """Size, cohesion and mixing of a graph.

    Parameters
    ----------
    g : networkx.Graph
        Any graph; a directed one is summarised by its weak components.
    attribute : str, optional
        The node attribute whose assortativity is reported (default ``"country"``): do
        authorities partner mostly within their own country? Nodes lacking it are left out of
        that coefficient.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``density``, ``components``, ``largest_component`` (nodes in the
        largest (weak) component), ``isolates``, ``average_degree``, ``transitivity``,
        ``average_clustering``, ``degree_assortativity``, ``attribute_assortativity`` (with
        ``attribute``) and ``directed``. Undefined measures are ``None``.

    Notes
    -----
    Clustering and transitivity ignore edge weights and direction, as researchers comparing
    with other studies expect. Degree assortativity is undefined (``None``) when every node
    has the same degree, and on graphs without edges [1]_.

    References
    ----------
    .. [1] M. E. J. Newman, "Mixing patterns in networks", Phys. Rev. E 67, 026126 (2003).
    """
    n, m = g.number_of_nodes(), g.number_of_edges()
    components = _components(g)
    undirected = g.to_undirected(as_view=True) if g.is_directed() else g
    with_attribute = [v for v, d in g.nodes(data=True) if d.get(attribute) is not None]
    return {
        "directed": g.is_directed(),
        "nodes": n,
        "edges": m,
        "density": _safe(lambda: nx.density(g)) if n > 1 else None,
        "components": len(components),
        "largest_component": max((len(c) for c in components), default=0),
        "isolates": sum(1 for _ in nx.isolates(g)),
        "average_degree": (2 * m / n if not g.is_directed() else m / n) if n else None,
        **_clustering(undirected),
        "degree_assortativity": _safe(lambda: nx.degree_assortativity_coefficient(g)) if m else None,
        "attribute": attribute,
        "attribute_assortativity": (
            _safe(lambda: nx.attribute_assortativity_coefficient(g.subgraph(with_attribute), attribute))
            if m and with_attribute
            else None
        ),
    }


def _clustering(g: nx.Graph) -> dict[str, float | None]:
    """Transitivity and average clustering from one triangle count (networkx computes triangles
    twice, once for each); the same values as :func:`networkx.transitivity` and
    :func:`networkx.average_clustering`."""
    if g.number_of_nodes() == 0:
        return {"transitivity": None, "average_clustering": None}
    if g.is_multigraph() or nx.number_of_selfloops(g):
        return {
            "transitivity": _safe(lambda: nx.transitivity(g)),
            "average_clustering": _safe(lambda: nx.average_clustering(g)),
        }
    triangles = nx.triangles(g)
    triads = local = 0.0
    for v, d in g.degree():
        if d > 1:
            pairs = d * (d - 1) / 2
            triads += pairs
            local += triangles[v] / pairs
    closed = sum(triangles.values())
    return {
        "transitivity": closed / triads if closed else 0.0,
        "average_clustering": local / g.number_of_nodes(),
    }


# -- centralities ----------------------------------------------------------------------------


def degree(g: nx.Graph, *, weight: str | None = None) -> dict[Any, float]:
    """Degree centrality: the share of the other nodes each node is linked to.

    With ``weight`` (e.g. ``"weight"``), the weighted degree (strength) instead: how many
    partnerships and projects each authority takes part in, counted per partner.

    See Also
    --------
    networkx.degree_centrality
    """
    if weight is not None:
        return {v: float(d) for v, d in g.degree(weight=weight)}
    if g.number_of_nodes() <= 1:
        return {v: 0.0 for v in g}
    return dict(nx.degree_centrality(g))


def betweenness(
    g: nx.Graph,
    *,
    k: int | None = None,
    seed: int = 0,
    threshold: int = BETWEENNESS_THRESHOLD,
    normalized: bool = True,
) -> dict[str, Any]:
    """Betweenness centrality: how often a node lies on the shortest paths between others.

    The brokers of the network (competency question 12) are the authorities with the highest
    betweenness: remove them and chains of partnerships break.

    Parameters
    ----------
    g : networkx.Graph
    k : int, optional
        Estimate from ``k`` source nodes sampled with ``seed``. When ``None``, the exact value
        is computed up to ``threshold`` nodes and an estimate from
        ``max(BETWEENNESS_SAMPLE, ...)`` sources above it (see Notes).
    seed : int, optional
        Seed of the sample; the same seed on the same graph gives the same estimate.
    threshold : int, optional
        Node count above which sampling is the default (2,000).
    normalized : bool, optional
        Normalise as :func:`networkx.betweenness_centrality` does.

    Returns
    -------
    dict
        ``values`` (node → betweenness), ``exact`` (bool), ``k`` (sources used) and ``seed``.

    Notes
    -----
    Brandes' algorithm costs one breadth-first search per source, O(nm) in all [1]_. Sampling
    ``k`` sources gives an unbiased estimate in O(km) [2]_, with the same sample and scaling as
    :func:`networkx.betweenness_centrality` (``random.Random(seed).sample``), so both give the
    same values. Each search runs level by level on a sparse adjacency matrix (see
    ``_brandes``). Shortest paths are counted in hops: the edge weight counts partnerships, it
    is not a distance. Values are ``None`` where networkx's scaling is undefined (k = 1).

    References
    ----------
    .. [1] U. Brandes, "A faster algorithm for betweenness centrality", J. Math. Sociol. 25(2),
       163–177 (2001).
    .. [2] U. Brandes and C. Pich, "Centrality estimation in large networks", Int. J. Bifurcation
       and Chaos 17(7), 2303–2318 (2007).
    """
    n = g.number_of_nodes()
    if k is None and n > threshold:
        k = BETWEENNESS_SAMPLE
    if k is not None and k >= n:
        k = None
    if g.is_multigraph() or nx.number_of_selfloops(g):
        values = nx.betweenness_centrality(g, k=k, seed=seed if k is not None else None, normalized=normalized)
    else:
        sources = list(g) if k is None else random.Random(seed).sample(list(g.nodes()), k)
        values = _rescale(
            _brandes(g, sources),
            n,
            normalized=normalized,
            directed=g.is_directed(),
            endpoints=False,
            sampled_nodes=None if k is None else sources,
        )
    return {"values": {v: _finite(x) for v, x in values.items()}, "exact": k is None, "k": k or n, "seed": seed}


def _brandes(g: nx.Graph, sources: list[Any]) -> dict[Any, float]:
    """Brandes' dependency accumulation from ``sources``, level by level on a sparse matrix.

    The same sums as networkx's ``_accumulate_basic`` (unscaled), but each breadth-first level
    is one sparse matrix–vector product in C instead of a Python loop over edges: about 30×
    faster on the Atlas-shaped graphs, which is what keeps sampled betweenness on the 10× graph
    within seconds.
    """
    import numpy as np

    nodes = list(g)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    a = nx.to_scipy_sparse_array(g, nodelist=nodes, weight=None, format="csr", dtype=float)
    forward = a.T.tocsr() if g.is_directed() else a
    total = np.zeros(n)
    for source in sources:
        s = index[source]
        sigma = np.zeros(n)
        sigma[s] = 1.0
        seen = np.zeros(n, dtype=bool)
        seen[s] = True
        levels = [np.array([s])]
        while True:
            frontier = levels[-1]
            vec = np.zeros(n)
            vec[frontier] = sigma[frontier]
            reach = forward @ vec
            new = np.flatnonzero((reach > 0) & ~seen)
            if new.size == 0:
                break
            seen[new] = True
            sigma[new] = reach[new]
            levels.append(new)
        delta = np.zeros(n)
        for depth in range(len(levels) - 1, 0, -1):
            w = levels[depth]
            coeff = np.zeros(n)
            coeff[w] = (1.0 + delta[w]) / sigma[w]
            v = levels[depth - 1]
            delta[v] += sigma[v] * (a @ coeff)[v]
        delta[s] = 0.0
        total += delta
    return {v: float(total[i]) for i, v in enumerate(nodes)}


def eigenvector(
    g: nx.Graph, *, weight: str | None = "weight", max_iter: int = 1000, tol: float = 1.0e-10
) -> dict[Any, float | None]:
    """Eigenvector centrality, computed in each connected component separately.

    A node is central when its partners are central. On a disconnected graph the leading
    eigenvector concentrates on the largest component and gives zero to every other, so each
    component is scored on its own (values are normalised per component, unit Euclidean norm).

    Parameters
    ----------
    g : networkx.Graph
    weight : str or None, optional
        Edge attribute used as weight (default ``"weight"``, the number of shared partnerships
        and projects); ``None`` for the plain adjacency.
    max_iter : int, optional
        Power iterations before falling back (see Notes).
    tol : float, optional
        Convergence: the summed change within a component below ``size × tol``.

    Returns
    -------
    dict
        Node → centrality; isolated nodes score 0.0; ``None`` where no method converged.

    Notes
    -----
    The power iteration of :func:`networkx.eigenvector_centrality` (on ``A + I``, which also
    converges on bipartite components, the common star-shaped partnership clusters) is run on
    every component at once with a sparse matrix and normalised per component: calling networkx
    once per component costs seconds at the Atlas's thousands of small components. Components
    that have not converged after ``max_iter`` iterations are handed to
    :func:`networkx.eigenvector_centrality_numpy` (ARPACK); if that fails too, their nodes get
    ``None``. Directed graphs are scored per weak component, like networkx, on in-edges.
    """
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    nodes = list(g)
    if not nodes:
        return {}
    a = nx.to_scipy_sparse_array(g, nodelist=nodes, weight=weight, format="csr", dtype=float)
    _, labels = connected_components(a, directed=g.is_directed(), connection="weak")
    sizes = np.bincount(labels)
    at = a.T.tocsr()
    x = np.ones(len(nodes))
    converged = sizes == 1
    for _ in range(max_iter):
        last = x
        x = last + at @ last
        norms = np.sqrt(np.bincount(labels, weights=x * x))
        norms[norms == 0] = 1.0
        x = x / norms[labels]
        change = np.bincount(labels, weights=np.abs(x - last))
        converged = change < sizes * tol
        if converged.all():
            break
    scores: dict[Any, float | None] = {v: float(x[i]) for i, v in enumerate(nodes)}
    degree_zero = {v for v, d in g.degree() if d == 0}
    scores.update(dict.fromkeys(degree_zero, 0.0))
    for label in np.flatnonzero(~converged):
        members = [nodes[i] for i in np.flatnonzero(labels == label)]
        try:
            values = nx.eigenvector_centrality_numpy(g.subgraph(members), weight=weight)
            scores.update({v: _finite(x) for v, x in values.items()})
        except Exception:  # ARPACK failing is not a reason to fail the whole answer
            scores.update(dict.fromkeys(members))
    return scores


def closeness(g: nx.Graph, *, threshold: int = BETWEENNESS_THRESHOLD, k: int = BETWEENNESS_SAMPLE) -> dict[str, Any]:
    """Closeness centrality: how few hops separate a node from those it can reach.

    Parameters
    ----------
    g : networkx.Graph
    threshold : int, optional
        Up to this many nodes, every node is scored.
    k : int, optional
        Above ``threshold``, only the ``k`` nodes of highest degree are scored (one
        breadth-first search each); the others are ``None``.

    Returns
    -------
    dict
        ``values`` (node → closeness or ``None``) and ``exact`` (every node scored).

    Notes
    -----
    Uses the Wasserman–Faust correction of :func:`networkx.closeness_centrality` (on by
    default), which makes values comparable across the components of a fragmented network.
    """
    if g.number_of_nodes() <= threshold:
        return {"values": {v: float(x) for v, x in nx.closeness_centrality(g).items()}, "exact": True}
    chosen = [v for v, _ in sorted(g.degree(), key=lambda vd: (-vd[1], str(vd[0])))[:k]]
    values: dict[Any, float | None] = dict.fromkeys(g)
    for v in chosen:
        values[v] = float(nx.closeness_centrality(g, u=v))
    return {"values": values, "exact": False}


def brokerage(g: nx.Graph, *, weight: str | None = None) -> dict[str, dict[Any, float | None]]:
    """Burt's structural-hole measures: ``constraint`` and ``effective_size`` of each node.

    Low constraint and a large effective size mark a broker whose partners are not partners
    of each other [1]_.

    Parameters
    ----------
    g : networkx.Graph
    weight : str or None, optional
        Edge attribute giving tie strength; ``None`` (default) counts every tie as one.

    Returns
    -------
    dict
        ``{"constraint": {node: value}, "effective_size": {node: value}}``; ``None`` for
        isolated nodes, where both are undefined.

    Notes
    -----
    Same values as :func:`networkx.constraint` and :func:`networkx.effective_size` on an
    undirected graph, computed in O(Σ min(deg u, deg v)) over edges instead of networkx's
    per-node ego graphs and pairwise mutual weights, which took 30 s and gigabytes at the
    Atlas's scale (hubs with hundreds of partners). Directed graphs go to networkx.

    References
    ----------
    .. [1] R. S. Burt, *Structural Holes: The Social Structure of Competition*, Harvard
       University Press (1992).
    """
    if g.is_directed() or g.is_multigraph():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            constraint = nx.constraint(g, weight=weight) if g.number_of_nodes() else {}
            size = nx.effective_size(g, weight=weight) if g.number_of_nodes() else {}
        return {
            "constraint": {v: _finite(x) for v, x in constraint.items()},
            "effective_size": {v: _finite(x) for v, x in size.items()},
        }
    adj = {v: {u: (d.get(weight, 1) if weight else 1) for u, d in nbrs.items() if u != v} for v, nbrs in g.adjacency()}
    strength = {v: float(sum(nbrs.values())) for v, nbrs in adj.items()}
    # p[v][u]: the share of v's ties spent on u (Burt's proportional tie strength)
    p = {v: {u: w / strength[v] for u, w in nbrs.items()} if strength[v] else {} for v, nbrs in adj.items()}
    constraint_of: dict[Any, float | None] = {}
    size_of: dict[Any, float | None] = {}
    for v, nbrs in adj.items():
        if not nbrs:
            constraint_of[v] = size_of[v] = None
            continue
        pv = p[v]
        indirect = dict.fromkeys(nbrs, 0.0)
        redundancy = 0.0
        for q in nbrs:
            pq = p[q]
            # neighbours j of v that q also links to: walk the smaller side
            shared = (j for j in pq if j in nbrs) if len(pq) < len(nbrs) else (j for j in nbrs if j in pq)
            max_q = max(adj[q].values()) if weight else 1
            for j in shared:
                if j == q:
                    continue
                indirect[j] += pv[q] * pq[j]
                redundancy += pv[j] * (adj[q][j] / max_q)
        constraint_of[v] = float(sum((pv[j] + indirect[j]) ** 2 for j in nbrs))
        size_of[v] = float(len(nbrs) - redundancy)
    return {"constraint": constraint_of, "effective_size": size_of}


CENTRALITIES = ("degree", "strength", "betweenness", "eigenvector", "closeness", "constraint", "effective_size")
"""The measures :func:`centrality` knows."""


def centrality(g: nx.Graph, measure: str, *, seed: int = 0, k: int | None = None) -> dict[str, Any]:
    """One of :data:`CENTRALITIES` by name: ``values`` (node → score) and how it was computed."""
    if measure == "degree":
        return {"values": degree(g), "exact": True}
    if measure == "strength":
        return {"values": degree(g, weight="weight"), "exact": True}
    if measure == "betweenness":
        return betweenness(g, k=k, seed=seed)
    if measure == "eigenvector":
        return {"values": eigenvector(g), "exact": True}
    if measure == "closeness":
        return closeness(g)
    if measure in ("constraint", "effective_size"):
        return {"values": brokerage(g)[measure], "exact": True}
    raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(CENTRALITIES)}")


# -- ranking ---------------------------------------------------------------------------------


def top_k(values: Mapping[T, float | None], k: int | None = 10, *, reverse: bool = True) -> list[tuple[T, float]]:
    """The ``k`` best (node, value) pairs, highest first (lowest first with ``reverse=False``).

    ``None`` values are left out; ties are broken by node so the order is reproducible.
    """
    scored = [(v, x) for v, x in values.items() if x is not None]
    scored.sort(key=lambda vx: (-vx[1] if reverse else vx[1], str(vx[0])))
    return scored if k is None else scored[:k]


def ranked(
    g: nx.Graph, values: Mapping[Any, float | None], k: int | None = 10, *, reverse: bool = True
) -> list[dict[str, Any]]:
    """:func:`top_k` as JSON-ready rows: ``id``, ``label``, ``country``, ``kind``, ``value``."""
    return [{**describe(g, v), "value": x} for v, x in top_k(values, k, reverse=reverse)]


def describe(g: nx.Graph, v: Any) -> dict[str, Any]:
    """A node as JSON-ready data: ``id`` and, when known, ``label``, ``country``, ``kind``."""
    d = g.nodes[v]
    row = {"id": v, "label": d.get("label"), "country": d.get("country"), "kind": d.get("kind")}
    return {key: value for key, value in row.items() if value is not None}


# -- communities -----------------------------------------------------------------------------


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
    Uses :func:`networkx.community.louvain_communities` [1]_. Isolated nodes form
    communities of one.

    References
    ----------
    .. [1] V. D. Blondel, J.-L. Guillaume, R. Lambiotte and E. Lefebvre, "Fast unfolding of
       communities in large networks", J. Stat. Mech. P10008 (2008).
    """
    if g.number_of_nodes() == 0:
        return {"communities": [], "modularity": None, "count": 0, "sizes": []}
    parts = nx.community.louvain_communities(g, seed=seed, resolution=resolution, weight=weight)
    ordered = sorted((sorted(p, key=str) for p in parts), key=lambda p: (-len(p), str(p[0])))
    modularity = (
        _safe(lambda: nx.community.modularity(g, parts, weight=weight, resolution=resolution))
        if g.number_of_edges()
        else None
    )
    return {
        "communities": ordered,
        "modularity": modularity,
        "count": len(ordered),
        "sizes": [len(p) for p in ordered],
    }


# -- paths and neighbourhoods ---------------------------------------------------------------


def shortest_path(g: nx.Graph, source: Any, target: Any) -> dict[str, Any] | None:
    """The shortest chain of partnerships between two nodes (competency question 13).

    Parameters
    ----------
    g : networkx.Graph
        A projection whose edges carry ``partnerships`` and ``projects`` (IRI lists).
    source, target
        Nodes of ``g``.

    Returns
    -------
    dict or None
        ``length`` (hops), ``nodes`` (each ``id`` and ``label``…) and ``edges`` (each
        ``source``, ``target``, ``partnerships``, ``projects``, ``weight``), or ``None`` when
        no chain links them.

    Raises
    ------
    KeyError
        If ``source`` or ``target`` is not a node of ``g``.

    Notes
    -----
    Fewest hops (breadth-first), ties broken by networkx's neighbour order, which follows node
    insertion order and is therefore reproducible for a given store.
    """
    for end in (source, target):
        if end not in g:
            raise KeyError(f"{end} is not in the network (no partnership under these filters)")
    try:
        nodes = nx.shortest_path(g, source, target)
    except nx.NetworkXNoPath:
        return None
    edges = []
    for a, b in itertools.pairwise(nodes):
        d = g.edges[a, b]
        edges.append(
            {
                "source": a,
                "target": b,
                "weight": d.get("weight", 1),
                "partnerships": list(d.get("partnerships", [])),
                "projects": list(d.get("projects", [])),
            }
        )
    return {"length": len(nodes) - 1, "nodes": [describe(g, v) for v in nodes], "edges": edges}


def ego_network(g: nx.Graph, center: Any, radius: int = 1) -> nx.Graph:
    """The subgraph of the nodes within ``radius`` hops of ``center`` (a copy).

    Raises
    ------
    KeyError
        If ``center`` is not a node of ``g``.
    ValueError
        If ``radius`` is negative.
    """
    if center not in g:
        raise KeyError(f"{center} is not in the network (no partnership under these filters)")
    if radius < 0:
        raise ValueError(f"radius must be 0 or more, not {radius}")
    return nx.ego_graph(g, center, radius=radius, undirected=True).copy()


def ego(g: nx.Graph, center: Any, radius: int = 1) -> dict[str, Any]:
    """:func:`ego_network` as plain data: ``center``, ``radius``, ``nodes``, ``edges``."""
    sub = ego_network(g, center, radius)
    return {
        "center": center,
        "radius": radius,
        "nodes": [describe(sub, v) for v in sub],
        "edges": [
            {"source": a, "target": b, "weight": d.get("weight", 1), "partnerships": list(d.get("partnerships", []))}
            for a, b, d in sub.edges(data=True)
        ],
    }


# -- time -------------------------------------------------------------------------------------


def evolution(data: NetworkData, years: Iterable[int] | None = None, kind: str = "partnership") -> list[dict[str, Any]]:
    """Partnerships active and new in each year, overall and by country.

    Parameters
    ----------
    data : NetworkData
        The projection tables (an analysis of time needs each partnership's own dates, which
        the aggregated edges of a graph no longer hold).
    years : iterable of int, optional
        Default: from the earliest start year to the latest start or end year.
    kind : str, optional
        ``"partnership"`` (default) or ``"project"``.

    Returns
    -------
    list of dict
        One row per year: ``year``, ``active``, ``new`` (started that year), ``ended`` (ended
        that year), ``by_country`` (ISO code → ``{"active", "new"}``, a partnership counting
        once for each country of its members).

    Notes
    -----
    Items without a start year cannot be placed in time and are not counted (see
    :meth:`graph.projections.Item.active_in`).
    """
    items = [i for i in data.items if i.kind == kind and i.start is not None]
    if years is None:
        if not items:
            return []
        first = min(i.start for i in items if i.start is not None)
        last = max(max(i.start or first, i.end or first) for i in items)
        years = range(first, last + 1)
    country_of = {a.iri: a.country for a in data.authorities.values()}
    rows = []
    for year in years:
        active = [i for i in items if i.active_in(year)]
        by_country: dict[str, Counter[str]] = defaultdict(Counter)
        for i in active:
            for c in {country_of.get(m) for m in i.members} - {None}:
                by_country[str(c)]["active"] += 1
                if i.start == year:
                    by_country[str(c)]["new"] += 1
        rows.append(
            {
                "year": year,
                "active": len(active),
                "new": sum(1 for i in active if i.start == year),
                "ended": sum(1 for i in items if i.end == year),
                "by_country": {c: {"active": n["active"], "new": n["new"]} for c, n in sorted(by_country.items())},
            }
        )
    return rows
