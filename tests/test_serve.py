"""``coopgraph serve --store … --host … --port …`` serves the seed graph on each backend."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from graph.cli import main
from graph.servers import Running, coopgraph_server, free_port, wait_until_up


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


@pytest.mark.parametrize("flag", [[], ["--access-log"]])
def test_serve_writes_an_access_log_only_when_asked(flag: list[str], tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--store", ":memory:", "--port", str(port), *flag]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout=60)
            assert httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "quito"}).status_code == 200
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "serving :memory:" in text  # the log was captured
    assert ("GET /api/search" in text) == bool(flag)


def test_the_app_starts_without_pyshacl_or_pyvis() -> None:
    """Validation and the network page import them when used: ~0.75 s less at every server start."""
    code = "import sys; from api.app import create_app; print(sorted({'pyshacl', 'pyvis'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_serve_warms_the_map_and_lists_in_the_background(tmp_path: Path) -> None:
    """The first map call should not pay for building the map index: serve builds it (and the
    list orders) on a thread once up, and says so; ``--no-warm`` leaves it to the first request."""
    texts = {}
    for flag in ([], ["--no-warm"]):
        port = free_port()
        log = tmp_path / f"serve{len(flag)}.log"
        cmd = [sys.executable, "-m", "graph.cli", "serve", "--store", ":memory:", "--port", str(port), *flag]
        with log.open("wb") as out:
            process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
            try:
                wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout=60)
                if not flag:
                    deadline = time.monotonic() + 60
                    while "warmed map index" not in log.read_text() and time.monotonic() < deadline:
                        time.sleep(0.2)
                assert httpx.get(f"http://127.0.0.1:{port}/api/map/facets").status_code == 200
            finally:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
        texts[bool(flag)] = log.read_text(encoding="utf-8", errors="replace")
    assert "warmed list authorities" in texts[False] and "warmed map index" in texts[False]
    assert "warmed" not in texts[True]


def test_warm_builds_the_caches_a_request_would(seeded_store) -> None:  # type: ignore[no-untyped-def]
    from graph import render_index
    from graph.warm import LIST_KINDS, warm

    render_index._cache.pop(id(seeded_store), None)
    took = warm(seeded_store)
    assert set(took) == {f"list {k}" for k in LIST_KINDS} | {"map index", "search index"}
    built = render_index._cache[id(seeded_store)]  # built by warm, before any request
    assert built.version == seeded_store.version and render_index.map_index(seeded_store) is built
