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

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from graph import queries
from graph.results import Solutions, Triples
from graph.store import Store
from graph.terms import to_rdflib

CHUNK = 2000
"""Nodes per query: a few hundred kilobytes of query text, well within what servers accept."""

_OUTER_GROUP = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"^[ \t]*#[^\n]*$", re.MULTILINE)


def with_rows(name: str, variable: str, nodes: Iterable[str]) -> str:
    """The named query ``name`` with ``?variable`` bound to each of ``nodes`` (IRIs), one
    ``VALUES`` row each, opening its outermost ``WHERE`` group as :mod:`graph.bindings` does
    for one row. Each IRI is printed by pyoxigraph (validated, escaped): data, never syntax."""
    text = _COMMENT_LINE.sub("", queries.load(name).text)
    match = _OUTER_GROUP.search(text)
    if match is None:
        raise ValueError(f"{name} has no WHERE group to bind")
    values = " ".join(str(ox.NamedNode(node)) for node in nodes)
    return f"{text[: match.end()]} VALUES ?{variable} {{ {values} }} {text[match.end() :]}"


def _chunks(nodes: Iterable[str]) -> Iterator[list[str]]:
    ordered = sorted(set(nodes))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def descriptions(store: Store, nodes: Iterable[str]) -> list[ox.Triple]:
    """Every triple the graph states about ``nodes``."""
    out: list[ox.Triple] = []
    for chunk in _chunks(nodes):
        result = store.run(with_rows("import_node", "node", chunk))
        assert isinstance(result, Triples)
        out.extend(result.triples)
    return out


def known(store: Store, nodes: Iterable[str]) -> set[str]:
    """Those of ``nodes`` the graph states anything about."""
    out: set[str] = set()
    for chunk in _chunks(nodes):
        result = store.run(with_rows("import_nodes_known", "node", chunk))
        assert isinstance(result, Solutions)
        out.update(row[0].value for row in result.rows if row[0] is not None)
    return out


def classes_of(store: Store, nodes: Iterable[str]) -> dict[str, set[str]]:
    """The classes (``rdf:type``) the graph gives each of ``nodes`` that it holds."""
    out: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(nodes):
        result = store.run(with_rows("import_node_types", "node", chunk))
        assert isinstance(result, Solutions)
        for node, cls in result.rows:
            if node is not None and cls is not None:
                out[node.value].add(cls.value)
    return out


@dataclass
class Touched:
    """What the graph states that a batch's validation must see (rdflib and pyoxigraph terms)."""

    triples: set[tuple[Any, Any, Any]] = field(default_factory=set)
    ox_triples: list[tuple[Any, Any, Any]] = field(default_factory=list)
    types: dict[URIRef, set[URIRef]] = field(default_factory=dict)


def touched(
    store: Store,
    batch: set[tuple[Any, Any, Any]],
    batch_ox: Iterable[tuple[Any, Any, Any]],
    merged: Iterable[str],
) -> Touched:
    """The descriptions of the ``merged`` nodes (and their sub-nodes) and the classes of every
    other node under the store's base that the batch or those descriptions link to.

    ``batch`` is the batch's triples as rdflib terms, ``batch_ox`` the same as pyoxigraph terms
    (scanned for links: comparing pyoxigraph terms is native code, rdflib's ``__eq__`` is not,
    and a twin-town batch has 400,000 triples)."""
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
        triple = (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
        if triple not in batch:
            out.triples.add(triple)
            out.ox_triples.append((t.subject, t.predicate, t.object))
    base = store.base
    named = ox.NamedNode
    described: set[Any] = set()
    objects: set[Any] = set()
    for triples in (batch_ox, out.ox_triples):
        for s, _, o in triples:
            described.add(s)
            if type(o) is named:
                objects.add(o)
    linked = [o.value for o in objects - described if o.value.startswith(base)]
    for node, classes in classes_of(store, linked).items():
        out.types[URIRef(node)] = {URIRef(c) for c in classes}
    return out
