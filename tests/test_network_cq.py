"""Competency questions 12, 13 (network) and 16 (twin towns), on the seed and on small data sets.

Expected answers are derived inside each test from the edge lists the ``cq*`` queries return,
with networkx called directly, or from the pair list the twin-town data set is written from.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest
from test_network_data import ALBI, BAMAKO, BESANCON, DAKAR, ID, MEL, NETWORK_TTL, QUITO, SAINT_LOUIS, write_turtle

from graph import network, network_answers
from graph.network_cache import ResultCache
from graph.projections import Filters
from graph.store import Store


@pytest.fixture
def network_store(empty_store: Store) -> Store:
    write_turtle(empty_store, NETWORK_TTL)
    return empty_store


def cq12_graph(store: Store) -> nx.Graph:
    _, rows = store.select_values("cq12_brokers")
    g = nx.Graph()
    g.add_weighted_edges_from((s, t, int(w)) for s, _, t, _, w in rows)
    return g


def test_cq12_brokers_and_communities(network_store: Store) -> None:
    answer = network_answers.brokers(network_store, top=3, cache=ResultCache())
    g = cq12_graph(network_store)
    expected = nx.betweenness_centrality(g)
    # the projection also holds isolated authorities (Ville de Lille): rescale to compare
    n, n_all = g.number_of_nodes(), n_all_nodes(network_store)
    scale = ((n - 1) * (n - 2)) / ((n_all - 1) * (n_all - 2))
    top = sorted(expected.items(), key=lambda vx: (-vx[1], vx[0]))[:3]
    assert [b["id"] for b in answer["brokers"]] == [v for v, _ in top]
    assert [b["value"] for b in answer["brokers"]] == pytest.approx([x * scale for _, x in top])
    # the chain Quito–MEL–Bamako–Albi–Dakar–{Besançon, Saint-Louis}: its middle, Albi and Bamako, broker most
    assert {answer["brokers"][0]["id"], answer["brokers"][1]["id"]} == {ALBI, BAMAKO}
    assert answer["brokers"][2]["id"] == DAKAR
    communities = network_answers.communities(network_store, top=None, seed=3, cache=ResultCache())
    parts = [{m["id"] for m in c["members"]} for c in communities["communities"]]
    assert set().union(*parts) == set(g) | {ID + "authority/fr/lille"}
    connected = [p & set(g) for p in parts if p & set(g)]
    assert communities["modularity"] == pytest.approx(nx.community.modularity(g, connected, weight="weight"))


def n_all_nodes(store: Store) -> int:
    return len(network_answers.projection(store, "authority", cache=ResultCache()))


def test_cq13_shortest_chain_between_two_cities(network_store: Store) -> None:
    _, rows = network_store.select_values("cq13_shortest_chain")
    g = nx.Graph()
    for s, _, t, _, item in rows:
        if g.has_edge(s, t):
            g.edges[s, t]["items"].add(item)
        else:
            g.add_edge(s, t, items={item})
    quito, saint_louis = ID + "place/3652462", ID + "place/2246678"
    answer = network_answers.path(network_store, "Quito", "Saint-Louis", projection_name="place", cache=ResultCache())
    chain = answer["path"]
    assert chain is not None
    assert chain["length"] == nx.shortest_path_length(g, quito, saint_louis) == 5
    assert [n["id"] for n in chain["nodes"]] == nx.shortest_path(g, quito, saint_louis)
    for edge in chain["edges"]:
        assert set(edge["partnerships"]) | set(edge["projects"]) == g.edges[edge["source"], edge["target"]]["items"]
    # the same chain between authorities, given by their names
    by_authority = network_answers.path(network_store, "quito", "Commune de Saint-Louis", cache=ResultCache())
    assert [n["id"] for n in by_authority["path"]["nodes"]] == [QUITO, MEL, BAMAKO, ALBI, DAKAR, SAINT_LOUIS]
    # in 2012 the MEL–Bamako partnership had ended (2008): Quito's component is Quito–MEL only
    assert (
        network_answers.path(network_store, QUITO, BESANCON, Filters.of(year=2012), cache=ResultCache())["path"] is None
    )


def test_cq12_cq13_on_the_seed(seed_store: Store) -> None:
    g = cq12_graph(seed_store)
    assert g.number_of_edges() >= 1
    answer = network_answers.brokers(seed_store, top=100, cache=ResultCache())
    projection = network_answers.projection(seed_store, cache=ResultCache())
    expected = nx.betweenness_centrality(projection)
    assert {b["id"]: b["value"] for b in answer["brokers"]} == pytest.approx(expected)
    assert {(b["id"]) for b in answer["brokers"]} >= set(g)
    # every partnership edge of the seed is a chain of length one, carrying its partnership
    source, target = next(iter(g.edges))
    chain = network_answers.path(seed_store, source, target, cache=ResultCache())["path"]
    assert chain["length"] == 1 and chain["edges"][0]["partnerships"]
    lille = network_answers.path(seed_store, "Métropole européenne de Lille", "Quito", cache=ResultCache())
    assert lille["path"] is not None and lille["path"]["length"] == 1


# -- CQ16 ----------------------------------------------------------------------------------------

PAIRS = [
    ("Lyon", "FR", "Birmingham", "GB"),
    ("Lyon", "FR", "Frankfurt", "DE"),
    ("Lyon", "FR", "Milan", "IT"),
    ("Lyon", "FR", "Beersheba", "IL"),
    ("Lyon", "FR", "Dijon", "FR"),
    ("Birmingham", "GB", "Lyon", "FR"),  # the same pair listed from the other side
    ("Dijon", "FR", "Mainz", "DE"),
    ("Dijon", "FR", "York", "GB"),
    ("Albi", "FR", "Palencia", "ES"),
    ("Albi", "FR", "Mainz", "DE"),
    ("Mainz", "DE", "York", "GB"),  # no French town: counts for nothing
]


def twin_turtle(pairs: list[tuple[str, str, str, str]]) -> str:
    """The pairs as the importer writes them: a partnership between two towns' authorities."""
    lines = ["@prefix coop: <https://w3id.org/coopgraph/def#> .", "@prefix org: <http://www.w3.org/ns/org#> ."]
    lines.append("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .")
    towns = {(c, i) for a, ia, b, ib in pairs for c, i in ((a, ia), (b, ib))}
    for iso in sorted({i for _, i in towns}):
        lines.append(f'<country/{iso.lower()}> a coop:Country ; coop:isoCode "{iso}" ; rdfs:label "{iso}-name"@en .')
    for city, iso in sorted(towns):
        slug = city.lower()
        lines.append(f'<place/{slug}> a coop:Place ; rdfs:label "{city}" ; coop:inCountry <country/{iso.lower()}> .')
        lines.append(f"<authority/{iso.lower()}/{slug}> a coop:LocalAuthority ; coop:governs <place/{slug}> .")
    for n, (a, ia, b, ib) in enumerate(pairs):
        lines.append(
            f"<partnership/twin-{n}> a coop:Partnership ; "
            f"org:hasMember <authority/{ia.lower()}/{a.lower()}> , <authority/{ib.lower()}/{b.lower()}> ."
        )
    return "\n".join(lines)


