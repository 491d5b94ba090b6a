"""HTML documentation of the ontology and its SKOS schemes, generated from ``ontology/``.

``make docs`` writes one self-contained page (no scripts, no remote assets): the ontology
header, then every class and property with its French and English labels and comments, its
super-classes or super-properties, domain and range, and every concept scheme with its
concepts. It reads the Turtle files, so the page can never drift from the model.

    python -m graph.docs --output build/ontology.html
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from graph.namespaces import COOP, PREFIXES
from graph.validate import ontology_graph

ONTOLOGY = URIRef(str(COOP).rstrip("#"))


@dataclass
class Term:
    """One documented class, property or concept."""

    iri: str
    curie: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    parents: list[str] = field(default_factory=list)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    notation: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return self.curie.replace(":", "-").replace("/", "-")


def curie(iri: str) -> str:
    """``coop:Place`` for a known namespace, else the IRI itself."""
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _by_lang(graph: Graph, subject: Node, predicate: URIRef) -> dict[str, str]:
    return {o.language or "": str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def _term(graph: Graph, subject: Node, kind: str) -> Term:
    parents = [*graph.objects(subject, RDFS.subClassOf), *graph.objects(subject, RDFS.subPropertyOf)]
    parents += list(graph.objects(subject, SKOS.broader))
    return Term(
        iri=str(subject),
        curie=curie(str(subject)),
        kind=kind,
        labels=_by_lang(graph, subject, RDFS.label) or _by_lang(graph, subject, SKOS.prefLabel),
        comments=_by_lang(graph, subject, RDFS.comment) or _by_lang(graph, subject, SKOS.definition),
        parents=sorted(curie(str(p)) for p in parents if isinstance(p, URIRef)),
        domain=sorted(curie(str(d)) for d in graph.objects(subject, RDFS.domain) if isinstance(d, URIRef)),
        range=sorted(curie(str(r)) for r in graph.objects(subject, RDFS.range) if isinstance(r, URIRef)),
        notation=sorted(str(n) for n in graph.objects(subject, SKOS.notation)),
    )


def collect(graph: Graph) -> dict[str, object]:
    """What the page shows, as plain data (the header, the terms by kind, the schemes)."""
    kinds = {
        "Classes": OWL.Class,
        "Object properties": OWL.ObjectProperty,
        "Datatype properties": OWL.DatatypeProperty,
    }
    sections = {
        title: sorted(
            (_term(graph, s, title) for s in graph.subjects(RDF.type, cls) if str(s).startswith(str(COOP))),
            key=lambda t: t.curie,
        )
        for title, cls in kinds.items()
    }
    schemes = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        concepts = sorted(
            (_term(graph, c, "Concept") for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)),
            key=lambda t: t.iri,
        )
        schemes.append({"scheme": _term(graph, scheme, "Concept scheme"), "concepts": concepts})  # type: ignore[arg-type]
    header = {
        "titles": _by_lang(graph, ONTOLOGY, DCTERMS.title),
        "descriptions": _by_lang(graph, ONTOLOGY, DCTERMS.description),
        "version": str(graph.value(ONTOLOGY, OWL.versionInfo) or ""),
        "version_iri": str(graph.value(ONTOLOGY, OWL.versionIRI) or ""),
        "license": str(graph.value(ONTOLOGY, DCTERMS.license) or ""),
        "modified": str(graph.value(ONTOLOGY, DCTERMS.modified) or ""),
        "namespace": str(COOP),
    }
    return {"header": header, "sections": sections, "schemes": schemes}


def render(graph: Graph | None = None) -> str:
    """The documentation page as HTML."""
    env = Environment(loader=PackageLoader("graph", "templates"), autoescape=select_autoescape(["html"]))
    return env.get_template("ontology.html").render(**collect(graph if graph is not None else ontology_graph()))


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the HTML documentation of the coopgraph ontology.")
    parser.add_argument("--output", type=Path, default=Path("build/ontology.html"))
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
