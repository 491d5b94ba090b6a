"""The importer's native SHACL engine (graph/ingest/validation.py) against pySHACL (graph/validate.py).

The batch is a real one: a one-row CSV imported into an in-memory store, its graph read back.
Each case then breaks it in one way the shapes forbid; both engines must flag the same focus
nodes and paths (and agree that the valid batch conforms).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from graph.ingest.pipeline import import_file
from graph.ingest.validation import validate_batch
from graph.namespaces import COOP
from graph.store import open_store
from graph.terms import to_rdflib
from graph.validate import validate

CSV = (
    "titre;collectivité française;pays partenaire;collectivité partenaire;statut;année de début;date de fin\n"
    "Eau pour tous;Lille;Équateur;Quito;En cours;2015;31/12/2020\n"
)


@pytest.fixture(scope="module")
def batch() -> Graph:
    store = open_store(":memory:")
    report = import_file(store, "good.csv", CSV.encode("utf-8"))
    assert report.status == "imported", [i.text() for i in report.issues]
    graph = Graph()
    for q in store.quads(report.graph):
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    store.close()
    return graph


def _one(graph: Graph, cls: URIRef) -> URIRef:
    (node,) = [s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)]
    return node


def _drop_label(g: Graph) -> None:
    p = _one(g, COOP.Partnership)
    g.remove((p, RDFS.label, None))


def _string_date(g: Graph) -> None:
    # Not a string start year: rdflib's SPARQL (under pySHACL) holds "2015" > 2020 true, where
    # SPARQL makes it a type error (Oxigraph), so the engines would differ on rdflib's quirk.
    p = _one(g, COOP.Project)
    g.remove((p, COOP.endDate, None))
    g.add((p, COOP.endDate, Literal("2020-12-31", datatype=XSD.string)))


def _two_end_dates(g: Graph) -> None:
    g.add((_one(g, COOP.Project), COOP.endDate, Literal("2021-06-30", datatype=XSD.date)))


def _end_before_start(g: Graph) -> None:
    p = _one(g, COOP.Project)
    g.remove((p, COOP.endDate, None))
    g.add((p, COOP.endDate, Literal("2010-01-01", datatype=XSD.date)))


def _wrong_class(g: Graph) -> None:
    p = _one(g, COOP.Partnership)
    place = next(iter(g.subjects(RDF.type, COOP.Place)))
    g.add((p, COOP.frenchPartner, place))


def _untagged_name(g: Graph) -> None:
    p = _one(g, COOP.Partnership)
    label = g.value(p, RDFS.label)
    g.remove((p, RDFS.label, None))
    g.add((p, RDFS.label, Literal(str(label))))


CASES: dict[str, Callable[[Graph], None] | None] = {
    "valid": None,
    "missing required property": _drop_label,
    "wrong datatype": _string_date,
    "cardinality": _two_end_dates,
    "end before start": _end_before_start,
    "wrong class of value": _wrong_class,
    "missing language tag": _untagged_name,
}


def _flagged(problems: list) -> set[tuple[str, str | None, str]]:  # type: ignore[type-arg]
    return {(p.focus, p.path, p.severity) for p in problems}


@pytest.mark.parametrize("case", list(CASES))
def test_native_engine_agrees_with_pyshacl(batch: Graph, case: str) -> None:
    graph = Graph()
    for t in batch:
        graph.add(t)
    breaks = CASES[case]
    if breaks is not None:
        breaks(graph)
    reference = _flagged(validate(graph).problems)
    native = _flagged(validate_batch(set(graph)))
    # pySHACL names no path for a SPARQL-based constraint; neither does the native engine.
    assert native == reference, (case, native ^ reference)
    violations = {f for f in reference if f[2] == "Violation"}
    if breaks is None:
        assert not violations
    else:
        assert violations, f"{case}: the broken batch should violate a shape"


def test_pyshacl_engine_of_validate_batch_agrees_too(batch: Graph) -> None:
    graph = Graph()
    for t in batch:
        graph.add(t)
    _end_before_start(graph)
    _untagged_name(graph)
    assert _flagged(validate_batch(set(graph), engine="pyshacl")) == _flagged(validate_batch(set(graph)))


def test_triple_index_is_a_set_of_triples() -> None:
    """What a batch is held in: each triple once, found by subject and predicate, streamed whole."""
    import pyoxigraph as ox

    from graph.ingest.triple_index import TripleIndex

    a, b, p, q = (ox.NamedNode(f"https://e.org/{x}") for x in "abpq")
    one, two = ox.Literal("1"), ox.Literal("2", language="fr")
    index = TripleIndex([(a, p, one), (a, p, two), (a, p, one), (a, q, b)])
    index.add(b, p, one)
    index.add(a, q, b)
    assert len(index) == 4
    assert sorted(map(str, (ox.Triple(*t) for t in index))) == sorted(
        map(str, [ox.Triple(a, p, one), ox.Triple(a, p, two), ox.Triple(a, q, b), ox.Triple(b, p, one)])
    )
    assert (a, p, two) in index and (b, p, two) not in index and (b, q, a) not in index
    assert list(index.objects(a, p)) == [one, two] and not index.objects(b, q)
