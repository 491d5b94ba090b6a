"""/sparql and /query driven by real clients against a coopgraph server listening on 127.0.0.1:
SPARQLWrapper in every return format, rdflib's SPARQLStore, httpx; embedded and remote stores."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from api.app import create_app
from api.settings import Settings
from graph.servers import Running, free_port
from graph.store import Store, open_store

BASE = "https://w3id.org/coopgraph/id/"
NAME = "http://example.org/name"
DATA = f"""INSERT DATA {{ GRAPH <http://example.org/g> {{
  <{BASE}place/1> <{NAME}> "Besançon"@fr . <{BASE}place/2> <{NAME}> "Kraków"@pl .
  <{BASE}place/2> <http://example.org/pop> 800000 . }} }}"""
SELECT = f"SELECT ?s ?name WHERE {{ ?s <{NAME}> ?name }} ORDER BY ?s"
CONSTRUCT = f"CONSTRUCT {{ ?s <{NAME}> ?name }} WHERE {{ ?s <{NAME}> ?name }}"


@contextmanager
def serving(store: Store, settings: Settings | None = None) -> Iterator[str]:
    """A coopgraph app over ``store`` served by uvicorn in a thread on a free loopback port."""
    port = free_port()
    app = create_app(store, settings or Settings(token="t"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise TimeoutError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module", params=["memory", "remote"])
def endpoint(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "memory":
        store = open_store(":memory:")
    else:
        server: Running = request.getfixturevalue("oxigraph")
        store = open_store(server.url + "/query")
        store.update("DROP SILENT ALL")
    store.update(DATA)
    with serving(store) as url:
        yield url + "/sparql"
    store.close()


def wrapper(endpoint: str, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_json_and_xml(endpoint: str) -> None:
    rows = wrapper(endpoint, SELECT, JSON).queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert [r["name"]["value"] for r in rows] == ["Besançon", "Kraków"]
    assert rows[0]["name"]["xml:lang"] == "fr"
    doc = wrapper(endpoint, SELECT, XML).queryAndConvert()
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]  # type: ignore[union-attr]
    assert literals == ["Besançon", "Kraków"]


def test_sparqlwrapper_csv_and_tsv(endpoint: str) -> None:
    text = wrapper(endpoint, SELECT, CSV).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    assert list(csv.reader(io.StringIO(text))) == [
        ["s", "name"],
        [f"{BASE}place/1", "Besançon"],
        [f"{BASE}place/2", "Kraków"],
    ]
    tsv = wrapper(endpoint, SELECT, TSV).queryAndConvert().decode("utf-8")  # type: ignore[union-attr]
    assert tsv.splitlines() == ["?s\t?name", f'<{BASE}place/1>\t"Besançon"@fr', f'<{BASE}place/2>\t"Kraków"@pl']


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_graph_formats(endpoint: str, fmt: str) -> None:
    result = wrapper(endpoint, CONSTRUCT, fmt).queryAndConvert()
    syntax = {TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}.get(fmt, "xml")
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format=syntax)
    assert set(graph.objects(URIRef(f"{BASE}place/2"), URIRef(NAME))) == {Literal("Kraków", lang="pl")}
    assert len(graph) == 2


def test_sparqlwrapper_ask(endpoint: str) -> None:
    assert wrapper(endpoint, f"ASK {{ ?s <{NAME}> ?n }}", JSON).queryAndConvert()["boolean"] is True  # type: ignore[index]
    doc = wrapper(endpoint, "ASK { <x:nothing> ?p ?o }", XML).queryAndConvert()
    assert doc.getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


def test_rdflib_sparqlstore(endpoint: str) -> None:
    graph = Graph(SPARQLStore(endpoint, returnFormat="json"))
    rows = list(graph.query(SELECT))
    assert [str(r.name) for r in rows] == ["Besançon", "Kraków"]  # type: ignore[union-attr]
    assert (URIRef(f"{BASE}place/2"), URIRef("http://example.org/pop"), Literal(800000)) in graph


def test_httpx_errors_and_headers(endpoint: str) -> None:
    with httpx.Client() as http:
        bad = http.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p }"})
        assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["line"] == 1
        assert http.get(endpoint, params={"query": SELECT}, headers={"Accept": "image/png"}).status_code == 406
        assert http.post(endpoint, data={"update": "CLEAR ALL"}).status_code == 401
        ok = http.get(endpoint, params={"query": SELECT, "format": "csv"})
        assert ok.headers["content-type"].startswith("text/csv") and ok.headers["vary"] == "Accept"


def test_service_description(endpoint: str) -> None:
    with httpx.Client() as http:
        r = http.get(endpoint)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    sd = Graph().parse(data=r.text, format="turtle")
    SD = "http://www.w3.org/ns/sparql-service-description#"
    service = next(sd.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(SD + "Service")))
    assert sd.value(service, URIRef(SD + "endpoint")) == URIRef(endpoint)
    assert URIRef(SD + "UnionDefaultGraph") in set(sd.objects(service, URIRef(SD + "feature")))
    assert URIRef(SD + "SPARQL11Update") in set(sd.objects(service, URIRef(SD + "supportedLanguage")))
    names = {str(n) for n in sd.objects(None, URIRef(SD + "name"))}
    assert "http://example.org/g" in names


def test_query_page_is_local_and_has_the_examples(endpoint: str) -> None:
    from graph import queries

    root = endpoint.rsplit("/", 1)[0]
    with httpx.Client() as http:
        page = http.get(root + "/query")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert sources and all(s.startswith("/") for s in sources), sources
        for s in sources:
            if s.startswith("/static/"):
                assert http.get(root + s).status_code == 200
    examples = json.loads(
        re.search(r'<script id="examples" type="application/json">(.*?)</script>', page.text, re.S).group(1)
    )  # type: ignore[union-attr]
    assert [e["id"] for e in examples] == [q.name for q in queries.competency_questions()]
    assert "lov" in page.text and "autocompleters" in page.text  # the LOV completers are switched off


def test_an_answer_larger_than_a_slice_streams_whole_and_cut_at_the_cap() -> None:
    """Answers over a MiB go out in slices (api.streaming.in_slices) with their length; the
    same bytes as the serialiser wrote, in every format, and the row cap still cuts them."""
    from api.streaming import SLICE

    store = open_store(":memory:")
    pad = "x" * 120
    rows = 12_000
    store.update(
        "INSERT DATA { GRAPH <http://example.org/big> { "
        + " ".join(f'<{BASE}place/{i}> <{NAME}> "{pad} {i}" .' for i in range(rows))
        + " } }"
    )
    query = f"SELECT ?s ?name WHERE {{ ?s <{NAME}> ?name }}"
    accept = {
        "json": "application/sparql-results+json",
        "xml": "application/sparql-results+xml",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
    }
    with serving(store) as url:
        for fmt, media in accept.items():
            r = httpx.get(url + "/sparql", params={"query": query}, headers={"Accept": media}, timeout=60)
            assert r.status_code == 200 and len(r.content) > SLICE, fmt
            assert int(r.headers["content-length"]) == len(r.content), fmt
            assert r.headers["x-coopgraph-count"] == str(rows) and "x-coopgraph-truncated" not in r.headers
            if fmt == "json":
                assert len(r.json()["results"]["bindings"]) == rows
            elif fmt in ("csv", "tsv"):
                assert len(r.content.decode().splitlines()) == rows + 1
            else:
                assert r.content.count(b"<result>") == rows and r.content.endswith(b"</sparql>")
    with serving(store, Settings(token="t", max_rows=rows - 1)) as url:
        r = httpx.get(url + "/sparql", params={"query": query}, headers={"Accept": accept["json"]}, timeout=60)
        assert r.headers["x-coopgraph-truncated"] == "true" and len(r.json()["results"]["bindings"]) == rows - 1
    store.close()
