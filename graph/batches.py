"""Import batches: each in its own named graph, with a PROV-O record in the metadata graph.

A batch is written in one transaction (its data graph and its record together) and undone in
one transaction (the graph dropped, the record and its flags deleted). Whatever writes data
in bulk (the importer, the Graph Store Protocol) goes through :func:`write_batch`.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from graph.namespaces import COOP
from graph.store import Store
from graph.terms import ox_quad

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,80}")

BatchTriples = Iterable[tuple[object, object, object]]
"""A batch's data: triples of rdflib or pyoxigraph terms, written into the batch's own graph."""
RecordTriples = Iterable[tuple[URIRef, URIRef, object]]
"""More statements for a batch's record in the meta graph (e.g. its flags)."""


@dataclass
class Batch:
    """What the PROV-O record of a batch says."""

    id: str
    source: str
    """The file name (or what stood for it: ``graph-store-protocol``, a URL…)."""
    checksum: str = ""
    agent: str = field(default_factory=lambda: _whoami())
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    records: int = 0
    created: int = 0
    merged: int = 0
    skipped: int = 0
    warnings: int = 0
    label: str = ""

    def iri(self, store: Store) -> str:
        return f"{store.base}batch/{self.id}"

    def graph(self, store: Store) -> str:
        return store.graph(f"batch/{self.id}")


def new_batch_id(content: bytes, when: dt.datetime | None = None) -> str:
    """A batch id that sorts by time and tells two files apart: ``20261125T201500-1a2b3c4d``."""
    stamp = (when or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%f")
    return f"{stamp}-{hashlib.sha256(content).hexdigest()[:8]}"


def checksum(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


def record_quads(store: Store, batch: Batch, extra: RecordTriples = ()) -> list[ox.Quad]:
    """The PROV-O record of ``batch`` (and ``extra`` triples, e.g. its flags) in the meta graph."""
    b = URIRef(batch.iri(store))
    meta = store.meta_graph
    ended = dt.datetime.now(dt.UTC)
    triples: list[tuple[URIRef, URIRef, object]] = [
        (b, RDF.type, COOP.ImportBatch),
        (b, RDF.type, PROV.Activity),
        (b, RDFS.label, Literal(batch.label or f"import of {batch.source}")),
        (b, COOP.graph, URIRef(batch.graph(store))),
        (b, PROV.used, Literal(batch.source)),
        (b, PROV.startedAtTime, Literal(batch.started.isoformat(), datatype=XSD.dateTime)),
        (b, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)),
        (b, PROV.wasAssociatedWith, Literal(batch.agent)),
        (b, COOP.recordCount, Literal(batch.records)),
        (b, COOP.createdCount, Literal(batch.created)),
        (b, COOP.mergedCount, Literal(batch.merged)),
        (b, COOP.skippedCount, Literal(batch.skipped)),
        (b, COOP.warningCount, Literal(batch.warnings)),
        (URIRef(batch.graph(store)), PROV.wasGeneratedBy, b),
    ]
    if batch.checksum:
        triples.append((b, COOP.checksum, Literal(batch.checksum)))
    triples.extend(extra)
    return [ox_quad(s, p, o, meta) for s, p, o in triples]  # type: ignore[arg-type]


def write_batch(store: Store, batch: Batch, data: BatchTriples, extra_meta: RecordTriples = ()) -> str:
    """Write ``data`` into the batch's own graph and its record into the meta graph, atomically.

    Returns the batch's graph IRI.
    """
    graph, quads = _batch_quads(store, batch, data, extra_meta)
    store.add(quads)
    return graph


def replace_batch(store: Store, batch: Batch, data: BatchTriples, extra_meta: RecordTriples = ()) -> str:
    """Like :func:`write_batch`, but the batch's graph is emptied first, in the same transaction
    (a Graph Store Protocol PUT: replace a graph and record it). Returns the graph IRI."""
    graph, quads = _batch_quads(store, batch, data, extra_meta)
    store.replace(drop=[graph], add=quads)
    return graph


def _batch_quads(store: Store, batch: Batch, data: BatchTriples, extra: RecordTriples) -> tuple[str, list[ox.Quad]]:
    """The batch's graph IRI, and ``data`` in that graph followed by the batch's record."""
    if not _ID.fullmatch(batch.id):
        raise ValueError(f"invalid batch id {batch.id!r}")
    graph = batch.graph(store)
    quads = [ox_quad(s, p, o, graph) for s, p, o in data]  # type: ignore[arg-type]
    quads.extend(record_quads(store, batch, extra))
    return graph, quads


def list_batches(store: Store) -> list[dict[str, str | int | None]]:
    """Every batch with its record, oldest first."""
    rows = store.select("batches")
    return [{k: (v.toPython() if isinstance(v, Literal) else str(v)) for k, v in row.items()} for row in rows]


def exists(store: Store, batch_id: str) -> bool:
    if not _ID.fullmatch(batch_id):
        return False
    return store.ask("batch_exists", batch=URIRef(f"{store.base}batch/{batch_id}"))


def undo(store: Store, batch_id: str) -> None:
    """Remove exactly the batch ``batch_id``: its graph, its record and its flags, in one write."""
    if not exists(store, batch_id):
        raise KeyError(f"batch {batch_id}")
    batch = URIRef(f"{store.base}batch/{batch_id}")
    recorded = store.select("batch_graph", batch=batch)  # a Graph Store batch names its own graph
    graph = URIRef(str(recorded[0]["graph"])) if recorded else URIRef(store.graph(f"batch/{batch_id}"))
    store.update("undo_batch", batch=batch, graph=graph, meta=URIRef(store.meta_graph))


def _whoami() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
