"""Statements about resources as RDF (Turtle, JSON-LD, N-Quads) or CSV, for downloads and
content negotiation."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import Graph, URIRef

from graph.namespaces import PREFIXES
from graph.resources.identifiers import check_iri
from graph.resources.kinds import InvalidParameter
from graph.resources.listing import matching_iris
from graph.resources.rows import select_rows
from graph.store import Store
from graph.terms import distinct_triples

EXPORT_FORMATS = ("turtle", "jsonld", "nquads", "csv")


def describe(store: Store, iri: str) -> Graph:
    """Every statement with ``iri`` as subject or object, and the labels of the resources it
    links to, as an rdflib ``Graph`` (for Turtle, JSON-LD and N-Triples answers)."""
    graph = store.construct("api_describe", iri=URIRef(check_iri("iri", iri)))
    graph.bind("id", store.base)
    return graph


def _subject_quads(store: Store, iris: Iterable[str]) -> Iterator[ox.Quad]:
    """The quads of each subject, and of its fragment sub-nodes (``place/1#geometry``)."""
    seen: set[str] = set()
    todo = list(iris)
    while todo:
        iri = todo.pop()
        if iri in seen:
            continue
        seen.add(iri)
        subject = ox.NamedNode(iri)
        for row in select_rows(store, "api_subject_quads", iri=URIRef(iri)):
            obj = row["o"]
            if isinstance(obj, ox.NamedNode) and obj.value.startswith(iri.split("#", 1)[0] + "#"):
                todo.append(obj.value)
            yield ox.Quad(subject, row["p"], obj, row["g"])


def export(store: Store, fmt: str, kind: str | None = None, filters: Mapping[str, str | None] | None = None) -> bytes:
    """The whole graph, or the statements about the resources of ``kind`` matching ``filters``,
    as Turtle, JSON-LD, N-Quads (named graphs kept) or CSV (subject, predicate, object,
    datatype, language, graph)."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidParameter("format", f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if kind is None:
        if any(filters.values() if filters else ()):
            raise InvalidParameter("kind", "filters need a kind (authorities, partnerships…) to apply to")
        quads: Iterable[ox.Quad] = store.quads()
    else:
        quads = _subject_quads(store, matching_iris(store, kind, filters))
    if fmt == "csv":
        return _csv(quads)
    if fmt == "nquads":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    triples = distinct_triples(quads)
    if fmt == "turtle":
        prefixes = PREFIXES | {"id": store.base}
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b""


def _csv(quads: Iterable[ox.Quad]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["subject", "predicate", "object", "datatype", "language", "graph"])
    for q in quads:
        o = q.object
        datatype = language = ""
        if isinstance(o, ox.Literal):
            language = o.language or ""
            datatype = "" if language else o.datatype.value
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        subject = q.subject.value if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)) else str(q.subject)
        value = o.value if isinstance(o, (ox.NamedNode, ox.BlankNode, ox.Literal)) else str(o)
        writer.writerow([subject, q.predicate.value, value, datatype, language, graph])
    return out.getvalue().encode("utf-8")