def expected_cq16(pairs: list[tuple[str, str, str, str]]) -> tuple[Counter[str], Counter[str]]:
    twins: dict[str, set[str]] = defaultdict(set)
    links: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for a, ia, b, ib in pairs:
        for (x, ix), (y, iy) in (((a, ia), (b, ib)), ((b, ib), (a, ia))):
            if ix == "FR":
                twins[x].add(y)
                if iy != "FR":
                    links[iy].add((x, y))
    return Counter({k: len(v) for k, v in twins.items()}), Counter({k: len(v) for k, v in links.items()})


def test_cq16_twin_towns_france(empty_store: Store) -> None:
    write_turtle(empty_store, twin_turtle(PAIRS), graph="test/twins")
    cities, countries = expected_cq16(PAIRS)
    answer = network_answers.twin_towns_france(empty_store, top=None, cache=ResultCache())
    assert {c["label"]: c["twins"] for c in answer["cities"]} == dict(cities) == {"Lyon": 5, "Dijon": 3, "Albi": 2}
    assert [c["label"] for c in answer["cities"]] == ["Lyon", "Dijon", "Albi"]
    got = {c["id"].rsplit("/", 1)[-1].upper(): c["twins"] for c in answer["countries"]}
    assert got == dict(countries) == {"DE": 3, "GB": 2, "IT": 1, "IL": 1, "ES": 1}
    assert answer["countries"][0]["label"] == "DE-name"
    assert [c["twins"] for c in answer["countries"]] == sorted(got.values(), reverse=True)


TWIN_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "twin_cities_raw.csv"


@pytest.mark.slow
@pytest.mark.skipif(not TWIN_FILE.exists(), reason="the twin-town file is not on this machine")
def test_cq16_on_the_imported_twin_town_file() -> None:
    pipeline = pytest.importorskip("graph.ingest.pipeline")
    from graph.store import open_store

    mapping = Path(__file__).resolve().parent.parent / "mappings" / "twin_cities.yaml"
    with open_store(":memory:") as store:
        store.init()
        report = pipeline.import_file(store, TWIN_FILE.name, TWIN_FILE.read_bytes(), mapping=mapping)
        assert report.status == "imported", report.message
        answer = network_answers.twin_towns_france(store, top=5, cache=ResultCache())
        cities = [c["twins"] for c in answer["cities"]]
        assert len(cities) == 5 and cities == sorted(cities, reverse=True) and cities[-1] > 1
        countries = [c["twins"] for c in answer["countries"]]
        assert countries == sorted(countries, reverse=True) and countries[0] > 50
        summary = network.summary(network_answers.projection(store, cache=ResultCache()))
        assert summary["edges"] > 5_000
