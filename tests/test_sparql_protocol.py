"""The SPARQL 1.1 Protocol on /sparql, every MUST and the negative cases, over HTTP
(FastAPI's TestClient) on the embedded store and on a remote Oxigraph server."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph import protocol, sparql_formats
from graph.servers import Running
from graph.store import Store, open_store

TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASE = "https://w3id.org/coopgraph/id/"
G1, G2, G3 = "http://example.org/g1", "http://example.org/g2", "http://example.org/g3"
EX = "http://example.org/"
DATA = f"""
INSERT DATA {{
  GRAPH <{G1}> {{ <{BASE}place/1> <http://example.org/name> "Besançon"@fr ; <http://example.org/n> 1 . }}
  GRAPH <{G2}> {{ <{BASE}place/2> <http://example.org/name> "Kraków"@pl ; <http://example.org/n> 2 . }}
}}"""
ALL = "SELECT ?s ?name WHERE { ?s <http://example.org/name> ?name } ORDER BY ?s"


def _open(kind: str, request: pytest.FixtureRequest) -> Store:
    if kind == "memory":
        return open_store(":memory:")
    server: Running = request.getfixturevalue("oxigraph")
    store = open_store(server.url + "/query")
    store.update("DROP SILENT ALL")
    return store


@pytest.fixture(params=["memory", "remote"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    store = _open(request.param, request)
    store.update(DATA)
    yield store
    store.close()


def client_for(store: Store, **settings: object) -> TestClient:
    return TestClient(create_app(store, Settings(token=TOKEN, **settings)))  # type: ignore[arg-type]


@pytest.fixture
def client(store: Store) -> TestClient:
    return client_for(store)


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [b["name"]["value"] for b in response.json()["results"]["bindings"]]


# -- the three ways of sending a query -------------------------------------------------------


def test_get_post_form_and_post_body_agree(client: TestClient) -> None:
    by_get = names(client.get("/sparql", params={"query": ALL}))
    by_form = names(client.post("/sparql", data={"query": ALL}))
    by_body = names(client.post("/sparql", content=ALL.encode(), headers={"Content-Type": "application/sparql-query"}))
    assert by_get == by_form == by_body == ["Besançon", "Kraków"]


def test_utf8_body_with_and_without_charset(client: TestClient) -> None:
    query = 'SELECT ?s WHERE { ?s <http://example.org/name> "Kraków"@pl }'
    for ctype in ("application/sparql-query", "application/sparql-query; charset=UTF-8"):
        r = client.post("/sparql", content=query.encode("utf-8"), headers={"Content-Type": ctype})
        assert r.status_code == 200
        assert [b["s"]["value"] for b in r.json()["results"]["bindings"]] == [f"{BASE}place/2"]
    bad = client.post(
        "/sparql", content=b"SELECT * { ?s ?p '\xff' }", headers={"Content-Type": "application/sparql-query"}
    )
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"


def test_utf8_update_body(client: TestClient) -> None:
    update = f'INSERT DATA {{ GRAPH <{G3}> {{ <{BASE}place/3> <{EX}name> "Łódź — Zürich ✓"@pl }} }}'
    for ctype in ("application/sparql-update", "application/sparql-update; charset=utf-8"):
        r = client.post("/sparql", content=update.encode("utf-8"), headers={"Content-Type": ctype, **AUTH})
        assert r.status_code == 204, r.text
    assert "Łódź — Zürich ✓" in names(client.get("/sparql", params={"query": ALL}))
    latin1 = client.post(
        "/sparql",
        content=update.replace("Łódź — Zürich ✓", "Zürich").encode("latin-1"),
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert latin1.status_code == 400 and latin1.json()["parameter"] == "body"


# -- negative cases ------------------------------------------------------------------------------


def test_two_queries_are_refused(client: TestClient) -> None:
    r = client.get("/sparql", params=[("query", ALL), ("query", ALL)])
    assert r.status_code == 400 and r.json()["parameter"] == "query"
    form = urlencode([("query", ALL), ("query", ALL)]).encode()
    r = client.post("/sparql", content=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400


def test_two_updates_are_refused(client: TestClient) -> None:
    form = urlencode([("update", f"CLEAR GRAPH <{G1}>"), ("update", f"CLEAR GRAPH <{G2}>")]).encode()
    r = client.post("/sparql", content=form, headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH})
    assert r.status_code == 400 and r.json()["parameter"] == "update"
    assert names(client.get("/sparql", params={"query": ALL})) == ["Besançon", "Kraków"]  # nothing cleared


def test_query_and_update_together_are_refused(client: TestClient) -> None:
    r = client.post("/sparql", data={"query": ALL, "update": "CLEAR ALL"}, headers=AUTH)
    assert r.status_code == 400
    assert names(client.get("/sparql", params={"query": ALL})) == ["Besançon", "Kraków"]  # nothing cleared


def test_post_without_or_with_a_wrong_content_type(client: TestClient) -> None:
    missing = client.post("/sparql", content=ALL.encode())
    assert missing.status_code == 400 and missing.json()["parameter"] == "Content-Type"
    wrong = client.post("/sparql", content=ALL.encode(), headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 415


def test_update_by_get_is_refused(client: TestClient) -> None:
    r = client.get("/sparql", params={"update": f"CLEAR GRAPH <{G1}>"}, headers=AUTH)
    assert r.status_code == 405
    assert names(client.get("/sparql", params={"query": ALL})) == ["Besançon", "Kraków"]


def test_query_in_the_url_of_a_form_post_is_refused(client: TestClient) -> None:
    r = client.post("/sparql", params={"query": ALL}, data={"format": "json"})
    assert r.status_code == 400 and r.json()["parameter"] == "query"
    r = client.post("/sparql", params={"update": "CLEAR ALL"}, data={"x": "1"}, headers=AUTH)
    assert r.status_code == 400
    r = client.post(
        "/sparql", params={"query": ALL}, content=ALL.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert r.status_code == 400


def test_malformed_query_names_line_and_column(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?s\nWHERE { ?s ?p }"})
    assert r.status_code == 400
    problem = r.json()
    assert r.headers["content-type"] == "application/problem+json"
    assert problem["line"] == 2 and problem["column"] > 0
    assert f"{problem['line']}:{problem['column']}" in problem["detail"]


def test_service_and_load_are_refused(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400 and "SERVICE" in r.json()["detail"]
    r = client.post("/sparql", data={"update": "LOAD <file:///etc/passwd>"}, headers=AUTH)
    assert r.status_code == 400 and "LOAD" in r.json()["detail"]
    # the word in a literal is data
    assert client.get("/sparql", params={"query": "ASK { FILTER('SERVICE' != 'LOAD') }"}).json()["boolean"] is True


def test_service_allowed_by_the_allow_list_passes_the_sandbox(store: Store) -> None:
    client = client_for(store, service_allow=("http://127.0.0.1:9/*",))
    r = client.get("/sparql", params={"query": "SELECT * { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code != 400 or "not allowed" not in r.text


def test_not_acceptable(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": ALL}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.json()["offered"]
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert r.status_code == 406
    r = client.get("/sparql", params={"query": ALL, "format": "turtle"})
    assert r.status_code == 406


# -- dataset -----------------------------------------------------------------------------------


def test_default_and_named_graph_uri(client: TestClient) -> None:
    assert names(client.get("/sparql", params={"query": ALL, "default-graph-uri": G2})) == ["Kraków"]
    both = client.get("/sparql", params=[("query", ALL), ("default-graph-uri", G1), ("default-graph-uri", G2)])
    assert names(both) == ["Besançon", "Kraków"]
    q = "SELECT ?g ?name WHERE { GRAPH ?g { ?s <http://example.org/name> ?name } }"
    r = client.get("/sparql", params={"query": q, "named-graph-uri": G1})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [G1]
    # with only named graphs given, the default graph is empty
    assert names(client.get("/sparql", params={"query": ALL, "named-graph-uri": G1})) == []


def test_from_clause_and_protocol_override(client: TestClient) -> None:
    q = "PREFIX ex: <http://example.org/> SELECT ?name FROM ex:g1 WHERE { ?s <http://example.org/name> ?name }"
    assert names(client.get("/sparql", params={"query": q})) == ["Besançon"]
    # the protocol's dataset wins over FROM
    assert names(client.get("/sparql", params={"query": q, "default-graph-uri": G2})) == ["Kraków"]


def test_from_clause_with_a_fragment_iri(client: TestClient) -> None:
    """The '#' of an IRI is no comment: FROM <…#g> is read as the dataset, on both backends."""
    copy = f'INSERT DATA {{ GRAPH <{EX}d#g> {{ <{BASE}place/4> <{EX}name> "Fragment" }} }}'
    assert client.post("/sparql", data={"update": copy}, headers=AUTH).status_code == 204
    q = f"SELECT ?s ?name FROM <{EX}d#g> WHERE {{ ?s <{EX}name> ?name }}"
    assert names(client.get("/sparql", params={"query": q})) == ["Fragment"]


@pytest.mark.parametrize(
    "clause",
    [f"FROM<{G1}>", f"from <{G1}>", f"FrOm\n\t<{G1}>", "PREFIX ex: <http://example.org/>\nfrom ex:g1"],
)
def test_from_clause_in_any_spelling(client: TestClient, clause: str) -> None:
    """The keyword in any case, with or without a space before an IRI (SPARQL's grammar needs none)."""
    prologue, _, clause = clause.rpartition("\n") if clause.startswith("PREFIX") else ("", "", clause)
    q = f"{prologue}\nSELECT ?name {clause} WHERE {{ ?s <http://example.org/name> ?name }}"
    assert names(client.get("/sparql", params={"query": q})) == ["Besançon"]


def test_from_in_a_comment_or_a_string_is_no_dataset(client: TestClient) -> None:
    q = f"""# read from <{G1}> only? no: this is a comment
    SELECT ?name WHERE {{ ?s <http://example.org/name> ?name FILTER(?name != "from <{G1}>") }} ORDER BY ?name"""
    assert names(client.post("/sparql", data={"query": q})) == ["Besançon", "Kraków"]


def test_relative_iris_resolve_against_the_data_base(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?name WHERE { <place/1> <http://example.org/name> ?name }"})
    assert names(r) == ["Besançon"]


# -- updates -------------------------------------------------------------------------------------


def test_update_needs_the_token(client: TestClient) -> None:
    update = f'INSERT DATA {{ GRAPH <{G1}> {{ <{BASE}place/3> <http://example.org/name> "Nouveau" }} }}'
    assert client.post("/sparql", data={"update": update}).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/sparql", data={"update": update}, headers=wrong).status_code == 403
    body = {"Content-Type": "application/sparql-update"}
    assert client.post("/sparql", content=update.encode(), headers=body).status_code == 401
    assert names(client.get("/sparql", params={"query": ALL})) == ["Besançon", "Kraków"]
    assert client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    assert "Nouveau" in names(client.get("/sparql", params={"query": ALL}))


def test_update_by_body_with_relative_iris(client: TestClient) -> None:
    update = 'INSERT DATA { GRAPH <http://example.org/g3> { <place/9> <http://example.org/name> "Neuf" } }'
    r = client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update", **AUTH})
    assert r.status_code == 204
    r = client.get("/sparql", params={"query": f'ASK {{ <{BASE}place/9> ?p "Neuf" }}'})
    assert r.json()["boolean"] is True


def _graph(client: TestClient, graph: str) -> list[tuple[str, str, str]]:
    """The triples of ``graph`` as sorted (s, p, o) values, read over /sparql."""
    q = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 200, r.text
    return sorted(tuple(b[v]["value"] for v in ("s", "p", "o")) for b in r.json()["results"]["bindings"])


COPY = "http://example.org/copy"


def test_using_graph_uri(client: TestClient) -> None:
    update = f"INSERT {{ GRAPH <{COPY}> {{ ?s <http://example.org/copied> ?name }} }} WHERE {{ ?s <{EX}name> ?name }}"
    r = client.post("/sparql", data={"update": update, "using-graph-uri": G2}, headers=AUTH)
    assert r.status_code == 204, r.text
    assert _graph(client, COPY) == [(f"{BASE}place/2", "http://example.org/copied", "Kraków")]


def test_using_graph_uri_in_the_url_of_an_update_body(client: TestClient) -> None:
    update = f"INSERT {{ GRAPH <{COPY}> {{ ?s <{EX}n> ?n }} }} WHERE {{ ?s <{EX}n> ?n }}"
    r = client.post(
        "/sparql",
        params={"using-graph-uri": G1},
        content=update.encode(),
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert r.status_code == 204, r.text
    assert [o for _, _, o in _graph(client, COPY)] == ["1"]


def test_several_using_graph_uris_are_merged_into_one_default_graph(client: TestClient) -> None:
    """The WHERE joins across the graphs (?b is in G3 and in G2): their merge, not a choice of one."""
    twin = f"INSERT DATA {{ GRAPH <{G3}> {{ <{BASE}place/1> <{EX}twin> <{BASE}place/2> }} }}"
    assert client.post("/sparql", data={"update": twin}, headers=AUTH).status_code == 204
    update = f"INSERT {{ GRAPH <{COPY}> {{ ?a <{EX}twinName> ?n }} }} WHERE {{ ?a <{EX}twin> ?b . ?b <{EX}name> ?n }}"
    alone = client.post("/sparql", data={"update": update, "using-graph-uri": G3}, headers=AUTH)
    assert alone.status_code == 204 and _graph(client, COPY) == []
    both = urlencode([("update", update), ("using-graph-uri", G3), ("using-graph-uri", G2)]).encode()
    r = client.post("/sparql", content=both, headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH})
    assert r.status_code == 204, r.text
    assert _graph(client, COPY) == [(f"{BASE}place/1", f"{EX}twinName", "Kraków")]


def test_using_named_graph_uri(client: TestClient) -> None:
    update = (
        "INSERT { GRAPH <http://example.org/names> { ?g <http://example.org/has> ?name } } "
        f"WHERE {{ GRAPH ?g {{ ?s <{EX}name> ?name }} }}"
    )
    r = client.post("/sparql", data={"update": update, "using-named-graph-uri": G1}, headers=AUTH)
    assert r.status_code == 204, r.text
    assert _graph(client, "http://example.org/names") == [(G1, "http://example.org/has", "Besançon")]
    # named graphs only: the default graph of the WHERE is empty, so nothing matches
    plain = f"INSERT {{ GRAPH <{COPY}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}"
    assert client.post("/sparql", data={"update": plain, "using-named-graph-uri": G1}, headers=AUTH).status_code == 204
    assert _graph(client, COPY) == []


def test_using_named_graph_uri_applies_to_delete_where(client: TestClient) -> None:
    update = f"DELETE WHERE {{ GRAPH ?g {{ ?s <{EX}n> ?n }} }}"
    r = client.post("/sparql", data={"update": update, "using-named-graph-uri": G2}, headers=AUTH)
    assert r.status_code == 204, r.text
    assert [p for _, p, _ in _graph(client, G2)] == [f"{EX}name"]  # G2's number is gone
    assert [p for _, p, _ in _graph(client, G1)] == [f"{EX}n", f"{EX}name"]  # G1 untouched


def test_using_graph_uri_conflicts_with_using_or_with_in_the_update(client: TestClient) -> None:
    for update in (
        f"WITH <{G1}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }} USING <{G1}> WHERE {{ ?s ?p ?o }}",
    ):
        r = client.post("/sparql", data={"update": update, "using-graph-uri": G2}, headers=AUTH)
        assert r.status_code == 400 and r.json()["title"] == "Conflicting dataset", r.text
    assert names(client.get("/sparql", params={"query": ALL})) == ["Besançon", "Kraków"]  # nothing deleted


def test_using_in_the_update_text(client: TestClient, store: Store) -> None:
    """USING written in the update: honoured by the embedded store; a remote server reading the
    union refuses it, which is said plainly (501) with the parameters as the way out."""
    update = f"INSERT {{ GRAPH <{COPY}> {{ ?s <{EX}n> ?n }} }} USING <{G2}> WHERE {{ ?s <{EX}n> ?n }}"
    r = client.post("/sparql", data={"update": update}, headers=AUTH)
    if store.is_remote:
        assert r.status_code == 501 and "using-graph-uri" in r.json()["detail"], r.text
        assert _graph(client, COPY) == []
    else:
        assert r.status_code == 204, r.text
        assert [o for _, _, o in _graph(client, COPY)] == ["2"]


def test_malformed_update(client: TestClient) -> None:
    r = client.post("/sparql", data={"update": "INSERT DATA { <a> <b> }"}, headers=AUTH)
    assert r.status_code == 400 and r.json()["line"] == 1


# -- limits ------------------------------------------------------------------------------------


def test_results_are_capped_and_say_so(store: Store) -> None:
    client = client_for(store, max_rows=1)
    r = client.get("/sparql", params={"query": ALL})
    assert names(r) == ["Besançon"] and r.headers["X-Coopgraph-Truncated"] == "true"
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "ntriples"})
    assert len(r.text.strip().splitlines()) == 1 and r.headers["X-Coopgraph-Truncated"] == "true"
    r = client_for(store, max_rows=2).get("/sparql", params={"query": ALL})
    assert "X-Coopgraph-Truncated" not in r.headers


def test_a_query_past_the_time_limit_gets_503(store: Store) -> None:
    store.update(
        "INSERT DATA { GRAPH <http://example.org/big> { "
        + " ".join(f"<http://example.org/x{i}> <http://example.org/p> {i} ." for i in range(300))
        + " } }"
    )
    client = client_for(store, query_timeout=0.3, max_rows=10**9)
    r = client.get("/sparql", params={"query": "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert r.status_code == 503
    assert r.json()["title"] == "Query timeout" and "time limit" in r.json()["detail"]


# -- negotiation (pure) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("*/*", "json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "xml"),
        ("text/csv, text/tab-separated-values;q=0.9", "csv"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "xml"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
        ("image/png", None),
    ],
)
def test_negotiate_results(accept: str | None, expected: str | None) -> None:
    assert sparql_formats.negotiate(accept, sparql_formats.RESULT_ALIASES, "json") == expected


def test_with_using_rewrites_only_top_level_where() -> None:
    text = 'DELETE WHERE { ?s ?p "WHERE" } ; INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }'
    rewritten = protocol.with_using(text, protocol.Dataset(default=["http://g"]))
    assert rewritten == (
        'DELETE { ?s ?p "WHERE" } USING <http://g> WHERE { ?s ?p "WHERE" } ; '
        "INSERT { ?s ?p 1 } USING <http://g> WHERE { ?s ?p ?o }"
    )


# Updates whose text is hard to read without a parser: each runs with using-* parameters on the
# embedded store (rewritten with USING) and on the remote server (sent as parameters), from the
# same data; both must end with the same quads.
TRICKY = [
    (  # strings and a comment holding braces and WHERE; an IRI holding '#'
        f"PREFIX ex: <{EX}> # no WHERE {{ here\n"
        'INSERT { GRAPH <http://example.org/out#g> { ?s ex:copied "}{ WHERE" } } '
        'WHERE { ?s ex:name ?n FILTER(?n != "WHERE {") FILTER(?n != """ } WHERE { """) }',
        [G1],
        [],
    ),
    (  # nested groups, UNION, OPTIONAL, EXISTS, and a sub-select with its own WHERE
        f"PREFIX ex: <{EX}> INSERT {{ GRAPH ex:out {{ ?s ex:k ?n ; ex:max ?m }} }} WHERE {{ "
        "{ ?s ex:n ?n } UNION { ?s ex:name ?n OPTIONAL { ?s ex:n ?x } } FILTER EXISTS { ?s ?p ?o } "
        "{ SELECT ?s (MAX(?v) AS ?m) WHERE { ?s ex:n ?v } GROUP BY ?s } }",
        [G2],
        [],
    ),
    (  # several operations; variables and prefixed names spelled like keywords; lower case
        f"prefix ex: <{EX}> clear silent graph ex:where ; "
        'insert data { graph ex:out { ex:a ex:b "where" } } ; '
        "delete { graph ?g { ?where ex:n ?delete } } insert { graph ?g { ?where ex:n 0 } } "
        "where { graph ?g { ?where ex:n ?delete } } ; "
        "delete where { graph ?g { ?s ex:name ?with } }",
        [],
        [G1],
    ),
]


@pytest.mark.parametrize(("update", "default", "named"), TRICKY)
def test_using_rewrite_agrees_with_the_server(
    update: str, default: list[str], named: list[str], request: pytest.FixtureRequest
) -> None:
    results = []
    for kind in ("memory", "remote"):
        store = _open(kind, request)
        store.update(DATA)
        client = client_for(store)
        pairs = [("update", update)] + [("using-graph-uri", g) for g in default]
        pairs += [("using-named-graph-uri", g) for g in named]
        r = client.post(
            "/sparql",
            content=urlencode(pairs).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH},
        )
        assert r.status_code == 204, (kind, r.text)
        results.append(sorted(str(q) for q in store.quads()))
        store.close()
    memory, remote = results
    assert memory == remote
    assert memory != sorted(str(q) for q in _data_quads())  # the update did something


def _data_quads() -> list[object]:
    store = open_store(":memory:")
    store.update(DATA)
    return list(store.quads())
