"""``make docs``: the ontology documentation lists every class, property and scheme."""

from __future__ import annotations

from rdflib.namespace import OWL, RDF, SKOS

from graph.docs import collect, curie, render
from graph.namespaces import COOP
from graph.validate import ontology_graph


def test_every_term_and_scheme_is_documented() -> None:
    graph = ontology_graph()
    page = render(graph)
    data = collect(graph)
    documented = {t.iri for terms in data["sections"].values() for t in terms}  # type: ignore[attr-defined]
    declared = {
        str(s)
        for cls in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, cls)
        if str(s).startswith(str(COOP))
    }
    assert documented == declared and len(declared) > 50
    for iri in declared:
        assert f"<code>{curie(iri)}</code>" in page
    for scheme in graph.subjects(RDF.type, SKOS.ConceptScheme):
        assert str(scheme) in page
    assert "<script" not in page and "http://cdn" not in page
