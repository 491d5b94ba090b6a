"""`coopgraph network …` and /api/network/…: the same answers, as people and scripts use them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from test_network_data import ALBI, BAMAKO, BESANCON, DAKAR, MEL, NETWORK_TTL, QUITO, write_turtle

from api.app import create_app
from graph.cli import main
from graph.network_cache import CACHE
from graph.store import Store, open_store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("network") / "store")
    with open_store(location) as store:
        write_turtle(store, NETWORK_TTL)
    return location


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_summary_json(store_dir: str) -> None:
    code, out, err = run("network", "summary", "--store", store_dir, "--json")
    assert code == 0, err
    data = json.loads(out)
    for key in ("nodes", "edges", "density", "components", "largest_component", "transitivity"):
        assert key in data
    assert {"average_clustering", "degree_assortativity"} <= set(data)
    assert (data["nodes"], data["edges"], data["components"], data["largest_component"]) == (8, 7, 2, 7)
    code, out, _ = run("network", "summary", "--store", store_dir, "--country", "SN", "--json")
    assert json.loads(out)["nodes"] == 4
    code, text, _ = run("network", "summary", "--store", store_dir)
    assert code == 0 and "largest_component" in text


def test_cli_centrality_communities_brokers(store_dir: str) -> None:
    code, out, _ = run(
        "network", "centrality", "--store", store_dir, "--measure", "betweenness", "--top", "2", "--json"
    )
    assert code == 0
    assert {row["id"] for row in json.loads(out)["top"]} == {ALBI, BAMAKO}
    code, out, _ = run("network", "communities", "--store", store_dir, "--seed", "1", "--json")
    first = json.loads(out)
    assert code == 0 and sum(first["sizes"]) == 8
    assert json.loads(run("network", "communities", "--store", store_dir, "--seed", "1", "--json")[1]) == first
    code, text, _ = run("network", "brokers", "--store", store_dir, "--top", "3")
    assert code == 0 and "Ville d'Albi" in text


def test_cli_path_by_name_and_errors(store_dir: str) -> None:
    code, out, _ = run("network", "path", "Quito", "Ville de Besancon", "--store", store_dir, "--json")
    assert code == 0
    nodes = [n["id"] for n in json.loads(out)["path"]["nodes"]]
    assert nodes == [QUITO, MEL, BAMAKO, ALBI, DAKAR, BESANCON]
    code, _, err = run("network", "path", "Lille", "Quito", "--store", store_dir)
    assert code == 1 and "matches 2 nodes" in err and "Ville de Lille" in err
    code, _, err = run("network", "path", "Nowhere", "Quito", "--store", store_dir)
    assert code == 1 and "Nowhere" in err
    code, text, _ = run("network", "path", "Quito", "Dakar", "--store", store_dir, "--year", "2012")
    assert code == 1 and "no chain" in text


def test_cli_ego_and_export(store_dir: str, tmp_path: Path) -> None:
    code, out, _ = run("network", "ego", "Dakar", "--radius", "1", "--store", store_dir, "--json")
    assert code == 0
    assert {n["id"] for n in json.loads(out)["nodes"]} == {DAKAR, ALBI, BESANCON, DAKAR[:-5] + "saint-louis"}
    target = tmp_path / "net.gexf"
    code, _, err = run("network", "export", "--format", "gexf", "--output", str(target), "--store", store_dir)
    assert code == 0, err
    assert nx.read_gexf(target).number_of_edges() == 7
    code, _, err = run("network", "export", "--format", "csv", "-o", str(tmp_path / "e.csv"), "--store", store_dir)
    assert code == 0 and len((tmp_path / "e.csv").read_text().splitlines()) == 8
    code, _, err = run("network", "summary", "--country", "France", "--store", store_dir)
    assert code == 1 and "country" in err


@pytest.fixture
def client(empty_store: Store) -> TestClient:
    write_turtle(empty_store, NETWORK_TTL)
    return TestClient(create_app(empty_store))


def test_api_routes(client: TestClient) -> None:
    summary = client.get("/api/network/summary").json()
    assert (summary["nodes"], summary["edges"]) == (8, 7)
    assert client.get("/api/network/summary", params={"country": "SN"}).json()["nodes"] == 4
    assert client.get("/api/network/summary", params={"projection": "place"}).json()["nodes"] == 7
    top = client.get("/api/network/centrality", params={"measure": "betweenness", "top": 2}).json()["top"]
    assert {row["id"] for row in top} == {ALBI, BAMAKO}
    communities = client.get("/api/network/communities", params={"seed": 5}).json()
    assert sum(communities["sizes"]) == 8 and communities["modularity"] > 0
    path = client.get("/api/network/path", params={"source": "Quito", "target": "Dakar"}).json()
    assert path["path"]["length"] == 4
    ego = client.get("/api/network/ego", params={"node": QUITO, "radius": 2}).json()
    assert {n["id"] for n in ego["nodes"]} == {QUITO, MEL, BAMAKO}
    years = client.get("/api/network/evolution").json()["years"]
    assert years[0]["year"] == 1994 and years[-1]["year"] == 2016
    response = client.get("/api/network/export", params={"format": "graphml", "theme": "water"})
    assert response.headers["content-type"].startswith("application/graphml+xml")
    assert nx.read_graphml(io.BytesIO(response.content)).number_of_edges() == 3


@pytest.mark.parametrize(
    ("params", "parameter", "status"),
    [
        ({"country": "France"}, "country", 400),
        ({"year": "later"}, "year", 400),
        ({"projection": "tree"}, "projection", 400),
        ({"measure": "fame"}, "measure", 400),
        ({"top": "0"}, "top", 400),
    ],
)
def test_api_errors_name_the_parameter(client: TestClient, params: dict[str, str], parameter: str, status: int) -> None:
    response = client.get("/api/network/centrality", params=params)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == parameter


def test_api_path_errors(client: TestClient) -> None:
    ambiguous = client.get("/api/network/path", params={"source": "Lille", "target": "Quito"})
    assert ambiguous.status_code == 400 and ambiguous.json()["parameter"] == "source"
    assert len(ambiguous.json()["candidates"]) == 2
    unknown = client.get("/api/network/path", params={"source": "Quito", "target": "Paris"})
    assert unknown.status_code == 404 and unknown.json()["parameter"] == "target"
    missing = client.get("/api/network/path", params={"source": "Quito"})
    assert missing.status_code == 400 and missing.json()["parameter"] == "target"
    bad = client.get("/api/network/export", params={"format": "pajek"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "format"


def test_api_answers_follow_writes(client: TestClient) -> None:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    assert client.get("/api/network/summary").json()["edges"] == 7
    hits = CACHE.hits
    assert client.get("/api/network/summary").json()["edges"] == 7
    assert CACHE.hits > hits
    write_turtle(
        store,
        """@prefix coop: <https://w3id.org/coopgraph/def#> . @prefix org: <http://www.w3.org/ns/org#> .
        <partnership/lille-dakar> a coop:Partnership ; org:hasMember <authority/fr/lille> , <authority/sn/dakar> .""",
    )
    assert client.get("/api/network/summary").json()["edges"] == 8
