"""The store contract, run on all three backends: in memory, on disk, and a real Oxigraph server."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from graph.store import Store, StoreError, open_store

EX = "http://example.org/"


def quad(s: str, p: str, o: str | ox.Literal, g: str) -> ox.Quad:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(EX + o)
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj, ox.NamedNode(EX + g))


def test_union_of_named_graphs_is_read_by_default(empty_store: Store) -> None:
    empty_store.add([quad("a", "knows", "b", "g1"), quad("b", "knows", "c", "g2")])
    rows = empty_store.select("SELECT ?x ?y WHERE { ?x <http://example.org/knows> ?y } ORDER BY ?x")
    assert [(str(r["x"]), str(r["y"])) for r in rows] == [(EX + "a", EX + "b"), (EX + "b", EX + "c")]
    assert set(empty_store.named_graphs()) >= {EX + "g1", EX + "g2"}


@pytest.mark.xfail(
    strict=True,
    reason="Oxigraph 0.5 reads the union default graph as a bag: a triple held by two named graphs "
    "matches twice (oxigraph/oxigraph#1919, fixed upstream by #1920, in no release on PyPI as of "
    "pyoxigraph 0.5.13). When this passes, remove the marker and the README's caveat.",
)
def test_a_triple_in_two_named_graphs_matches_once_in_the_union(empty_store: Store) -> None:
    empty_store.add([quad("a", "knows", "b", "g1"), quad("a", "knows", "b", "g2")])
    rows = empty_store.select("SELECT (COUNT(*) AS ?n) WHERE { ?x <http://example.org/knows> ?y }")
    assert int(str(rows[0]["n"])) == 1


def test_bindings_are_terms_not_text(empty_store: Store) -> None:
    hostile = 'x" } UNION { ?s ?p ?o } #\n'
    empty_store.add([quad("a", "name", ox.Literal(hostile), "g"), quad("b", "name", ox.Literal("plain"), "g")])
    text = "SELECT ?s WHERE { ?s <http://example.org/name> ?name }"
    rows = empty_store.select(text, name=Literal(hostile))
    assert [str(r["s"]) for r in rows] == [EX + "a"]
    assert empty_store.select(text, name=Literal("nothing")) == []
    with pytest.raises(ValueError):
        empty_store.select(text, name=URIRef("http://example.org/a> } UNION { ?s ?p ?o"))


def test_dollar_parameters_are_constants_and_still_data(empty_store: Store) -> None:
    """``$name`` is written in place (a constant Oxigraph compiles once, as a REGEX pattern must
    be to stay fast); the term's escaped form keeps hostile text data, as a VALUES row does."""
    hostile = 'x" ) || true || REGEX("'
    empty_store.add([quad("a", "name", ox.Literal("Besançon"), "g"), quad("b", "name", ox.Literal(hostile), "g")])
    text = 'SELECT ?s WHERE { ?s <http://example.org/name> ?n FILTER(REGEX(STR(?n), $pattern, "i")) }'
    assert [str(r["s"]) for r in empty_store.select(text, pattern=Literal("^bes"))] == [EX + "a"]
    assert empty_store.select(text, pattern=Literal(hostile)) == []  # a pattern, not syntax: it matches no name


def test_every_write_bumps_the_version(empty_store: Store) -> None:
    before = empty_store.version
    empty_store.add([quad("a", "p", "b", "g")])
    empty_store.update(
        "INSERT DATA { GRAPH <http://example.org/g> {"
        " <http://example.org/b> <http://example.org/p> <http://example.org/c> } }"
    )
    assert empty_store.version == before + 2


def test_a_failed_update_writes_nothing(empty_store: Store) -> None:
    empty_store.add([quad("a", "p", "b", "g")])
    version = empty_store.version
    with pytest.raises((SyntaxError, OSError, ValueError)):
        empty_store.update(
            "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/x> <http://example.org/p> } }"
        )
    assert empty_store.version == version
    assert len(empty_store.select("SELECT * WHERE { ?s ?p ?o }")) == 1


