"""The exports streamed in chunks say what the whole documents said (``/api/export`` and
``/api/network/export``): the same graph, each triple once where named graphs are dropped,
XML that networkx reads back the same, and every chunk made on one thread."""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from collections.abc import Iterator

import anyio
import networkx as nx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic
from test_network_data import NETWORK_TTL, write_turtle

from api.app import create_app
from api.streaming import in_one_thread
from graph import network_answers, network_export
from graph import resources as res
from graph.namespaces import PREFIXES
from graph.network_cache import ResultCache
from graph.network_export import exportable, stream, to_bytes
from graph.resources import exports
from graph.store import Store
from graph.terms import distinct_triples

RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nquads": ox.RdfFormat.N_QUADS}
EX = "https://example.org/"


def whole(store: Store, fmt: str) -> bytes:
    """The export as one document, as it was made before it was streamed."""
    quads = store.quads()
    if fmt == "nquads":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    if fmt == "turtle":
        prefixes = PREFIXES | {"id": store.base}
        return ox.serialize(distinct_triples(quads), format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return ox.serialize(distinct_triples(quads), format=ox.RdfFormat.JSON_LD) or b""


def canonical(text: bytes, fmt: str) -> ox.Dataset:
    dataset = ox.Dataset(ox.parse(text, format=RDF_FORMATS[fmt]))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset


def statements(text: bytes, fmt: str) -> Counter[ox.Triple]:
    """Each triple of a document, with the number of times it is written."""
    return Counter(q.triple for q in ox.parse(text, format=RDF_FORMATS[fmt]))


# -- /api/export ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "nquads"])
def test_streamed_rdf_equals_the_whole_document(seeded_store: Store, fmt: str) -> None:
    chunks = list(res.export(seeded_store, fmt, batch=200))
    assert len(chunks) > 1 and all(isinstance(c, bytes) for c in chunks)
    streamed, before = b"".join(chunks), whole(seeded_store, fmt)
    assert canonical(streamed, fmt) == canonical(before, fmt)
    # as many statements written (each triple once in Turtle and JSON-LD, each quad in N-Quads)
    assert sum(statements(streamed, fmt).values()) == sum(statements(before, fmt).values())
    if fmt == "turtle":  # the prefixes declared once, at the top
        assert streamed.count(b"@prefix ") == before.count(b"@prefix ") == len(PREFIXES) + 1


def test_streamed_csv_equals_the_whole_table(seeded_store: Store) -> None:
    chunks = list(res.export(seeded_store, "csv", batch=200))
    assert len(chunks) > 1
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode(), newline="")))
    assert rows[0] == ["subject", "predicate", "object", "datatype", "language", "graph"]
    expected = Counter()
    for q in seeded_store.quads():
        o = q.object
        language = o.language or "" if isinstance(o, ox.Literal) else ""
        datatype = o.datatype.value if isinstance(o, ox.Literal) and not language else ""
        expected[(q.subject.value, q.predicate.value, o.value, datatype, language, q.graph_name.value)] += 1
    assert Counter(tuple(r) for r in rows[1:]) == expected


def test_rdflib_reads_the_streamed_documents_as_the_whole_graph(seed_store: Store) -> None:
    for fmt, rdflib_format in (("turtle", "turtle"), ("jsonld", "json-ld")):
        streamed = Graph().parse(data=b"".join(res.export(seed_store, fmt, batch=150)), format=rdflib_format)
        before = Graph().parse(data=whole(seed_store, fmt), format=rdflib_format)
        assert len(streamed) == len(before) > 3000
        assert isomorphic(streamed, before), fmt


