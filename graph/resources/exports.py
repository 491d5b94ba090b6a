"""Statements about resources as RDF (Turtle, JSON-LD, N-Quads) or CSV, for downloads and
content negotiation (the linked-data document of one resource: :func:`describe`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from graph.namespaces import PREFIXES
from graph.resources.details import incoming_fragments, incoming_rows
from graph.resources.identifiers import check_iri
from graph.resources.kinds import InvalidParameter
from graph.resources.listing import matching_iris
from graph.resources.rows import select_rows, select_rows_for
from graph.resources.sublists import SUBLIST_SIZE
from graph.store import Store
from graph.terms import distinct_triples_by_subject, distinct_triples_in_two_passes

EXPORT_FORMATS = ("turtle", "jsonld", "nquads", "csv")


DESCRIBE_LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
                   "http://xmlns.com/foaf/0.1/name")  # fmt: skip
"""The label properties a linked-data document gives for the resources it links to."""
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def describe(store: Store, iri: str, more: str | None = None, limit: int = SUBLIST_SIZE) -> list[ox.Triple]:
    """The linked-data document of ``iri`` as triples (for Turtle, JSON-LD and N-Triples
    answers): every statement with ``iri`` as subject and those of the fragment
    sub-nodes it owns and that link to it or from it (``place/1#geometry``, ``event/1#p1``: a
    client cannot dereference a fragment on its own), the first ``limit`` statements with
    ``iri`` as object (by property, then subject), and the labels (rdfs:label, skos:prefLabel,
    foaf:name) of the resources these link to.

    A hub has thousands of incoming links (France: every place in it; a funding instrument:
    every project it funds): its document holds the first ``limit`` and, when there are more,
    ``<iri> rdfs:seeAlso <more>`` — ``more`` being where the caller serves the rest (the
    paginated incoming links). A resource with no more than ``limit`` incoming links gets all of
    them and no rdfs:seeAlso. The incoming links come from the rows the detail pages keep per
    store version (:func:`~graph.resources.details.incoming_rows`)."""
    me = ox.NamedNode(check_iri("iri", iri))
    triples: dict[ox.Triple, None] = {}
    linked: set[str] = set()
    # The first ``limit`` distinct links (one more says there are more): a hub's thousands are
    # not deduplicated on every call (the busiest authority at Atlas 10x, 6,090 rows: 9 ms of
    # the 15 of its document).
    firsts: dict[tuple[Any, Any], None] = {}
    for row in incoming_rows(store, iri):
        firsts[(row["s"], row["p"])] = None
        if len(firsts) > limit:
            break
    incoming = list(firsts)
    for node, row in _with_fragments(store, "api_out", [iri, *incoming_fragments(store, iri)]):
        obj = row["o"]
        triples[ox.Triple(node, row["p"], obj)] = None
        if isinstance(obj, ox.NamedNode):
            linked.add(obj.value)
    for s, p in incoming[:limit]:
        triples[ox.Triple(s, p, me)] = None
        if isinstance(s, ox.NamedNode):
            linked.add(s.value)
    for row in select_rows_for(store, "api_describe_labels", "s", sorted(linked)):
        triples[ox.Triple(row["s"], row["p"], row["l"])] = None
    if more is not None and len(incoming) > limit:
        triples[ox.Triple(me, ox.NamedNode(RDFS_SEE_ALSO), ox.NamedNode(more))] = None
    return list(triples)


def _subject_quads(store: Store, iris: Iterable[str]) -> Iterator[ox.Quad]:
    """The quads of each subject, and of its fragment sub-nodes (``place/1#geometry``)."""
    for subject, row in _with_fragments(store, "api_subject_quads", iris):
        yield ox.Quad(subject, row["p"], row["o"], row["g"])


def _with_fragments(store: Store, query: str, iris: Iterable[str]) -> Iterator[tuple[ox.NamedNode, dict[str, Any]]]:
    """The rows of ``query`` (bound ``?iri``) for each of ``iris`` and, transitively, for the
    fragment sub-nodes (``…#geometry``) of its owner that they reach, each subject once."""
    seen: set[str] = set()
    todo = list(iris)
    while todo:
        iri = todo.pop()
        if iri in seen:
            continue
        seen.add(iri)
        owner = iri.split("#", 1)[0] + "#"
        subject = ox.NamedNode(iri)
        for row in select_rows(store, query, iri=URIRef(iri)):
            obj = row["o"]
            if isinstance(obj, ox.NamedNode) and obj.value.startswith(owner):
                todo.append(obj.value)
            yield subject, row


EXPORT_BATCH = 5_000
"""Statements serialised per chunk of an export: 0.5–1 MiB of N-Quads or Turtle."""


def export(
    store: Store,
    fmt: str,
    kind: str | None = None,
    filters: Mapping[str, str | None] | None = None,
    *,
    batch: int | None = None,
) -> Iterator[bytes]:
    """The whole graph, or the statements about the resources of ``kind`` matching ``filters``,
    as Turtle, JSON-LD, N-Quads (named graphs kept) or CSV (subject, predicate, object,
    datatype, language, graph): the document in chunks of ``batch`` statements (default
    :data:`EXPORT_BATCH`), so that memory stays bounded whatever the size of the store (write
    them to a file or a response as they come).

    Turtle and JSON-LD say each triple once though the union of the named graphs repeats it
    once per graph stating it: the whole graph is read twice for that
    (:func:`~graph.terms.distinct_triples_in_two_passes`), the statements of a kind once
    (those of each resource come together).

    The parameters are checked (and the resources of ``kind`` chosen) at the call, so that an
    :class:`InvalidParameter` comes before any byte; the store is read as the chunks are asked
    for, all in the thread asking (pyoxigraph's iterators must not change thread)."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidParameter("format", f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    batch = EXPORT_BATCH if batch is None else batch
    if batch < 1:
        raise ValueError(f"batch must be positive, not {batch}")
    iris: list[str] | None = None
    if kind is None:
        if any(filters.values() if filters else ()):
            raise InvalidParameter("kind", "filters need a kind (authorities, partnerships…) to apply to")
    else:
        iris = matching_iris(store, kind, filters)
    return _export_chunks(store, fmt, iris, batch)


def _export_chunks(store: Store, fmt: str, iris: list[str] | None, batch: int) -> Iterator[bytes]:
    def quads() -> Iterator[ox.Quad]:
        return store.quads() if iris is None else _subject_quads(store, iris)

    if fmt == "csv":
        yield from _csv_chunks(quads(), batch)
        return
    if fmt == "nquads":
        for quad_batch in _batches(quads(), batch):
            yield ox.serialize(quad_batch, format=ox.RdfFormat.N_QUADS) or b""
        return
    triples = distinct_triples_in_two_passes(quads) if iris is None else distinct_triples_by_subject(quads())
    if fmt == "turtle":
        yield from _turtle_chunks(triples, PREFIXES | {"id": store.base}, batch)
    else:
        yield from _jsonld_chunks(triples, batch)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _turtle_chunks(triples: Iterable[ox.Triple], prefixes: dict[str, str], batch: int) -> Iterator[bytes]:
    """One Turtle document: each batch serialised alone repeats the ``@prefix`` lines, which
    are kept in the first only."""
    first = True
    for triple_batch in _batches(triples, batch):
        text = ox.serialize(triple_batch, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
        if not first:
            text = _without_prefixes(text)
        first = False
        yield text


def _without_prefixes(text: bytes) -> bytes:
    """``text`` without the ``@prefix`` lines it starts with (no statement starts with ``@``)."""
    start = 0
    while text.startswith(b"@prefix ", start):
        start = text.index(b"\n", start) + 1
    return text[start:]


def _jsonld_chunks(triples: Iterable[ox.Triple], batch: int) -> Iterator[bytes]:
    """One expanded JSON-LD document: the array of node objects of every batch (a node may be
    described in several objects of the array; a JSON-LD reader merges them)."""
    yield b"["
    first = True
    for triple_batch in _batches(triples, batch):
        text = (ox.serialize(triple_batch, format=ox.RdfFormat.JSON_LD) or b"").strip()
        if not (text.startswith(b"[") and text.endswith(b"]")):
            raise ValueError(f"pyoxigraph's JSON-LD is not an array: {text[:80]!r}")
        nodes = text[1:-1].strip()
        if nodes:
            yield nodes if first else b"," + nodes
            first = False
    yield b"]"


def _csv_chunks(quads: Iterable[ox.Quad], batch: int) -> Iterator[bytes]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["subject", "predicate", "object", "datatype", "language", "graph"])
    for quad_batch in _batches(quads, batch):
        for q in quad_batch:
            o = q.object
            datatype = language = ""
            if isinstance(o, ox.Literal):
                language = o.language or ""
                datatype = "" if language else o.datatype.value
            graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
            subject = q.subject.value if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)) else str(q.subject)
            value = o.value if isinstance(o, (ox.NamedNode, ox.BlankNode, ox.Literal)) else str(o)
            writer.writerow([subject, q.predicate.value, value, datatype, language, graph])
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")
