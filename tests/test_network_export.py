"""Exports read back with networkx give the same nodes, edges and attributes."""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest
from test_network_data import BESANCON, DAKAR, NETWORK_TTL, write_turtle

from graph import network_answers
from graph.network_cache import ResultCache
from graph.network_export import exportable, to_bytes
from graph.projections import authority_graph, fetch, knowhow_graph
from graph.store import Store, open_store


@pytest.fixture(scope="module")
def graph() -> nx.Graph:
    store = open_store(":memory:")
    write_turtle(store, NETWORK_TTL)
    return authority_graph(fetch(store))


def same(a: nx.Graph, b: nx.Graph) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert {frozenset((u, v)): d for u, v, d in a.edges(data=True)} == {
        frozenset((u, v)): d for u, v, d in b.edges(data=True)
    }


def test_exportable_drops_none_and_joins_lists(graph: nx.Graph) -> None:
    g = graph.copy()
    g.nodes[BESANCON]["empty"] = None
    out = exportable(g)
    assert "empty" not in out.nodes[BESANCON] and "empty" in g.nodes[BESANCON]
    assert out.edges[BESANCON, DAKAR]["projects"] == "https://w3id.org/coopgraph/id/project/water-senegal"
    assert isinstance(out.nodes[BESANCON]["lat"], float)


def test_graphml_round_trip(graph: nx.Graph) -> None:
    back = nx.read_graphml(io.BytesIO(to_bytes(graph, "graphml")))
    assert not back.is_directed()
    same(back, exportable(graph))
    assert back.nodes[BESANCON]["lat"] == pytest.approx(47.24878)


def test_gexf_round_trip_with_positions(graph: nx.Graph) -> None:
    back = nx.read_gexf(io.BytesIO(to_bytes(graph, "gexf")))
    expected = exportable(graph, gexf=True)
    same(back, expected)
    assert back.nodes[DAKAR]["viz"]["position"] == {
        "x": pytest.approx(-17.44406),
        "y": pytest.approx(14.69370),
        "z": 0.0,
    }


def test_directed_knowhow_graph_round_trips() -> None:
    store = open_store(":memory:")
    write_turtle(store, NETWORK_TTL)
    g = knowhow_graph(fetch(store))
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        back = read(io.BytesIO(to_bytes(g, fmt)))
        assert back.is_directed() and set(back.edges) == set(g.edges)


def test_csv_edge_list(graph: nx.Graph) -> None:
    rows = list(csv.DictReader(io.StringIO(to_bytes(graph, "csv").decode())))
    assert len(rows) == graph.number_of_edges()
    row = next(r for r in rows if {r["source"], r["target"]} == {BESANCON, DAKAR})
    assert row["weight"] == "2" and row["start"] == "2010" and row["end"] == "2016"
    assert {row["source_label"], row["target_label"]} == {"Ville de Besançon", "Ville de Dakar"}
    with pytest.raises(ValueError, match="format"):
        to_bytes(graph, "pajek")


def test_export_of_a_filtered_projection(empty_store: Store) -> None:
    write_turtle(empty_store, NETWORK_TTL)
    content = b"".join(
        network_answers.export(empty_store, "graphml", network_answers.Filters.of(country="SN"), cache=ResultCache())
    )
    back = nx.read_graphml(io.BytesIO(content))
    assert {n.rsplit("/", 1)[-1] for n in back} == {"albi", "besancon", "dakar", "saint-louis"}
