"""Conversion between rdflib terms (the edges: staging, serialisation, callers) and
pyoxigraph terms (the hot paths: queries and writes).

Converting through pyoxigraph also validates: an IRI holding ``>``, a space or a newline is
refused here, so no bound parameter can ever change the shape of a query.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Callable, Hashable, Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.memory import release

H = TypeVar("H", bound=Hashable)

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def to_ox(value: Any) -> OxTerm:
    """An rdflib term or a plain Python value as a pyoxigraph term.

    Plain ``str`` becomes a string literal (never an IRI: callers say ``URIRef`` when they
    mean one). Raises ``ValueError`` for an invalid IRI or language tag.
    """
    if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return value
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype is not None and str(value.datatype) != _XSD_STRING:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    if isinstance(value, Decimal):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "decimal"))
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"cannot use {type(value).__name__} as an RDF term: {value!r}")


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as the equivalent rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype in (_XSD_STRING, _LANG_STRING):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported term {term!r}")


def ox_quad(s: Node, p: Node, o: Node, g: str | URIRef | None) -> ox.Quad:
    """One quad from rdflib terms, in graph ``g`` (the default graph when ``None``)."""
    graph = ox.DefaultGraph() if g is None else ox.NamedNode(str(g))
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)  # type: ignore[arg-type]


def distinct_triples(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of ``quads``, each once: what a format without named graphs can say of them."""
    seen: set[ox.Triple] = set()
    for quad in quads:
        triple = quad.triple
        if triple not in seen:
            seen.add(triple)
            yield triple


def distinct_in_two_passes(values: Callable[[], Iterable[H]]) -> Iterator[H]:
    """The values of ``values()``, each once, without holding every value: for the whole store,
    where a set (or the engine's ``DISTINCT``) would be as big as what it reads.

    A first pass over ``values()`` keeps a 64-bit hash of each (8 bytes a value, in one array),
    sorted to find the hashes seen more than once; the second pass yields every value, keeping
    an exact set only of those whose hash was repeated (the values read several times, and the
    rare ones sharing a hash with another), so each comes out once. ``values`` is called twice
    and must give the same values in any order; one added between the passes may come out
    twice. Lazy: nothing is read before the first value is asked for."""
    import numpy as np  # here: the import costs ~0.1 s, and only exports need it

    hashes = array("q", (hash(value) for value in values()))
    repeated: set[int] = set()
    if len(hashes) > 1:
        ordered = np.frombuffer(hashes, dtype=np.int64)  # a view: sorts the array in place
        ordered.sort()
        same = ordered[1:] == ordered[:-1]
        repeated = set(np.unique(ordered[1:][same]).tolist())
        del ordered, same
    del hashes
    release()  # the array (37 MB for the quads at Atlas 10x) came from the heap, which keeps it unless trimmed
    seen: set[H] = set()
    for value in values():
        if hash(value) in repeated:
            if value in seen:
                continue
            seen.add(value)
        yield value
    del seen, repeated
    release()


def distinct_triples_in_two_passes(quads: Callable[[], Iterable[ox.Quad]]) -> Iterator[ox.Triple]:
    """The triples of ``quads()``, each once (:func:`distinct_in_two_passes`): the union of the
    named graphs repeats a triple once per graph stating it."""
    return distinct_in_two_passes(lambda: (quad.triple for quad in quads()))


def distinct_triples_by_subject(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    """The triples of ``quads``, each once, when the quads of a subject come together (one run
    per subject, as the statements of each resource read one after the other): only the
    triples of the current subject are remembered."""
    subject: object = None
    seen: set[ox.Triple] = set()
    for quad in quads:
        if quad.subject != subject:
            subject = quad.subject
            seen = set()
        triple = quad.triple
        if triple not in seen:
            seen.add(triple)
            yield triple


def is_absolute_iri(text: str) -> bool:
    """Does ``text`` parse as an absolute IRI? (pyoxigraph's parser is the one every bound term
    goes through, so what it refuses could not be used as a graph name anyway.)"""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True
