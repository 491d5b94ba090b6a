"""SELECT answers serialised by Oxigraph (the embedded store's fast path of /sparql) against the
rows read in Python (the remote store's path, and the fallback): the same terms in every
results format, the same row cap and count, and the deadline still stopping a long answer."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph import protocol
from graph.results import from_oxigraph
from graph.sparql_errors import QueryTimeout
from graph.sparql_formats import serialise_solutions
from graph.sparql_native import native_solutions
from graph.store import Store, open_store

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
FORMATS = ["json", "xml", "csv", "tsv"]
PARSERS = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML, "tsv": ox.QueryResultsFormat.TSV}
TEXTS = [
    "plain",
    "Besançon",
    'line one\nline two "quoted" \\ back\ttab',
    ',{"s":{"type":"uri"}},{',  # looks like the start of a JSON row
    '[{"a":1}]',
    "a,{}",
    ',{",',
    "<result> & </results>",
    "comma, inside",
    '"',
    "\r\n",
    "  ",
    " padded ",
    "",
]
TERMS: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
    *(ox.Literal(text) for text in TEXTS),
    ox.Literal("Kraków", language="pl"),
    ox.Literal("colour", language="en-GB"),
    ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-1.5", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1.0E3", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("2024-05-01", datatype=ox.NamedNode(XSD + "date")),
    ox.Literal("odd", datatype=ox.NamedNode(EX + "type")),
    ox.BlankNode("b1"),
    ox.NamedNode(EX + "other?x=1&y=2#a"),
]
QUERIES = {
    "terms": f"SELECT ?s ?o ?missing WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s",
    "type_as_a_variable": f"SELECT ?type ?value WHERE {{ ?value <{EX}p> ?type }} ORDER BY ?value",
    "unbound_and_empty_rows": (
        f"SELECT ?s ?o ?t WHERE {{ {{ ?s <{EX}p> ?o }} UNION {{ }} UNION "
        f'{{ BIND(<<( <{EX}s0> <{EX}p> <<( <{EX}s1> <{EX}p> "z"@fr )>> )>> AS ?t) }} }} ORDER BY ?s ?o'
    ),
    "no_variables": "SELECT * WHERE { }",
    "nothing": f"SELECT ?s WHERE {{ ?s <{EX}none> ?o }}",
    "one_unbound_variable": f"SELECT ?x WHERE {{ OPTIONAL {{ ?x <{EX}none> ?y }} }}",
}


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    s.add(ox.Quad(ox.NamedNode(f"{EX}s{i:02}"), ox.NamedNode(EX + "p"), term) for i, term in enumerate(TERMS))
    yield s
    s.close()


def _rows(body: bytes, fmt: str, width: int) -> list[tuple[object, ...]]:
    """The rows of an answer as terms (CSV, which is lossy, as padded strings)."""
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))[1:]
        return [tuple(line + [""] * (width - len(line))) if line != [""] else ("",) * width for line in lines]
    return [tuple(solution) for solution in ox.parse_query_results(body, PARSERS[fmt])]


def _python(store: Store, text: str, fmt: str, cap: int) -> tuple[bytes, int, bool, list[str]]:
    result = from_oxigraph(store.backend.ox.query(text, use_default_graph_as_union=True))  # type: ignore[union-attr]
    rows, truncated = protocol._capped(result.rows, cap, lambda: None)  # type: ignore[attr-defined]
    return serialise_solutions(result.variables, rows, fmt), len(rows), truncated, result.variables


def _native(store: Store, text: str, fmt: str, cap: int) -> protocol.Answer:
    prepared = protocol.prepare_query(text, base=store.base, limits=protocol.Limits(), parse=False)
    return protocol.run_query(store, prepared, fmt, max_rows=cap)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", sorted(QUERIES))
def test_native_and_python_paths_agree(store: Store, name: str, fmt: str) -> None:
    text = QUERIES[name]
    for cap in (0, 1, 2, 3, 7, 13, 19, 20, 21, 22, 100):
        expected, count, truncated, variables = _python(store, text, fmt, cap)
        got = _native(store, text, fmt, cap)
        where = f"{name} as {fmt}, cap {cap}"
        assert (got.count, got.truncated) == (count, truncated), where
        assert _rows(got.body, fmt, len(variables)) == _rows(expected, fmt, len(variables)), where
        if fmt == "json":  # the very same JSON document
            assert json.loads(got.body) == json.loads(expected), where


def test_json_terms_as_the_specification_writes_them(store: Store) -> None:
    body = json.loads(_native(store, QUERIES["terms"] + " LIMIT 1000", "json", 1000).body)
    assert body["head"] == {"vars": ["s", "o", "missing"]}
    objects = [row["o"] for row in body["results"]["bindings"]]
    assert all("missing" not in row for row in body["results"]["bindings"])
    assert {"type": "literal", "value": "Kraków", "xml:lang": "pl"} in objects
    assert {"type": "literal", "value": "colour", "xml:lang": "en-gb"} in objects
    assert {"type": "literal", "value": "42", "datatype": XSD + "integer"} in objects
    assert {"type": "literal", "value": "plain"} in objects  # xsd:string is left out
    assert {"type": "bnode", "value": "b1"} in objects
    assert {"type": "uri", "value": EX + "other?x=1&y=2#a"} in objects
    triple = json.loads(_native(store, QUERIES["unbound_and_empty_rows"], "json", 100).body)
    terms = [row["t"] for row in triple["results"]["bindings"] if "t" in row]
    assert terms == [
        {
            "type": "triple",
            "value": {
                "subject": {"type": "uri", "value": EX + "s0"},
                "predicate": {"type": "uri", "value": EX + "p"},
                "object": {
                    "type": "triple",
                    "value": {
                        "subject": {"type": "uri", "value": EX + "s1"},
                        "predicate": {"type": "uri", "value": EX + "p"},
                        "object": {"type": "literal", "value": "z", "xml:lang": "fr"},
                    },
                },
            },
        }
    ]


def test_native_serialiser_is_used_and_falls_back_when_it_cannot_count(store: Store) -> None:
    """Plain answers are counted from Oxigraph's bytes; JSON whose strings hold ``,{`` near the
    cap cannot be, and goes to the Python path (still the right answer: the test above)."""
    query = store.backend.ox.query  # type: ignore[union-attr]
    simple = f'SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o FILTER(!CONTAINS(STR(?o), "{{")) }} ORDER BY ?s'
    plain = native_solutions(query(simple), "json", 5, lambda: None)
    assert plain is not None and plain.count == 5 and plain.truncated
    assert len(json.loads(plain.body)["results"]["bindings"]) == 5
    fakes = f'SELECT ?o WHERE {{ ?s <{EX}p> ?o FILTER(CONTAINS(STR(?o), ",{{")) }} ORDER BY ?o'
    assert native_solutions(query(fakes), "json", 1, lambda: None) is None
    whole = native_solutions(query(fakes), "json", 100, lambda: None)  # complete: counted outside strings
    assert whole is not None and whole.count == 3 and not whole.truncated


@pytest.mark.parametrize("fmt", FORMATS)
def test_row_cap_over_http_reports_truncation(store: Store, fmt: str) -> None:
    query = QUERIES["terms"]
    total = len(TERMS)
    for cap, truncated in ((1, True), (total - 1, True), (total, False), (total + 1, False)):
        client = TestClient(create_app(store, Settings(token="t", max_rows=cap)))
        r = client.get("/sparql", params={"query": query, "format": fmt})
        assert r.status_code == 200, r.text
        expected = min(cap, total)
        assert r.headers["X-Coopgraph-Count"] == str(expected)
        assert len(_rows(r.content, fmt, 3)) == expected
        if truncated:
            assert r.headers["X-Coopgraph-Truncated"] == "true" and r.headers["X-Coopgraph-Max-Rows"] == str(cap)
        else:
            assert "X-Coopgraph-Truncated" not in r.headers


@pytest.fixture(scope="module")
def big_store() -> Iterator[Store]:
    s = open_store(":memory:")
    s.add(ox.Quad(ox.NamedNode(f"{EX}x{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i))) for i in range(300))
    yield s
    s.close()


CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""27 million rows, streamed: only the deadline stops it."""


