"""Each analysis of graph.network against networkx called directly, on known small graphs."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graph import network
from graph.projections import Authority, Item, NetworkData


@pytest.fixture
def karate() -> nx.Graph:
    g = nx.karate_club_graph()  # weighted, one component, 34 nodes
    for _, d in g.nodes(data=True):
        d["country"] = d["club"]
    return g


def two_parts() -> nx.Graph:
    """A triangle with a tail, a separate path of three, and an isolated node."""
    g = nx.Graph()
    g.add_edges_from([(1, 2), (2, 3), (1, 3), (3, 4)], weight=1)
    g.add_edges_from([(5, 6), (6, 7)], weight=2)
    g.add_node(8)
    return g


def test_summary_matches_networkx(karate: nx.Graph) -> None:
    s = network.summary(karate)
    assert s["nodes"] == 34 and s["edges"] == 78
    assert s["density"] == pytest.approx(nx.density(karate))
    assert s["components"] == 1 and s["largest_component"] == 34
    assert s["average_degree"] == pytest.approx(2 * 78 / 34)
    assert s["transitivity"] == pytest.approx(nx.transitivity(karate))
    assert s["average_clustering"] == pytest.approx(nx.average_clustering(karate))
    assert s["degree_assortativity"] == pytest.approx(nx.degree_assortativity_coefficient(karate))
    assert s["attribute_assortativity"] == pytest.approx(nx.attribute_assortativity_coefficient(karate, "country"))
    parts = network.summary(two_parts())
    assert (parts["components"], parts["largest_component"], parts["isolates"]) == (3, 4, 1)


@pytest.mark.parametrize(
    "g",
    [nx.Graph(), nx.empty_graph(5), nx.cycle_graph(6), nx.complete_graph(4), nx.path_graph(2), nx.DiGraph()],
    ids=["empty", "no-edges", "cycle", "complete", "one-edge", "empty-directed"],
)
def test_summary_of_degenerate_graphs_never_fails(g: nx.Graph) -> None:
    s = network.summary(g)
    assert s["nodes"] == g.number_of_nodes() and s["edges"] == g.number_of_edges()
    for key, value in s.items():
        assert not (isinstance(value, float) and not math.isfinite(value)), key
    if g.number_of_edges() == 0:
        assert s["degree_assortativity"] is None
    if g.number_of_nodes() > 1 and g.number_of_edges() > 0:
        degrees = {d for _, d in g.degree()}
        if len(degrees) == 1:  # constant degree: assortativity is NaN in networkx
            assert s["degree_assortativity"] is None
    communities = network.communities(g)
    assert sum(communities["sizes"]) == g.number_of_nodes()
    assert network.brokerage(g)["constraint"].keys() == set(g)
    assert set(network.eigenvector(g)) == set(g)


def test_degree_and_strength(karate: nx.Graph) -> None:
    assert network.degree(karate) == pytest.approx(nx.degree_centrality(karate))
    assert network.degree(karate, weight="weight") == {v: float(d) for v, d in karate.degree(weight="weight")}
    assert network.degree(nx.empty_graph(1)) == {0: 0.0}


def test_betweenness_exact_and_sampled(karate: nx.Graph) -> None:
    exact = network.betweenness(karate)
    assert exact["exact"] and exact["values"] == pytest.approx(nx.betweenness_centrality(karate))
    sampled = network.betweenness(karate, k=10, seed=7)
    assert not sampled["exact"] and sampled["k"] == 10
    assert sampled["values"] == pytest.approx(nx.betweenness_centrality(karate, k=10, seed=7))
    assert network.betweenness(karate, k=10, seed=7) == sampled  # reproducible
    # above the threshold, sampling is the default
    auto = network.betweenness(karate, threshold=20)
    assert not auto["exact"] and auto["k"] == network.BETWEENNESS_SAMPLE
    assert auto["values"] == pytest.approx(nx.betweenness_centrality(karate, k=network.BETWEENNESS_SAMPLE, seed=0))


def test_eigenvector_per_component(karate: nx.Graph) -> None:
    assert network.eigenvector(karate) == pytest.approx(
        nx.eigenvector_centrality(karate, max_iter=10_000, tol=1e-12, weight="weight")
    )
    g = two_parts()
    scores = network.eigenvector(g)
    for part in ({1, 2, 3, 4}, {5, 6, 7}):
        expected = nx.eigenvector_centrality(g.subgraph(part), max_iter=10_000, tol=1e-12, weight="weight")
        assert {v: scores[v] for v in part} == pytest.approx(expected)
    assert scores[8] == 0.0


def test_eigenvector_falls_back_when_power_iteration_fails() -> None:
    g = nx.path_graph(30)
    # one power iteration cannot converge: the numpy eigensolver answers instead
    assert network.eigenvector(g, max_iter=1) == pytest.approx(nx.eigenvector_centrality_numpy(g, weight="weight"))


def test_closeness(karate: nx.Graph) -> None:
    result = network.closeness(karate)
    assert result["exact"] and result["values"] == pytest.approx(nx.closeness_centrality(karate))
    partial = network.closeness(karate, threshold=10, k=3)
    hubs = [v for v, _ in sorted(karate.degree(), key=lambda vd: -vd[1])[:3]]
    assert not partial["exact"]
    assert {v for v, x in partial["values"].items() if x is not None} == set(hubs)
    assert partial["values"][hubs[0]] == pytest.approx(nx.closeness_centrality(karate, u=hubs[0]))


def test_brokerage(karate: nx.Graph) -> None:
    burt = network.brokerage(karate)
    assert burt["constraint"] == pytest.approx(nx.constraint(karate))
    assert burt["effective_size"] == pytest.approx(nx.effective_size(karate))
    weighted = network.brokerage(karate, weight="weight")
    assert weighted["constraint"] == pytest.approx(nx.constraint(karate, weight="weight"))
    # networkx 3.6's all-nodes (sparse matrix) path for weighted effective size disagrees with its own
    # per-node path, which follows Burt's definition: compare with the latter
    by_definition = nx.effective_size(karate, nodes=list(karate), weight="weight")
    assert weighted["effective_size"] == pytest.approx(by_definition)
    parts = two_parts()
    assert network.brokerage(parts)["constraint"][8] is None  # isolated: undefined, not NaN
    connected = parts.subgraph([1, 2, 3, 4, 5, 6, 7])
    assert network.brokerage(parts)["constraint"] == pytest.approx({**nx.constraint(connected), 8: None})
    assert network.brokerage(parts)["effective_size"] == pytest.approx({**nx.effective_size(connected), 8: None})


def test_louvain_reproducible_with_modularity(karate: nx.Graph) -> None:
    result = network.communities(karate, seed=42)
    expected = nx.community.louvain_communities(karate, seed=42, weight="weight")
    assert sorted(map(sorted, result["communities"])) == sorted(map(sorted, expected))
    assert result["modularity"] == pytest.approx(nx.community.modularity(karate, expected, weight="weight"))
    assert result["sizes"] == sorted(result["sizes"], reverse=True)
    assert network.communities(karate, seed=42) == result


def test_ranked_and_top_k(karate: nx.Graph) -> None:
    values = nx.degree_centrality(karate)
    top = network.top_k(values, 3)
    assert [v for v, _ in top] == [33, 0, 32]
    assert network.top_k({"a": 1.0, "b": None, "c": 1.0}, None) == [("a", 1.0), ("c", 1.0)]
    assert network.ranked(karate, values, 1) == [{"id": 33, "country": "Officer", "value": values[33]}]


def test_shortest_path_and_ego() -> None:
    g = nx.Graph()
    g.add_edge("a", "b", partnerships=["p1"], projects=[], weight=1)
    g.add_edge("b", "c", partnerships=["p2", "p3"], projects=["x"], weight=3)
    g.add_edge("c", "d", partnerships=["p4"], projects=[], weight=1)
    g.add_node("e", label="alone")
    path = network.shortest_path(g, "a", "d")
    assert path is not None and path["length"] == 3
    assert [n["id"] for n in path["nodes"]] == nx.shortest_path(g, "a", "d")
    assert [e["partnerships"] for e in path["edges"]] == [["p1"], ["p2", "p3"], ["p4"]]
    assert network.shortest_path(g, "a", "e") is None
    with pytest.raises(KeyError, match="zzz"):
        network.shortest_path(g, "a", "zzz")
    ego = network.ego(g, "b", 1)
    assert {n["id"] for n in ego["nodes"]} == set(nx.ego_graph(g, "b", 1)) == {"a", "b", "c"}
    assert len(ego["edges"]) == 2
    assert set(network.ego_network(g, "a", 2)) == {"a", "b", "c"}
    with pytest.raises(ValueError):
        network.ego_network(g, "a", -1)


def test_evolution_counts_by_year_and_country() -> None:
    fr, sn = Authority("fr1", country="FR"), Authority("sn1", country="SN")
    ml = Authority("ml1", country="ML")
    data = NetworkData(
        base="x/",
        authorities={a.iri: a for a in (fr, sn, ml)},
        items=(
            Item("p1", "partnership", ("fr1", "sn1"), start=2000, end=2001),
            Item("p2", "partnership", ("fr1", "ml1"), start=2001),
            Item("p3", "partnership", ("fr1", "ml1")),  # no start year: not placed in time
            Item("x1", "project", ("fr1", "sn1"), start=2000),
        ),
    )
    rows = {r["year"]: r for r in network.evolution(data)}
    assert sorted(rows) == [2000, 2001]
    assert (rows[2000]["active"], rows[2000]["new"], rows[2000]["ended"]) == (1, 1, 0)
    assert (rows[2001]["active"], rows[2001]["new"], rows[2001]["ended"]) == (2, 1, 1)
    assert rows[2001]["by_country"] == {
        "FR": {"active": 2, "new": 1},
        "ML": {"active": 1, "new": 1},
        "SN": {"active": 1, "new": 0},
    }
    assert network.evolution(NetworkData(base="x/", authorities={}, items=())) == []


def test_betweenness_on_directed_and_disconnected_graphs() -> None:
    directed = nx.gnp_random_graph(40, 0.08, seed=3, directed=True)
    assert network.betweenness(directed)["values"] == pytest.approx(nx.betweenness_centrality(directed))
    sampled = network.betweenness(directed, k=7, seed=1)["values"]
    assert sampled == pytest.approx(nx.betweenness_centrality(directed, k=7, seed=1))
    parts = two_parts()
    expected = nx.betweenness_centrality(parts, normalized=False)
    assert network.betweenness(parts, normalized=False)["values"] == pytest.approx(expected)
    assert network.betweenness(nx.Graph())["values"] == {}
