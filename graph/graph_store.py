"""The SPARQL 1.1 Graph Store HTTP Protocol, as graph operations (no HTTP here).

Decisions (what the recommendation leaves to the service):

- **The default graph** is what reads see: the union of every graph. ``GET ?default`` returns
  that union; writes to it are refused (:class:`GraphNotWritable` → 405): a write must name its
  graph, so that it can be recorded, validated and undone like any batch.
- **Managed graphs** (the ontology, the shapes, the metadata graph, the seed graphs and import
  batch graphs) can be read but not written here: they are written by ``init`` and the importer,
  whose records would otherwise lie.
- **Every PUT or POST is a batch** (:mod:`graph.batches`): the data goes into the graph the
  client named, and a PROV-O record of the write (``coop:graph`` that graph) goes into the
  metadata graph in the same transaction. A PUT replaces the graph atomically
  (:func:`graph.batches.replace_batch`). ``coopgraph batches`` lists these writes;
  ``batches.undo`` of one removes the graph it wrote (as it stands then) and its record.
- **Validation**: when the data holds instances of ``coop:`` classes it is validated against the
  shapes, with the types of the nodes it refers to from the store; violations refuse the write
  unless the caller forces it.
- Relative IRIs in a body resolve against the store's base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph import batches
from graph.batches import Batch
from graph.namespaces import COOP
from graph.paths import ontology_dir
from graph.store import Store
from graph.terms import to_rdflib
from graph.validate import Report, validate

READ_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/n3": ox.RdfFormat.N3,
}
"""Media types a PUT or POST body may have."""

MAX_CONTEXT_NODES = 5000
"""Referenced nodes whose types are fetched for validation (beyond that, validation is partial)."""


class GraphStoreError(ValueError):
    """A Graph Store request the service refuses; the message says why."""


class UnsupportedMediaType(GraphStoreError):
    """The body's media type is not one this service reads (→ 415)."""


class BodyParseError(GraphStoreError):
    """The body does not parse as its media type says (→ 400); ``line``/``column`` if known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


class GraphNotWritable(GraphStoreError):
    """The default graph or a managed graph (→ 405 / 403)."""

    def __init__(self, message: str, *, default: bool) -> None:
        super().__init__(message)
        self.default = default


class InvalidGraph(GraphStoreError):
    """The data violates the shapes; :attr:`report` says how."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"the graph violates the shapes ({len(report.violations)} violation(s))")
        self.report = report


@dataclass
class GraphBatch(Batch):
    """A batch written by the Graph Store Protocol: its data lives in the graph the client named."""

    target: str = ""

    def graph(self, store: Store) -> str:
        return self.target


@dataclass(frozen=True)
class WriteResult:
    created: bool
    """The graph did not exist before (→ 201)."""
    batch_id: str
    triples: int
    report: Report | None


# -- reading -------------------------------------------------------------------------------


def parse_body(body: bytes, media_type: str, *, base: str) -> list[ox.Triple]:
    """The triples of a request body; relative IRIs resolve against ``base``."""
    fmt = READ_FORMATS.get(media_type.split(";")[0].strip().lower())
    if fmt is None:
        raise UnsupportedMediaType(
            f"cannot read {media_type or 'a body without Content-Type'}; send one of {', '.join(READ_FORMATS)}"
        )
    try:
        return [q.triple for q in ox.parse(body, format=fmt, base_iri=base)]
    except SyntaxError as err:
        match = re.search(r"(\d+):(\d+)|line (\d+),? column (\d+)", str(err))
        numbers = [int(g) for g in match.groups() if g] if match else [None, None]
        line, column = numbers[0], numbers[1]
        raise BodyParseError(f"the body does not parse as {media_type}: {err}", line, column) from err


def exists(store: Store, graph: str) -> bool:
    """Whether ``graph`` holds a triple: an embedded store keeps emptied graphs, a remote one does not."""
    return store.ask("gsp_graph_exists", graph=URIRef(graph))


def triples_of(store: Store, graph: str | None) -> Iterator[ox.Triple]:
    """The triples of ``graph``, or of the union (the default graph) when ``None``, each once."""
    seen: set[ox.Triple] = set()
    for quad in store.quads(graph):
        triple = quad.triple
        if graph is not None:
            yield triple
        elif triple not in seen:
            seen.add(triple)
            yield triple


# -- writing -------------------------------------------------------------------------------


def check_writable(store: Store, graph: str | None) -> str:
    """``graph`` if the Graph Store Protocol may write it; raises :class:`GraphNotWritable` otherwise."""
    if graph is None:
        raise GraphNotWritable(
            "the default graph is the union of every graph and cannot be written; name a graph with ?graph=IRI",
            default=True,
        )
    managed = {store.graph("ontology"), store.graph("shapes"), store.meta_graph}
    if graph in managed or graph.startswith((store.graph("seed/"), store.graph("batch/"))):
        raise GraphNotWritable(
            f"<{graph}> is managed by coopgraph (ontology, shapes, metadata, seed or import batch); "
            "write to another graph, or use 'coopgraph init' / the importer",
            default=False,
        )
    return graph


def write(
    store: Store,
    graph: str,
    triples: list[ox.Triple],
    *,
    replace: bool,
    content: bytes,
    agent: str | None = None,
    force: bool = False,
) -> WriteResult:
    """PUT (``replace``) or POST ``triples`` into ``graph`` as one recorded batch, atomically."""
    check_writable(store, graph)
    created = not exists(store, graph)
    report = validate_triples(store, triples) if needs_validation(triples) else None
    if report is not None and not report.conforms and not force:
        raise InvalidGraph(report)
    method = "PUT" if replace else "POST"
    batch = GraphBatch(
        id=batches.new_batch_id(content),
        source=f"graph-store-protocol {method} <{graph}>",
        checksum=batches.checksum(content),
        records=len(triples),
        created=len({t.subject for t in triples}),
        warnings=len(report.problems) if report else 0,
        label=f"Graph Store {method} of <{graph}>",
        target=graph,
    )
    if agent:
        batch.agent = agent
    data = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in triples]
    if replace:
        batches.replace_batch(store, batch, data)
    else:
        batches.write_batch(store, batch, data)
    return WriteResult(created=created, batch_id=batch.id, triples=len(triples), report=report)


def delete(store: Store, graph: str) -> None:
    """Drop ``graph`` (the PROV records of the writes that made it stay, as history)."""
    check_writable(store, graph)
    store.replace(drop=[graph])


# -- validation -----------------------------------------------------------------------------


def needs_validation(triples: Iterable[ox.Triple]) -> bool:
    """Whether the data types anything with a class of the ontology (``coop:``)."""
    rdf_type = ox.NamedNode(str(RDF.type))
    coop = str(COOP)
    return any(
        t.predicate == rdf_type and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(coop)
        for t in triples
    )


def validate_triples(store: Store, triples: list[ox.Triple]) -> Report | None:
    """Validate ``triples`` with the types of the nodes they refer to; ``None`` without shapes."""
    if not (ontology_dir() / "shapes.ttl").is_file():
        return None
    data = Graph()
    for t in triples:
        data.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    subjects = {t.subject for t in triples}
    referenced = sorted(
        {t.object.value for t in triples if isinstance(t.object, ox.NamedNode) and t.object not in subjects}
    )[:MAX_CONTEXT_NODES]
    for iri in referenced:
        node = URIRef(iri)
        for row in store.select("gsp_node_types", node=node):
            data.add((node, RDF.type, row["type"]))
    return validate(data)
