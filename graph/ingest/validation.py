"""SHACL validation of an import batch, fast enough for tens of thousands of records.

pySHACL evaluates a SPARQL-based constraint (``sh:sparql``) once per focus node and re-parses
the query each time with rdflib's parser: on the twin-town file that is hours. So the batch is
validated in two halves that together are the shapes' full meaning:
1. the shapes minus their ``sh:sparql`` constraints, by the Python SHACL Core engine of
   :mod:`~graph.ingest.shacl_core` (or by pySHACL, the reference, when asked);
2. each ``sh:sparql`` constraint once over the whole batch (:mod:`~graph.ingest.shacl_sparql`).

This module splits the shapes in those halves and turns pySHACL's results into problems.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from functools import cache
from itertools import chain
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from graph.ingest.shacl_core import Native, native_ok
from graph.ingest.shacl_sparql import sparql_constraints
from graph.ingest.triple_index import TripleIndex
from graph.paths import ontology_dir
from graph.terms import to_ox, to_rdflib
from graph.validate import Problem, ontology_graph


@cache
def _split_shapes() -> tuple[Graph, list[tuple[str, str, str]]]:
    """The shapes without ``sh:sparql``, and the constraints as (target class, query, message)."""
    full = Graph()
    full.parse(ontology_dir() / "shapes.ttl", format="turtle")
    constraints: list[tuple[str, str, str]] = []
    plain = Graph()
    removed = set()
    for shape, constraint in full.subject_objects(SH.sparql):
        removed.add((shape, SH.sparql, constraint))
        select = full.value(constraint, SH.select)
        messages = [m for m in full.objects(constraint, SH.message) if isinstance(m, Literal)]
        english = [str(m) for m in messages if m.language in (None, "en")] or [str(m) for m in messages]
        for target in full.objects(shape, SH.targetClass):
            constraints.append((str(target), str(select), english[0] if english else "constraint not met"))
    for triple in full:
        if triple not in removed:
            plain.add(triple)
    return plain, constraints


def validate_batch(
    data: Graph | Iterable[tuple[Any, Any, Any]],
    *,
    engine: str = "native",
    context: Iterable[tuple[Any, Any, Any]] = (),
    context_types: Mapping[Any, Iterable[Any]] | None = None,
) -> list[Problem]:
    """Every SHACL result for ``data`` (plus the ontology), Violations and Warnings.

    ``data`` is an rdflib graph, or triples of rdflib terms or of pyoxigraph terms (what the
    importer builds, as a :class:`~graph.ingest.triple_index.TripleIndex`; not a mix).
    ``context`` is more triples the data must conform together with (what the graph already
    states about the nodes a batch describes again), in the same terms.

    ``engine="native"`` evaluates the SHACL Core components used by ``ontology/shapes.ttl`` in
    Python over indexes of the data (seconds for 10⁵ nodes);
    ``"pyshacl"`` runs pySHACL (the reference, used in tests to check the native engine agrees).

    ``context_types`` maps nodes outside the batch that it links to (rdflib or pyoxigraph terms)
    to their classes in the graph: they satisfy ``sh:class`` without being validated themselves.
    (The pySHACL engine cannot tell them apart, so it gets them as ``rdf:type`` triples and also
    validates them as focus nodes: the native engine is the one imports use.)
    """
    shapes, constraints = _split_shapes()
    triples, around = _as_ox(data), _as_ox(context)
    types = {to_ox(node): {to_ox(c) for c in classes} for node, classes in (context_types or {}).items()}
    if engine == "native" and native_ok(shapes):
        problems = Native(shapes, triples, types, around).run()
    else:
        from pyshacl import validate as shacl_validate  # 0.5 s to import: only when asked

        graph = Graph()
        for triple in ontology_graph():
            graph.add(triple)
        for s, p, o in chain(triples, around):
            graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
        for node, classes in types.items():
            for cls in classes:
                graph.add((to_rdflib(node), RDF.type, to_rdflib(cls)))
        shapes_copy = Graph()
        for triple in shapes:
            shapes_copy.add(triple)
        _, results, _ = shacl_validate(
            graph, shacl_graph=shapes_copy, inference="none", advanced=True, allow_warnings=True
        )
        problems = list(_problems(results))
    if constraints:
        problems.extend(sparql_constraints(chain(triples, around), constraints))
    return problems


def _as_ox(data: Graph | Iterable[tuple[Any, Any, Any]]) -> Collection[tuple[Any, Any, Any]]:
    """``data`` as triples of pyoxigraph terms (as they are when the first one is)."""
    if isinstance(data, TripleIndex):
        return data
    triples = data if isinstance(data, Collection) and not isinstance(data, Graph) else list(data)
    first = next(iter(triples), None)
    if first is None or isinstance(first[0], (ox.NamedNode, ox.BlankNode)):
        return triples
    memo: dict[Any, Any] = {}
    out = []
    for triple in triples:
        terms = []
        for term in triple:
            found = memo.get(term)
            if found is None:
                found = memo[term] = to_ox(term)
            terms.append(found)
        out.append((terms[0], terms[1], terms[2]))
    return out


def _problems(results: Graph) -> list[Problem]:
    out = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages = list(results.objects(result, SH.resultMessage))
        english = [str(m) for m in messages if isinstance(m, Literal) and m.language in (None, "en")]
        severity = results.value(result, SH.resultSeverity)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        out.append(
            Problem(
                focus=str(results.value(result, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else None,
                value=str(value) if isinstance(value, (URIRef, Literal)) else None,
                message=(english or [str(m) for m in messages] or ["constraint not met"])[0],
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                shape=None,
            )
        )
    return out
