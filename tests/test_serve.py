"""``coopgraph serve --store … --host … --port …`` serves the seed graph on each backend."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.servers import Running, coopgraph_server


def _location(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "memory":
        return ":memory:"
    if kind == "disk":
        return str(tmp_path / "store")
    server: Running = request.getfixturevalue("oxigraph")
    return server.url + "/query"


@pytest.mark.parametrize("kind", ["memory", "disk", "remote"])
def test_serve_answers_sparql_rest_and_pages(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    location = _location(kind, tmp_path, request)
    if kind == "remote":  # a server that already holds other data: serve must not reload it
        result = CliRunner().invoke(main, ["init", "--store", location, "--force"])
        assert result.exit_code == 0, result.output
    with coopgraph_server(location) as server:  # memory and disk: 'serve' initialises an empty store
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/coopgraph/def#LocalAuthority> }"
        r = httpx.get(
            server.url + "/sparql", params={"query": query}, headers={"accept": "application/sparql-results+json"}
        )
        assert r.status_code == 200 and int(r.json()["results"]["bindings"][0]["n"]["value"]) >= 6
        r = httpx.get(server.url + "/api/search", params={"q": "besancon"})
        assert r.status_code == 200 and "Besançon" in r.text
        r = httpx.get(server.url + "/id/authority/fr/metropole-europeenne-de-lille", headers={"accept": "text/turtle"})
        assert r.status_code == 200 and "Quito" in httpx.get(server.url + "/api/search", params={"q": "quito"}).text
        assert httpx.get(server.url + "/map").status_code == 200
