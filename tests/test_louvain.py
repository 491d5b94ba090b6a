"""graph.network.louvain finds networkx's communities, in networkx's order, for the same seed."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.network.louvain import louvain_communities


@st.composite
def graphs(draw: st.DrawFn) -> nx.Graph:
    """Undirected graphs with isolated nodes, self-loops, string or integer nodes in any order,
    and weights whose sums are exact (integers, or quarters)."""
    n = draw(st.integers(0, 40))
    as_text = draw(st.booleans())
    labels: list[object] = [f"n{i}" for i in range(n)] if as_text else list(range(n))
    random.Random(draw(st.integers(0, 10**6))).shuffle(labels)
    g = nx.Graph()
    g.add_nodes_from(labels)
    if n:
        pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=4 * n))
        quarter = draw(st.booleans())
        for i, j in pairs:
            w = draw(st.integers(1, 12))
            g.add_edge(labels[i], labels[j], weight=w / 4 if quarter else w)
    return g


@settings(max_examples=300, deadline=None)
@given(graphs(), st.integers(0, 2**32), st.sampled_from([1.0, 0.5, 2.0]), st.sampled_from(["weight", None]))
def test_same_communities_as_networkx(g: nx.Graph, seed: int, resolution: float, weight: str | None) -> None:
    expected = nx.community.louvain_communities(g, weight=weight, resolution=resolution, seed=seed)
    assert louvain_communities(g, weight=weight, resolution=resolution, seed=seed) == expected


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_same_communities_on_a_larger_sparse_graph(seed: int) -> None:
    """Several levels: a planted partition of 600 nodes, weights 1–5, some missing weights."""
    rng = random.Random(seed)
    g = nx.planted_partition_graph(12, 50, 0.2, 0.005, seed=seed)
    for u, v in g.edges():
        if rng.random() < 0.9:
            g.edges[u, v]["weight"] = rng.randint(1, 5)  # the others weigh 1 by default
    g.add_nodes_from(range(600, 640))  # isolated
    expected = nx.community.louvain_communities(g, seed=seed)
    assert len(expected) > 12  # the isolated nodes are communities of one
    assert louvain_communities(g, seed=seed) == expected


def test_directed_graphs_go_to_networkx() -> None:
    g = nx.gnp_random_graph(60, 0.08, seed=3, directed=True)
    assert louvain_communities(g, seed=3) == nx.community.louvain_communities(g, seed=3)


def test_the_seed_may_be_a_random_instance() -> None:
    g = nx.karate_club_graph()
    assert louvain_communities(g, seed=random.Random(7)) == nx.community.louvain_communities(g, seed=random.Random(7))
