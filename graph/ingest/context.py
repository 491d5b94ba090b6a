"""The part of the graph an import batch touches, read in a few queries rather than one per node.

SHACL on a batch alone would refuse a record that links to what the graph already holds: a
project funded by the seed's FICOL fails ``sh:class coop:FundingInstrument`` because the
instrument's ``rdf:type`` is in the seed, not in the batch. So validation sees, besides the
batch:
- the full description of every existing node the batch describes again (``merged``), and of
  its sub-nodes (``…#geometry``), since the batch and the graph together must conform;
- the classes of every other existing node the batch links to (instruments, authorities,
  places, countries), which satisfy ``sh:class`` without being validated again.

Both come from named queries (``import_node``, ``import_node_types``) bound to a list of nodes:
one ``VALUES`` row per node, in chunks, so a batch of 26,000 records costs a handful of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph import queries
from graph.bindings import with_rows
from graph.ingest.triple_index import TripleIndex
from graph.results import Solutions, Triples
from graph.store import Store

CHUNK = 2000
"""Nodes per query: a few hundred kilobytes of query text, well within what servers accept."""


def _chunks(nodes: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(nodes))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _bound(name: str, nodes: list[str]) -> str:
    """The named query ``name`` with ``?node`` bound to each of ``nodes``."""
    return with_rows(queries.load(name).text, "node", nodes)


def descriptions(store: Store, nodes: Iterable[str]) -> list[ox.Triple]:
    """Every triple the graph states about ``nodes``."""
    out: list[ox.Triple] = []
    for chunk in _chunks(nodes):
        result = store.run(_bound("import_node", chunk))
        assert isinstance(result, Triples)
        out.extend(result.triples)
    return out


def known(store: Store, nodes: Iterable[str]) -> set[str]:
    """Those of ``nodes`` the graph states anything about."""
    out: set[str] = set()
    for chunk in _chunks(nodes):
        result = store.run(_bound("import_nodes_known", chunk))
        assert isinstance(result, Solutions)
        out.update(row[0].value for row in result.rows if row[0] is not None)
    return out


def classes_of(store: Store, nodes: Iterable[str]) -> dict[str, set[str]]:
    """The classes (``rdf:type``) the graph gives each of ``nodes`` that it holds."""
    out: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(nodes):
        result = store.run(_bound("import_node_types", chunk))
        assert isinstance(result, Solutions)
        for node, cls in result.rows:
            if node is not None and cls is not None:
                out[node.value].add(cls.value)
    return out


@dataclass
class Touched:
    """What the graph states that a batch's validation must see (pyoxigraph terms)."""

    triples: set[tuple[Any, Any, Any]] = field(default_factory=set)
    """The descriptions of the merged nodes, less what the batch states again."""
    types: dict[ox.NamedNode, set[ox.NamedNode]] = field(default_factory=dict)
    """Other existing nodes the batch links to → their classes in the graph."""


def touched(store: Store, batch: TripleIndex, merged: Iterable[str]) -> Touched:
    """The descriptions of the ``merged`` nodes (and their sub-nodes) and the classes of every
    other node under the store's base that the batch or those descriptions link to.

    ``batch`` is the batch's triples (pyoxigraph terms, compared in native code: a twin-town
    batch has 400,000 triples)."""
    out = Touched()
    merged = set(merged)
    stated = descriptions(store, merged)
    fragments = {
        t.object.value
        for t in stated
        if isinstance(t.object, ox.NamedNode) and "#" in t.object.value and t.object.value.split("#", 1)[0] in merged
    }
    stated += descriptions(store, fragments - merged)
    for t in stated:
        triple = (t.subject, t.predicate, t.object)
        if triple not in batch:
            out.triples.add(triple)
    base = store.base
    named = ox.NamedNode
    described: set[Any] = set(batch.by_subject)
    objects: set[Any] = set()
    for predicates in batch.by_subject.values():
        for values in predicates.values():
            objects.update(values)
    for s, _, o in out.triples:
        described.add(s)
        objects.add(o)
    linked = [o.value for o in objects - described if type(o) is named and o.value.startswith(base)]
    for node, classes in classes_of(store, linked).items():
        out.types[named(node)] = {named(c) for c in classes}
    return out