def test_replace_drops_graphs_and_subjects_in_one_write(empty_store: Store) -> None:
    meta = EX + "meta"
    empty_store.add(
        [
            quad("a", "p", "b", "batch1"),
            quad("batch1", "count", ox.Literal("1"), "meta"),
            quad("batch2", "count", ox.Literal("2"), "meta"),
        ]
    )
    empty_store.replace(drop=[EX + "batch1"], delete_subjects={meta: [EX + "batch1"]})
    rows = empty_store.select("SELECT ?s WHERE { ?s ?p ?o }")
    assert [str(r["s"]) for r in rows] == [EX + "batch2"]


def test_ask_and_construct(empty_store: Store) -> None:
    empty_store.add([quad("a", "p", "b", "g")])
    assert empty_store.ask("ASK { ?s <http://example.org/p> ?o }")
    assert not empty_store.ask("ASK { ?s <http://example.org/q> ?o }")
    graph = empty_store.construct("CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o }")
    assert (URIRef(EX + "b"), URIRef(EX + "p"), URIRef(EX + "a")) in graph


def test_nquads_export_keeps_named_graphs(empty_store: Store) -> None:
    empty_store.add([quad("a", "p", "b", "g1"), quad("a", "p", "b", "g2")])
    out = io.BytesIO()
    empty_store.export("nquads", out)
    parsed = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in parsed} == {EX + "g1", EX + "g2"}
    turtle = empty_store.export("turtle")
    assert turtle is not None
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) == 1


def test_export_of_one_graph_says_only_its_triples(empty_store: Store) -> None:
    empty_store.add([quad("a", "p", "b", "g1"), quad("a", "p", "b", "g2"), quad("c", "p", "d", "g2")])
    turtle = empty_store.export("turtle", graph=EX + "g1")
    assert turtle is not None
    assert [t.subject.value for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)] == [EX + "a"]
    whole = empty_store.export("ntriples")
    assert whole is not None
    assert sorted(str(t) for t in ox.parse(whole, format=ox.RdfFormat.N_TRIPLES)) == sorted(
        [f"<{EX}a> <{EX}p> <{EX}b>", f"<{EX}c> <{EX}p> <{EX}d>"]
    )


def test_init_loads_ontology_and_seed_once(empty_store: Store) -> None:
    assert empty_store.init() is True
    graphs = empty_store.named_graphs()
    assert empty_store.graph("ontology") in graphs
    assert any(g.startswith(empty_store.graph("seed/")) for g in graphs)
    triples = empty_store.stats()["triples"]
    assert empty_store.init() is False
    assert empty_store.init(force=True) is True
    assert empty_store.stats()["triples"] == triples


def test_disk_store_persists_across_reopen(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    with open_store(location) as store:
        store.add([quad("a", "p", "b", "g")])
    with open_store(location) as store:
        assert store.ask("ASK { <http://example.org/a> <http://example.org/p> <http://example.org/b> }")


def test_a_locked_store_still_opens_read_only(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    with open_store(location) as writer:
        writer.add([quad("a", "p", "b", "g")])
        with open_store(location, read_only=True) as reader:
            assert reader.ask("ASK { ?s ?p ?o }")
            with pytest.raises(StoreError):
                reader.add([quad("c", "p", "d", "g")])


def test_bad_locations_are_refused_with_a_reason(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_store(str(file))
    with pytest.raises(StoreError, match="base IRI"):
        open_store(":memory:", base="http://example.org/no-slash")


def test_a_lone_keyword_is_text_not_a_query_name(empty_store: Store) -> None:
    """``SELECT`` alone names no query: the parser refuses it (it once gave a KeyError, a 500)."""
    with pytest.raises((SyntaxError, OSError), match=r"(?i)expected|syntax|bad"):
        empty_store.select("SELECT")
