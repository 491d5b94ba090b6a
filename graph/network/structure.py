"""Size, cohesion and mixing of a graph: the first look at any projection."""

from __future__ import annotations

from typing import Any

import networkx as nx

from graph.network.undefined import safe


def _components(g: nx.Graph) -> list[set[Any]]:
    if g.is_directed():
        return list(nx.weakly_connected_components(g))
    return list(nx.connected_components(g))


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
        "density": safe(lambda: nx.density(g)) if n > 1 else None,
        "components": len(components),
        "largest_component": max((len(c) for c in components), default=0),
        "isolates": sum(1 for _ in nx.isolates(g)),
        "average_degree": (2 * m / n if not g.is_directed() else m / n) if n else None,
        **_clustering(undirected),
        "degree_assortativity": safe(lambda: nx.degree_assortativity_coefficient(g)) if m else None,
        "attribute": attribute,
        "attribute_assortativity": (
            safe(lambda: nx.attribute_assortativity_coefficient(g.subgraph(with_attribute), attribute))
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
            "transitivity": safe(lambda: nx.transitivity(g)),
            "average_clustering": safe(lambda: nx.average_clustering(g)),
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
