"""Hostile input, property-based (hypothesis): every reader (CSV, JSON, Turtle/RDF, mapping
files) and every API parameter either works or says what is wrong — no 500, no traceback shown
to the user, no hang (hypothesis' per-example deadline bounds each call)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.settings import Settings
from graph import resources as res
from graph.store import Store, open_store

readers = pytest.importorskip("graph.ingest.readers")
mapping = pytest.importorskip("graph.ingest.mapping")

QUICK = settings(
    max_examples=60, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
BASE = "https://w3id.org/coopgraph/id/"

# -- text that tends to break things ------------------------------------------------------

NASTY = [
    "",
    '"',
    "'",
    "\\",
    "<",
    ">",
    "}",
    "{",
    "\x00",
    "\r",
    "\n",
    "\u2028",
    "\ufeff",
    "é",
    "Ã©",
    "%",
    "%00",
    "..",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' } UNION { ?s ?p ?o } #",
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "http://x> . ?s ?p ?o . <y",
    "urn:",
    "a" * 5000,
]
nasty_text = st.one_of(st.sampled_from(NASTY), st.text(st.characters(exclude_categories=("Cs",)), max_size=200))
nasty_bytes = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.sampled_from([*NASTY, "\udcff"]), max_size=20).map(
        lambda xs: ",".join(xs).encode("utf-8", "surrogatepass")
    ),
)


def csv_like() -> st.SearchStrategy[bytes]:
    cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
    row = st.lists(cell, min_size=0, max_size=6)
    sep = st.sampled_from([",", ";", "\t", "|"])

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        s = draw(sep)
        rows = draw(st.lists(row, max_size=8))
        text = "\n".join(s.join(r) for r in rows)
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
        return text.encode(encoding, "replace")

    return build()


# -- readers -------------------------------------------------------------------------------


@QUICK
@given(content=st.one_of(nasty_bytes, csv_like()))
def test_csv_reader_reads_or_says_where(content: bytes) -> None:
    try:
        table = readers.read_csv(content)
    except readers.ReadError as err:
        assert err.where and str(err)
        return
    assert isinstance(table.headers, list)
    for row in readers.iter_rows(table):
        assert set(row.values) <= set(table.headers) and row.origin


def json_like() -> st.SearchStrategy[Any]:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), nasty_text)
    return st.recursive(
        leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4)
    )


@QUICK
@given(doc=json_like(), raw=nasty_bytes, pick=st.booleans())
def test_json_reader_reads_or_says_where(doc: object, raw: bytes, pick: bool) -> None:
    content = json.dumps(doc).encode() if pick else raw
    try:
        table = readers.read_json(content)
    except readers.ReadError as err:
        assert err.where and str(err)
        return
    for row in readers.iter_rows(table):
        assert all(isinstance(v, str) for v in row.values.values())


TURTLE_BITS = [
    "@prefix ex: <http://example.org/> .",
    "ex:a ex:b ex:c .",
    '<a> <b> "x"@en .',
    "<http://a> <http://b> <http://c> .",
    '_:b <p> """multi\nline""" .',
    "@base <file:///etc/> .",
    "<passwd> <p> <o> .",
    "ex:a ex:b (1 2 3) .",
    "ex:a ex:b [ ex:c ex:d ] .",
    "<<ex:a ex:b ex:c>> ex:d ex:e .",
    '"literal" ex:b ex:c .',
    "ex:a ex:b ex:c",
    "@prefix : <",
]


@QUICK
@given(
    parts=st.lists(st.one_of(st.sampled_from(TURTLE_BITS), nasty_text), max_size=8),
    name=st.sampled_from(["data.ttl", "data.nt", "data.jsonld", "data.turtle"]),
)
def test_rdf_reader_reads_or_says_where(parts: list[str], name: str) -> None:
    content = "\n".join(parts).encode("utf-8", "surrogatepass")
    try:
        triples = readers.read_rdf(content, name, BASE)
    except readers.ReadError as err:
        assert err.where and str(err)
        return
    assert isinstance(triples, list)


MAPPING_KEYS = ["name", "description", "columns", "constants", "options", "bogus"]
FIELDS = ["authority", "authority_country", "partner", "partner_country", "theme", "nope", "status"]


@st.composite
def mapping_doc(draw: st.DrawFn) -> str:
    columns = draw(
        st.dictionaries(
            st.sampled_from(FIELDS),
            st.one_of(
                nasty_text,
                st.dictionaries(st.sampled_from(["column", "split_country", "strip", "x"]), nasty_text, max_size=3),
                st.integers(),
                st.none(),
            ),
            max_size=4,
        )
    )
    doc = {
        k: draw(st.one_of(nasty_text, st.integers(), st.none())) for k in draw(st.sets(st.sampled_from(MAPPING_KEYS)))
    }
    doc["columns"] = columns
    doc["options"] = draw(
        st.dictionaries(st.sampled_from(["on_error", "separator", "encoding", "zzz"]), nasty_text, max_size=2)
    )
    return json.dumps(doc) if draw(st.booleans()) else _yaml(doc)


def _yaml(doc: object) -> str:
    import yaml

    return str(yaml.safe_dump(doc, allow_unicode=True))


@QUICK
@given(text=st.one_of(mapping_doc(), nasty_text, st.sampled_from(["a: [", "!!python/object:os.system 'x'", "- - -"])))
def test_mapping_files_load_or_say_what_is_wrong(text: str) -> None:
    try:
        m = mapping.load_mapping(text=text)
    except mapping.MappingError as err:
        assert str(err)
        return
    try:
        mapping.plan(m, ["city1", "country1", "city2", "country2"])
    except mapping.MappingError as err:
        assert str(err)


# -- API parameters ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    store: Store = open_store(":memory:")
    store.init()
    yield TestClient(create_app(store, Settings(token="t", query_timeout=3)), raise_server_exceptions=False)
    store.close()


def _ok(r: object) -> None:
    status = r.status_code  # type: ignore[attr-defined]
    assert status < 500, (status, r.text[:300])  # type: ignore[attr-defined]
    if status >= 400:
        assert r.headers["content-type"].startswith(("application/problem+json", "text/html")), r.headers  # type: ignore[attr-defined]
        assert "Traceback" not in r.text  # type: ignore[attr-defined]


LIST_ROUTES = sorted({(k.name, f) for k in res.KINDS.values() for f in (*k.filters, "iri", "page", "size", "lang")})


@QUICK
@given(route=st.sampled_from(LIST_ROUTES), value=nasty_text)
def test_rest_filters(client: TestClient, route: tuple[str, str], value: str) -> None:
    kind, name = route
    _ok(client.get(f"/api/{kind}", params={name: value}))


@QUICK
@given(q=nasty_text, kind=st.one_of(st.none(), nasty_text), limit=st.one_of(nasty_text, st.integers()))
def test_search(client: TestClient, q: str, kind: str | None, limit: object) -> None:
    params = {"q": q, "limit": str(limit)} | ({"kind": kind} if kind is not None else {})
    _ok(client.get("/api/search", params=params))


@QUICK
@given(path=nasty_text, fmt=st.one_of(st.none(), nasty_text), accept=st.sampled_from(["text/html", "*/*", "x/y", ""]))
def test_id_paths(client: TestClient, path: str, fmt: str | None, accept: str) -> None:
    params = {"format": fmt} if fmt is not None else {}
    _ok(client.get("/id/" + quote(path, safe="/"), params=params, headers={"accept": accept}))


@QUICK
@given(name=nasty_text, params=st.dictionaries(nasty_text, nasty_text, max_size=3))
def test_questions_and_provenance(client: TestClient, name: str, params: dict[str, str]) -> None:
    _ok(client.get("/api/questions/" + quote(name, safe=""), params=params))
    _ok(client.get("/api/provenance", params={"iri": name}))


SPARQL_BITS = [
    "SELECT",
    "*",
    "WHERE",
    "{",
    "}",
    "?s",
    "?p",
    "?o",
    ".",
    "FILTER(",
    ")",
    "LIMIT",
    "1",
    "ASK",
    "CONSTRUCT",
    "OPTIONAL",
    "UNION",
    "GRAPH",
    "<urn:x>",
    '"x"',
    "VALUES",
    "(",
    "BIND",
    "AS",
    "#",
    "SERVICE",
    "LOAD",
    "PREFIX",
    "ex:",
    "<http://example.org/>",
    "DESCRIBE",
    "ORDER",
    "BY",
    "GROUP",
    "BY",
    "COUNT",
    "REGEX",
    "\\u0000",
]


@QUICK
@given(
    words=st.lists(st.one_of(st.sampled_from(SPARQL_BITS), nasty_text), max_size=14),
    accept=st.sampled_from(["*/*", "application/sparql-results+json", "text/csv", "text/turtle", "x/y", ""]),
    fmt=st.one_of(st.none(), nasty_text),
)
def test_sparql_queries(client: TestClient, words: list[str], accept: str, fmt: str | None) -> None:
    query = " ".join(words)
    params = {"query": query} | ({"format": fmt} if fmt is not None else {})
    _ok(client.get("/sparql", params=params, headers={"accept": accept}))
    _ok(client.post("/sparql", content=query.encode("utf-8", "surrogatepass"),
                    headers={"content-type": "application/sparql-query", "accept": accept}))  # fmt: skip


@QUICK
@given(
    body=nasty_bytes,
    ctype=st.sampled_from(
        ["application/sparql-query", "application/x-www-form-urlencoded", "text/plain", "", "a/b; charset=x"]
    ),
)
def test_sparql_bodies(client: TestClient, body: bytes, ctype: str) -> None:
    _ok(client.post("/sparql", content=body, headers={"content-type": ctype}))


@QUICK
@given(
    words=st.lists(
        st.one_of(st.sampled_from([*SPARQL_BITS, "INSERT", "DELETE", "DATA", "CLEAR", "DROP"]), nasty_text), max_size=12
    )
)
def test_sparql_updates(client: TestClient, words: list[str]) -> None:
    text = " ".join(words)
    if any(w in text.upper() for w in ("CLEAR", "DROP", "DELETE")):
        text = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"  # keep the shared store whole
    _ok(client.post("/sparql", data={"update": text}, headers={"authorization": "Bearer t"}))


MAP_PARAMS = ["country", "theme", "status", "year_from", "year_to", "kind", "q", "lang"]


@QUICK
@given(params=st.dictionaries(st.sampled_from(MAP_PARAMS), nasty_text, max_size=4), iri=nasty_text)
def test_map_parameters(client: TestClient, params: dict[str, str], iri: str) -> None:
    for path in ("/api/map/places", "/api/map/partnerships", "/api/map/facets"):
        _ok(client.get(path, params=params))
    _ok(client.get("/api/map/place", params={"iri": iri, **params}))


@QUICK
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["country", "theme", "kind", "year", "projection", "top", "seed", "ego", "radius", "colour", "size"]
        ),
        nasty_text,
        max_size=4,
    )
)
def test_network_parameters(client: TestClient, params: dict[str, str]) -> None:
    for path in ("/api/network/summary", "/network"):
        _ok(client.get(path, params=params))


@QUICK
@given(
    body=nasty_bytes,
    graph=nasty_text,
    ctype=st.sampled_from(["text/turtle", "application/n-triples", "application/ld+json", "x/y"]),
)
def test_graph_store_bodies(client: TestClient, body: bytes, graph: str, ctype: str) -> None:
    _ok(client.post("/rdf-graph-store", params={"graph": graph or "urn:g"}, content=body,
                    headers={"content-type": ctype, "authorization": "Bearer t"}))  # fmt: skip
    _ok(client.get("/rdf-graph-store", params={"graph": graph}))
