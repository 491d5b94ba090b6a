"""The Graph Store HTTP Protocol at /rdf-graph-store and /service, on the embedded store and on
a remote Oxigraph server: status codes, round trips, batches and undo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from api.app import create_app
from api.settings import Settings
from graph import batches
from graph.namespaces import COOP
from graph.servers import Running
from graph.store import Store, open_store
from graph.terms import to_rdflib

AUTH = {"Authorization": "Bearer t"}
G = "http://example.org/graphs/people"
TTL = """@prefix ex: <http://example.org/> .
ex:ana ex:name "Ana Łukasiewicz"@pl ; ex:knows ex:bo , [ ex:name "anonymous" ] ; ex:age 41 .
<thing/1> ex:label "relative IRI"@en ."""


@pytest.fixture(params=["memory", "remote"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        store = open_store(":memory:")
    else:
        server: Running = request.getfixturevalue("oxigraph")
        store = open_store(server.url + "/query")
        store.update("DROP SILENT ALL")
    yield store
    store.close()


@pytest.fixture
def client(store: Store) -> TestClient:
    return TestClient(create_app(store, Settings(token="t")))


def put(client: TestClient, body: str, graph: str = G, ctype: str = "text/turtle", path: str = "/rdf-graph-store"):  # type: ignore[no-untyped-def]
    return client.put(path, params={"graph": graph}, content=body.encode(), headers={"Content-Type": ctype, **AUTH})


def test_put_then_get_round_trips(client: TestClient, store: Store) -> None:
    created = put(client, TTL)
    assert created.status_code == 201 and "graph=" in created.headers["location"]
    expected = Graph().parse(data=TTL, format="turtle", publicID=store.base)
    for accept, syntax in [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ]:
        r = client.get("/rdf-graph-store", params={"graph": G}, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        assert isomorphic(Graph().parse(data=r.text, format=syntax), expected), accept
    head = client.head("/service", params={"graph": G}, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 0


def test_put_replaces_and_post_merges(client: TestClient) -> None:
    assert put(client, TTL).status_code == 201
    assert put(client, "<http://example.org/x> <http://example.org/p> 1 .").status_code == 204
    r = client.get("/rdf-graph-store", params={"graph": G}, headers={"Accept": "application/n-triples"})
    assert (
        r.text.strip()
        == '<http://example.org/x> <http://example.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'
    )
    merged = client.post(
        "/service",
        params={"graph": G},
        content=b'<http://example.org/y> <http://example.org/p> "2" .',
        headers={"Content-Type": "application/n-triples", **AUTH},
    )
    assert merged.status_code == 204
    r = client.get("/rdf-graph-store", params={"graph": G}, headers={"Accept": "application/n-triples"})
    assert len(r.text.strip().splitlines()) == 2
    new = client.post(
        "/rdf-graph-store",
        params={"graph": G + "2"},
        content=b"<http://example.org/z> <http://example.org/p> 3 .",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert new.status_code == 201


def test_post_to_the_service_creates_a_graph(client: TestClient) -> None:
    r = client.post(
        "/rdf-graph-store",
        content=b"<http://example.org/z> <http://example.org/p> 3 .",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert r.status_code == 201
    assert client.get(r.headers["location"]).status_code == 200


def test_delete_and_unknown_graphs(client: TestClient) -> None:
    assert client.get("/rdf-graph-store", params={"graph": G}).status_code == 404
    assert client.delete("/rdf-graph-store", params={"graph": G}, headers=AUTH).status_code == 404
    put(client, TTL)
    assert client.delete("/rdf-graph-store", params={"graph": G}).status_code == 401
    assert client.delete("/rdf-graph-store", params={"graph": G}, headers=AUTH).status_code == 204
    assert client.get("/rdf-graph-store", params={"graph": G}).status_code == 404


def test_default_graph_is_the_union_and_read_only(client: TestClient) -> None:
    put(client, "<http://example.org/a> <http://example.org/p> 1 .")
    put(client, "<http://example.org/b> <http://example.org/p> 2 .", graph=G + "/other")
    r = client.get("/rdf-graph-store", params={"default": ""}, headers={"Accept": "application/n-triples"})
    union = Graph().parse(data=r.text, format="nt")
    assert r.status_code == 200
    assert (URIRef("http://example.org/a"), URIRef("http://example.org/p"), Literal(1)) in union
    assert (URIRef("http://example.org/b"), URIRef("http://example.org/p"), Literal(2)) in union
    assert any(union.subjects(RDF.type, COOP.ImportBatch))  # the metadata graph is part of the union
    w = client.put(
        "/rdf-graph-store?default", content=b"<a> <b> <c> .", headers={"Content-Type": "text/turtle", **AUTH}
    )
    assert w.status_code == 405 and "GET" in w.headers["allow"]


def test_bad_requests(client: TestClient, store: Store) -> None:
    bad = put(client, "<http://example.org/a> <http://example.org/p> .")
    assert bad.status_code == 400 and bad.json()["line"] == 1
    assert put(client, "a,b,c", ctype="text/csv").status_code == 415
    assert (
        client.put(
            "/rdf-graph-store", params={"graph": G}, content=b"<a> <b> <c> .", headers={"Content-Type": "text/turtle"}
        ).status_code
        == 401
    )
    assert (
        client.put(
            "/rdf-graph-store",
            params={"graph": G},
            content=b"<a> <b> <c> .",
            headers={"Content-Type": "text/turtle", "Authorization": "Bearer no"},
        ).status_code
        == 403
    )
    assert put(client, "<a> <b> <c> .", graph=store.graph("ontology")).status_code == 403
    assert client.get("/rdf-graph-store").status_code == 400
    assert client.get("/rdf-graph-store", params={"graph": "not an iri"}).status_code == 400
    put(client, TTL)
    assert client.get("/rdf-graph-store", params={"graph": G}, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/rdf-graph-store", params={"graph": G}, headers={"Accept": "text/turtle"}).status_code == 200


def test_writes_are_batches_that_undo(client: TestClient, store: Store) -> None:
    r = put(client, TTL)
    batch_id = r.headers["x-coopgraph-batch"]
    listed = {b["batch"]: b for b in batches.list_batches(store)}
    record = listed[f"{store.base}batch/{batch_id}"]
    assert record["graph"] == G and record["records"] == 6 and "PUT" in str(record["source"])
    batches.undo(store, batch_id)
    assert client.get("/rdf-graph-store", params={"graph": G}).status_code == 404
    assert batches.list_batches(store) == []


def test_instances_of_ontology_classes_are_validated(client: TestClient) -> None:
    from graph.paths import ontology_dir

    if not (ontology_dir() / "shapes.ttl").is_file():
        pytest.skip("ontology/shapes.ttl is not written yet")
    bad = "<http://example.org/p1> a <https://w3id.org/coopgraph/def#Partnership> ."
    r = put(client, bad)
    if r.status_code == 422:
        assert r.json()["report"]["conforms"] is False
        assert client.get("/rdf-graph-store", params={"graph": G}).status_code == 404
        forced = client.put(
            "/rdf-graph-store",
            params={"graph": G, "force": "true"},
            content=bad.encode(),
            headers={"Content-Type": "text/turtle", **AUTH},
        )
        assert forced.status_code == 201
    else:  # the shapes accept a bare partnership: then the write went through
        assert r.status_code == 201


def test_post_bad_bodies_write_nothing(client: TestClient) -> None:
    assert put(client, TTL).status_code == 201
    before = client.get("/rdf-graph-store", params={"graph": G}, headers={"Accept": "application/n-triples"}).text

    def post(body: bytes, ctype: str):  # type: ignore[no-untyped-def]
        return client.post(
            "/rdf-graph-store", params={"graph": G}, content=body, headers={"Content-Type": ctype, **AUTH}
        )

    bad = post(b"<http://example.org/a> <http://example.org/p> .", "text/turtle")
    assert bad.status_code == 400 and bad.json()["parameter"] == "body"
    assert post(b"a,b", "text/csv").status_code == 415
    assert post(b"<http://example.org/a> <http://example.org/p> 1 .", "").status_code == 415
    after = client.get("/rdf-graph-store", params={"graph": G}, headers={"Accept": "application/n-triples"}).text
    assert sorted(after.splitlines()) == sorted(before.splitlines())


def test_seed_and_import_batch_graphs_can_be_fetched(client: TestClient, store: Store) -> None:
    store.init()
    seed_graphs = [g for g in store.named_graphs() if g.startswith(store.graph("seed/"))]
    assert seed_graphs
    for graph in [*seed_graphs, store.graph("ontology"), store.meta_graph]:
        r = client.get("/rdf-graph-store", params={"graph": graph}, headers={"Accept": "application/n-triples"})
        assert r.status_code == 200, graph
        expected = Graph()
        for q in store.quads(graph):
            expected.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        assert isomorphic(Graph().parse(data=r.text, format="nt"), expected), graph


def test_curl_and_rdflib_round_trip_over_a_real_server(store: Store) -> None:
    """The README's recipe, over a real HTTP server on 127.0.0.1: fetch a graph with rdflib,
    change it, replace it with PUT, fetch it again unchanged."""
    import httpx

    from tests.test_sparql_endpoint import serving

    with serving(store) as url:
        endpoint = url + "/rdf-graph-store"
        auth = {"Authorization": "Bearer t"}
        created = httpx.put(
            endpoint, params={"graph": G}, content=TTL.encode(), headers={"Content-Type": "text/turtle", **auth}
        )
        assert created.status_code == 201
        notes = Graph().parse(f"{endpoint}?graph={G}", format="turtle")  # rdflib fetches it itself
        assert isomorphic(notes, Graph().parse(data=TTL, format="turtle", publicID=store.base))
        notes.add((URIRef("http://example.org/bo"), URIRef("http://example.org/name"), Literal("Bo")))
        replaced = httpx.put(
            endpoint,
            params={"graph": G},
            content=notes.serialize(format="turtle").encode(),
            headers={"Content-Type": "text/turtle", **auth},
        )
        assert replaced.status_code == 204
        again = httpx.get(endpoint, params={"graph": G}, headers={"Accept": "text/turtle"})
        assert isomorphic(Graph().parse(data=again.text, format="turtle"), notes)