def test_a_triple_in_two_graphs_comes_once_without_graphs_and_twice_with_them(empty_store: Store) -> None:
    a, label = ox.NamedNode(EX + "a"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    repeated = ox.Triple(a, label, ox.Literal("Albi & <Tarn>", language="fr"))
    others = [ox.Triple(ox.NamedNode(f"{EX}n{i}"), label, ox.Literal(f"n{i}")) for i in range(30)]
    quads = [ox.Quad(*repeated, ox.NamedNode(EX + g)) for g in ("g1", "g2")]  # type: ignore[misc]
    quads += [ox.Quad(*t, ox.NamedNode(EX + "g1")) for t in others]  # type: ignore[misc]
    empty_store.add(quads)
    for fmt in ("turtle", "jsonld"):
        chunks = list(res.export(empty_store, fmt, batch=4))
        assert len(chunks) > 2
        written = statements(b"".join(chunks), fmt)
        assert written[repeated] == 1 and set(written) == {repeated, *others}
        assert set(written.values()) == {1}
    nquads = statements(b"".join(res.export(empty_store, "nquads", batch=4)), "nquads")
    assert nquads[repeated] == 2


def test_an_export_of_a_kind_says_each_triple_once(seeded_store: Store) -> None:
    # Dakar's place is in Senegal according to two named graphs of the seed
    dakar = ox.Triple(
        ox.NamedNode(seeded_store.base + "place/2253354"),
        ox.NamedNode("https://w3id.org/coopgraph/def#inCountry"),
        ox.NamedNode(seeded_store.base + "country/sn"),
    )
    nquads = statements(b"".join(res.export(seeded_store, "nquads", "places", {"country": "SN"}, batch=2)), "nquads")
    assert nquads[dakar] == 2
    for fmt in ("turtle", "jsonld"):
        chunks = list(res.export(seeded_store, fmt, "places", {"country": "SN"}, batch=2))
        assert len(chunks) > 1
        written = statements(b"".join(chunks), fmt)
        assert written[dakar] == 1 and set(written.values()) == {1}
        assert set(written) == set(nquads)


def test_export_checks_its_parameters_before_reading(seed_store: Store) -> None:
    for fmt, kind, filters, parameter in (
        ("xml", None, None, "format"),
        ("turtle", None, {"country": "FR"}, "kind"),
        ("turtle", "nope", None, "kind"),
        ("turtle", "places", {"country": "Nowhere"}, "country"),
    ):
        with pytest.raises(res.InvalidParameter) as err:
            res.export(seed_store, fmt, kind, filters)  # raised at the call, not at the first chunk
        assert err.value.parameter == parameter
    chunks = res.export(seed_store, "turtle")
    assert isinstance(chunks, Iterator) and not isinstance(chunks, bytes)


def test_empty_store_exports(empty_store: Store) -> None:
    assert b"".join(res.export(empty_store, "turtle")) == b""
    assert b"".join(res.export(empty_store, "jsonld")) == b"[]"
    assert b"".join(res.export(empty_store, "nquads")) == b""
    assert b"".join(res.export(empty_store, "csv")) == b"subject,predicate,object,datatype,language,graph\r\n"


def test_api_streams_the_export_in_many_chunks(seeded_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "EXPORT_BATCH", 100)  # ~30 chunks, each read on the export's thread
    client = TestClient(create_app(seeded_store))
    for fmt in ("turtle", "nquads"):
        with client.stream("GET", "/api/export", params={"format": fmt}) as response:
            assert response.status_code == 200
            assert (
                response.headers["content-disposition"]
                == f'attachment; filename="coopgraph-all.{"ttl" if fmt == "turtle" else "nq"}"'
            )
            body = b"".join(response.iter_bytes())
        assert canonical(body, fmt) == canonical(whole(seeded_store, fmt), fmt)
    bad = client.get("/api/export", params={"format": "turtle", "kind": "places", "country": "Nowhere"})
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["parameter"] == "country"


# -- one thread per body --------------------------------------------------------------------------
def test_every_chunk_is_made_on_one_thread_and_errors_reach_the_reader() -> None:
    threads: list[int] = []

    def chunks(fail: bool) -> Iterator[bytes]:
        for i in range(20):
            threads.append(threading.get_ident())
            yield b"%d," % i
        if fail:
            raise ValueError("the store went away")

    async def read(fail: bool) -> bytes:
        return b"".join([chunk async for chunk in in_one_thread(chunks(fail), depth=2)])

    assert anyio.run(read, False) == b"".join(b"%d," % i for i in range(20))
    assert len(set(threads)) == 1 and threads[0] != threading.get_ident()
    with pytest.raises(ValueError, match="went away"):
        anyio.run(read, True)


def test_a_reader_that_stops_stops_the_thread() -> None:
    closed = threading.Event()

    def endless() -> Iterator[bytes]:
        try:
            while True:
                yield b"x" * 100
        finally:
            closed.set()

    async def read_two() -> None:
        body = in_one_thread(endless(), depth=2)
        async for _ in body:
            break
        await body.aclose()

    anyio.run(read_two)
    assert closed.wait(30)


# -- /api/network/export --------------------------------------------------------------------------
def networkx_document(g: nx.Graph, fmt: str) -> bytes:
    """What the export wrote before it was streamed: networkx's writers over a prepared copy."""
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(exportable(g), buffer, encoding="utf-8", prettyprint=True)
    else:
        nx.write_gexf(exportable(g, gexf=True), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def read_back(content: bytes, fmt: str) -> nx.Graph:
    return (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(content))  # type: ignore[no-any-return]


def assert_same_network(a: nx.Graph, b: nx.Graph) -> None:
    assert type(a) is type(b)
    assert a.graph == b.graph
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(data=True), key=repr) == sorted(b.edges(data=True), key=repr)


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_streamed_network_reads_back_like_networkx_wrote_it(seeded_store: Store, fmt: str) -> None:
    write_turtle(seeded_store, NETWORK_TTL)  # the seed and the test network: every projection has edges
    cache = ResultCache()
    for name in network_answers.PROJECTIONS:
        g = network_answers.projection(seeded_store, name, cache=cache)
        chunks = list(network_answers.export(seeded_store, fmt, projection_name=name, cache=cache, chunk_size=512))
        assert len(chunks) > 1, name
        assert_same_network(read_back(b"".join(chunks), fmt), read_back(networkx_document(g, fmt), fmt))


def test_streamed_csv_edge_list(seed_store: Store) -> None:
    g = network_answers.projection(seed_store, "authority", cache=ResultCache())
    chunks = list(stream(g, "csv", chunk_size=10))
    assert len(chunks) > 1 and b"".join(chunks) == to_bytes(g, "csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == g.number_of_edges() > 0


def test_xml_special_characters_survive_a_round_trip() -> None:
    g = nx.Graph(projection='a "test" & <more>')
    odd = 'Ville d\'Albi & "Tarn" <81> ]]> \n\ttabbed'
    g.add_node("n&<1>", label=odd, lat=43.9, lon=2.1, kinds=["a<b", 'c"d'], flag=True, missing=None)
    g.add_node("n\"2'", label="<&>", count=3)
    g.add_edge("n&<1>", "n\"2'", weight=2, note=odd, start=1994, themes={"x&y", "z"})
    for fmt in ("graphml", "gexf"):
        streamed = read_back(to_bytes(g, fmt), fmt)
        assert_same_network(streamed, read_back(networkx_document(g, fmt), fmt))
        assert streamed.nodes["n&<1>"]["label"] == odd and streamed.nodes["n&<1>"]["kinds"] == 'a<b|c"d'
        assert "missing" not in streamed.nodes["n&<1>"] and streamed.nodes["n&<1>"]["flag"] is True
        assert streamed.edges["n&<1>", "n\"2'"]["note"] == odd
    assert read_back(to_bytes(g, "graphml"), "graphml").graph["projection"] == 'a "test" & <more>'
    g.nodes["n\"2'"]["label"] = "carriage\rreturn"  # networkx's GraphML lost it (a newline when read)
    for fmt in ("graphml", "gexf"):
        assert read_back(to_bytes(g, fmt), fmt).nodes["n\"2'"]["label"] == "carriage\rreturn"


def test_characters_xml_cannot_hold_are_replaced() -> None:
    g = nx.Graph()
    g.add_node("a", label="bell\x07 and nul\x00")
    for fmt in ("graphml", "gexf"):
        assert read_back(to_bytes(g, fmt), fmt).nodes["a"]["label"] == "bell\ufffd and nul\ufffd"


def test_unknown_network_format_is_refused_before_any_chunk() -> None:
    with pytest.raises(ValueError, match="format"):
        stream(nx.Graph(), "pajek")
    assert network_export.FORMATS == ("graphml", "gexf", "csv")


def test_api_streams_the_network(empty_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    write_turtle(empty_store, NETWORK_TTL)
    monkeypatch.setattr(network_export, "CHUNK_SIZE", 256)
    client = TestClient(create_app(empty_store))
    g = network_answers.projection(empty_store, "authority", cache=ResultCache())
    for fmt in ("graphml", "gexf"):
        with client.stream("GET", "/api/network/export", params={"format": fmt}) as response:
            assert response.status_code == 200
            assert response.headers["content-disposition"] == f'attachment; filename="coopgraph-authority.{fmt}"'
            chunks = list(response.iter_bytes())
        assert_same_network(read_back(b"".join(chunks), fmt), read_back(networkx_document(g, fmt), fmt))
    bad = client.get("/api/network/export", params={"format": "pajek"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "format"


@given(st.lists(st.integers(-3, 40) | st.text(max_size=2), max_size=60))
def test_two_passes_give_each_value_once_in_order_of_first_reading(values: list[object]) -> None:
    """-1 and -2 share a hash in CPython: the exact set behind the hashes keeps both."""
    from graph.terms import distinct_in_two_passes

    assert list(distinct_in_two_passes(lambda: iter(values))) == list(dict.fromkeys(values))


def test_search_index_holds_a_label_stated_twice_once(empty_store: Store) -> None:
    from graph.resources.text_index import text_index

    empty_store.update("""
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        INSERT DATA {
            GRAPH <graph/a> { <authority/fr/lille> rdfs:label "Lille"@fr ; skos:prefLabel "Lille"@fr }
            GRAPH <graph/b> { <authority/fr/lille> rdfs:label "Lille"@fr . <place/2998324> rdfs:label "Lille"@fr }
        }""")
    index = text_index(empty_store)
    assert [index.literal(i) for i in index.containing(["lille"])] == [ox.Literal("Lille", language="fr")]