@pytest.mark.parametrize("fmt", FORMATS)
def test_deadline_stops_a_long_answer(big_store: Store, fmt: str) -> None:
    prepared = protocol.prepare_query(CROSS, base=big_store.base, limits=protocol.Limits(), parse=False)
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        protocol.run_query(big_store, prepared, fmt, max_rows=10**9, deadline=time.monotonic() + 0.3)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_check_runs_while_oxigraph_writes(big_store: Store, fmt: str) -> None:
    """``check`` (the deadline) is called at every chunk Oxigraph writes; what it raises ends
    the serialisation there."""
    calls = []

    def check() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise QueryTimeout("stop")

    solutions = big_store.backend.ox.query(CROSS)  # type: ignore[union-attr]
    with pytest.raises(QueryTimeout):
        native_solutions(solutions, fmt, 10**9, check)
    assert len(calls) == 3


def test_cancellation_stops_a_long_answer(big_store: Store) -> None:
    prepared = protocol.prepare_query(CROSS, base=big_store.base, limits=protocol.Limits(), parse=False)
    cancelled = threading.Event()
    timer = threading.Timer(0.3, cancelled.set)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(QueryTimeout):
            protocol.run_query(big_store, prepared, "json", max_rows=10**9, cancelled=cancelled)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5


def test_a_long_answer_gets_503_over_http(big_store: Store) -> None:
    client = TestClient(create_app(big_store, Settings(token="t", query_timeout=0.3, max_rows=10**9)))
    r = client.get("/sparql", params={"query": CROSS})
    assert r.status_code == 503 and r.json()["title"] == "Query timeout"
