"""SHACL validation against ``ontology/shapes.ttl``, in memory, with pySHACL.

Validation runs on an rdflib ``Graph`` in memory (the data plus the ontology and SKOS schemes
it refers to), with inference ``none``: pySHACL over an Oxigraph-backed graph is orders of
magnitude slower. The shapes graph is parsed once and copied per run, because pySHACL
mutates the shapes graph it is given (pySHACL #314).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from graph.paths import ontology_dir
from graph.terms import to_rdflib

if TYPE_CHECKING:
    from graph.store import Store


@dataclass(frozen=True)
class Problem:
    """One SHACL result, in words a person can act on."""

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str
    shape: str | None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class Report:
    conforms: bool
    problems: list[Problem]

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    def as_dict(self) -> dict[str, object]:
        return {"conforms": self.conforms, "problems": [p.as_dict() for p in self.problems]}


@cache
def _shapes() -> Graph:
    graph = Graph()
    graph.parse(ontology_dir() / "shapes.ttl", format="turtle")
    return graph


@cache
def ontology_graph() -> Graph:
    """The ontology and SKOS schemes (every ``ontology/*.ttl`` but the shapes), parsed once."""
    graph = Graph()
    for path in sorted(ontology_dir().glob("*.ttl")):
        if path.stem != "shapes":
            graph.parse(path, format="turtle")
    return graph


def shapes_graph() -> Graph:
    """A fresh copy of the shapes graph (pySHACL mutates the one it is given)."""
    copy = Graph()
    for triple in _shapes():
        copy.add(triple)
    return copy


def validate(data: Graph, *, with_ontology: bool = True) -> Report:
    """Validate ``data`` (plus, by default, the ontology it refers to) against the shapes.

    pySHACL is imported here, not at module level: it costs about 0.5 s, and the server imports
    this module (through the Graph Store routes) at start while most processes never validate."""
    from pyshacl import validate as shacl_validate

    graph = data
    if with_ontology:
        graph = Graph()
        for triple in ontology_graph():
            graph.add(triple)
        for triple in data:
            graph.add(triple)
    conforms, results_graph, _ = shacl_validate(
        graph, shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    return Report(conforms=bool(conforms), problems=list(_problems(results_graph)))


def _problems(results: Graph) -> Iterable[Problem]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages = [str(m) for m in results.objects(result, SH.resultMessage)]
        english = [
            str(m)
            for m in results.objects(result, SH.resultMessage)
            if isinstance(m, Literal) and m.language in (None, "en")
        ]
        severity = results.value(result, SH.resultSeverity)
        yield Problem(
            focus=str(results.value(result, SH.focusNode)),
            path=_str(results.value(result, SH.resultPath)),
            value=_str(results.value(result, SH.value)),
            message=(english or messages or ["constraint not met"])[0],
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            shape=_str(results.value(result, SH.sourceShape)),
        )


def _str(node: object) -> str | None:
    return str(node) if isinstance(node, (URIRef, Literal)) else None


def validate_store(store: Store) -> Report:
    """Validate everything the store holds but the ontology and shapes graphs."""
    skip = {store.graph("ontology"), store.graph("shapes")}
    data = Graph()
    for quad in store.quads():
        if quad.graph_name.value not in skip:  # type: ignore[union-attr]
            data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return validate(data)
