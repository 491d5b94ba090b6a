"""SHACL Core in Python over an indexed data graph: the half of a batch's validation that
pySHACL would take minutes for (targets by class with ``rdfs:subClassOf``, simple paths, the
constraint components ``ontology/shapes.ttl`` uses; see :data:`SUPPORTED`).

The data are pyoxigraph terms (hashed and compared in native code: rdflib's ``__eq__`` and
``__hash__`` are Python, and a twin-town batch has 400,000 triples). The shapes are read once
per shapes graph into :class:`Compiled` constraints, so a focus node costs a few dictionary
lookups per property; a value's verdict against a constraint is remembered for the run (the same
countries, sources and statuses recur on thousands of nodes).

Nodes outside the batch that it links to (an existing funding instrument, authority, place)
come in as ``context_types``: their classes count for ``sh:class`` checks, but they are not
focus nodes, since the batch does not describe them and the graph already holds them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

import pyoxigraph as ox
import rdflib.term
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from graph.ingest.triple_index import Objects, TripleIndex
from graph.paths import ontology_dir
from graph.terms import to_ox, to_rdflib
from graph.validate import Problem

_LANG_STRING_IRI = str(RDF.langString)
_XSD_STRING_IRI = str(XSD.string)

SUPPORTED = {
    SH.targetClass,
    SH.property,
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH["in"],
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH.minInclusive,
    SH.maxInclusive,
    SH.uniqueLang,
    SH.lessThanOrEquals,
    SH["or"],
    SH.node,
    SH.message,
    SH.severity,
    SH.sparql,
    SH.name,
    SH.description,
    SH.declare,
    SH.prefixes,
    SH.prefix,
    SH.namespace,
    SH.select,
}
"""The constraint components the native engine evaluates; shapes using others go to pySHACL."""

_NODE_KINDS: dict[Any, tuple[type, ...]] = {
    SH.IRI: (ox.NamedNode,),
    SH.Literal: (ox.Literal,),
    SH.BlankNode: (ox.BlankNode,),
}
_WELL_TYPED = {
    str(XSD.integer): re.compile(r"-?[0-9]+"),
    str(XSD.decimal): re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
}
"""Lexical forms that are surely well typed (rdflib parses them): others ask rdflib."""
_mapping = getattr(rdflib.term, "_toPythonMapping", None)
_RECOGNISED: frozenset[str] | None = frozenset(str(k) for k in _mapping) if isinstance(_mapping, dict) else None
"""The datatypes rdflib checks lexical forms of (a literal of another is never ill-typed for it)."""
_NUMBERS: dict[str, type] = {str(XSD.integer): int, str(XSD.decimal): Decimal}


@cache
def ontology_triples() -> tuple[ox.Triple, ...]:
    """The ontology and SKOS schemes (every ``ontology/*.ttl`` but the shapes, as
    :func:`graph.validate.ontology_graph` reads them), parsed by pyoxigraph: a hundredth of the
    time rdflib takes, which every fresh import process would pay."""
    out: list[ox.Triple] = []
    for path in sorted(ontology_dir().glob("*.ttl")):
        if path.stem != "shapes":
            out.extend(q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    return tuple(out)


@cache
def _ontology_index() -> tuple[dict[Any, set[Any]], dict[Any, set[Any]]]:
    """``rdf:type`` and ``rdfs:subClassOf`` of the ontology, as pyoxigraph terms."""
    types: dict[Any, set[Any]] = defaultdict(set)
    sub: dict[Any, set[Any]] = defaultdict(set)
    rdf_type, subclass_of = to_ox(RDF.type), to_ox(RDFS.subClassOf)
    for t in ontology_triples():
        if t.predicate == rdf_type:
            types[t.subject].add(t.object)
        elif t.predicate == subclass_of:
            sub[t.subject].add(t.object)
    return types, sub


def native_ok(shapes: Graph) -> bool:
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    paths_simple = all(isinstance(o, URIRef) for o in shapes.objects(None, SH.path))
    return used <= SUPPORTED and paths_simple


@dataclass(eq=False, slots=True)
class Compiled:
    """The constraints of one shape node, read once, as pyoxigraph terms (and the texts the
    messages quote, as rdflib wrote them)."""

    index: int
    name: str
    path: ox.NamedNode | None = None
    min_count: int | None = None
    max_count: int | None = None
    datatype: ox.NamedNode | None = None
    datatype_name: str = ""
    classes: list[tuple[ox.NamedNode, str]] = field(default_factory=list)
    allowed: frozenset[Any] | None = None
    node_kind: tuple[type, ...] | None = None
    node_kind_name: str = ""
    pattern: re.Pattern[str] | None = None
    pattern_text: str = ""
    bounds: list[tuple[str, Literal, Any]] = field(default_factory=list)
    """(``minInclusive``/``maxInclusive``, the limit, its Python value)."""
    unique_lang: bool = False
    language_only: bool = False
    """The only value check is ``sh:datatype rdf:langString`` (labels: tested inline, not memoised,
    since nearly every label is a distinct value)."""
    less_than_or_equals: ox.NamedNode | None = None
    alternatives: list[Compiled] = field(default_factory=list)
    nodes: list[Compiled] = field(default_factory=list)
    properties: list[Compiled] = field(default_factory=list)
    severity: str = "Violation"
    message: str | None = None
    checks_values: bool = False


@dataclass
class CompiledShapes:
    """Every shape reachable from the targeting ones, and which classes each targets."""

    targets: list[tuple[Compiled, list[ox.NamedNode]]]
    count: int


_compiled: dict[int, tuple[Graph, CompiledShapes]] = {}
_NOTHING: dict[Any, Objects] = {}


def _merged(described: dict[Any, Objects], more: dict[Any, Objects]) -> dict[Any, Objects]:
    """The values of a node in the data and in the context together."""
    out = dict(described)
    for p, objects in more.items():
        out[p] = {**out[p], **objects} if p in out else objects
    return out


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """The shapes graph as :class:`Compiled` constraints (once per graph object)."""
    hit = _compiled.get(id(shapes))
    if hit is not None and hit[0] is shapes:
        return hit[1]
    made: dict[Any, Compiled] = {}

    def one(node: Any) -> Compiled:
        if node in made:
            return made[node]
        g = shapes
        c = made[node] = Compiled(index=len(made), name=str(node))
        messages = [m for m in g.objects(node, SH.message) if isinstance(m, Literal)]
        english = [str(m) for m in messages if m.language in (None, "en")] or [str(m) for m in messages]
        c.message = english[0] if english else None
        c.severity = str(g.value(node, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
        path = g.value(node, SH.path)
        c.path = to_ox(path) if path is not None else None  # type: ignore[assignment]
        c.min_count, c.max_count = _int(g.value(node, SH.minCount)), _int(g.value(node, SH.maxCount))
        datatype = g.value(node, SH.datatype)
        if datatype is not None:
            c.datatype, c.datatype_name = to_ox(datatype), str(datatype)  # type: ignore[assignment]
        c.classes = [(to_ox(cls), str(cls)) for cls in g.objects(node, SH["class"])]  # type: ignore[misc]
        in_list = g.value(node, SH["in"])
        if in_list is not None:
            c.allowed = frozenset(to_ox(v) for v in Collection(g, in_list))
        kind = g.value(node, SH.nodeKind)
        if kind is not None:
            c.node_kind = _NODE_KINDS.get(kind, (object,))
            c.node_kind_name = str(kind).rsplit("#", 1)[-1]
        pattern = g.value(node, SH.pattern)
        if pattern is not None:
            flags = re.I if "i" in str(g.value(node, SH.flags) or "") else 0
            c.pattern, c.pattern_text = re.compile(str(pattern), flags), str(pattern)
        for bound in ("minInclusive", "maxInclusive"):
            limit = g.value(node, SH[bound])
            if limit is not None:
                c.bounds.append((bound, limit, limit.toPython() if isinstance(limit, Literal) else limit))
        c.unique_lang = bool(g.value(node, SH.uniqueLang))
        other = g.value(node, SH.lessThanOrEquals)
        c.less_than_or_equals = to_ox(other) if other is not None else None  # type: ignore[assignment]
        or_list = g.value(node, SH["or"])
        c.alternatives = [one(alt) for alt in Collection(g, or_list)] if or_list is not None else []
        c.nodes = [one(n) for n in g.objects(node, SH.node)]
        c.properties = [one(p) for p in g.objects(node, SH.property)]
        c.checks_values = bool(
            c.classes
            or c.datatype is not None
            or c.node_kind is not None
            or c.pattern is not None
            or c.allowed is not None
            or c.bounds
            or c.nodes
            or c.alternatives
        )
        c.language_only = c.datatype_name == _LANG_STRING_IRI and not (
            c.classes or c.node_kind or c.pattern or c.allowed is not None or c.bounds or c.nodes or c.alternatives
        )
        return c

    targets = [
        (one(shape), [to_ox(t) for t in shapes.objects(shape, SH.targetClass)])
        for shape in set(shapes.subjects(SH.targetClass, None))
    ]
    out = CompiledShapes(targets, len(made))  # type: ignore[arg-type]
    _compiled[id(shapes)] = (shapes, out)
    return out


class Native:
    """SHACL Core over an indexed data graph (pyoxigraph terms): targets by class (with
    rdfs:subClassOf), simple paths."""

    def __init__(
        self,
        shapes: Graph,
        data: Iterable[tuple[Any, Any, Any]],
        context_types: Mapping[Any, Iterable[Any]] | None = None,
        context: Iterable[tuple[Any, Any, Any]] = (),
    ) -> None:
        """``data`` (a :class:`TripleIndex`, used as it is, or any triples) is validated;
        ``context`` (the graph's statements about nodes of the data) counts with it."""
        self.compiled = compile_shapes(shapes)
        index = data if isinstance(data, TripleIndex) else TripleIndex(data)
        self.subjects = index.by_subject
        """Subject → predicate → objects: one lookup per focus node, then one per property."""
        self._context = TripleIndex(context).by_subject
        onto_types, onto_sub = _ontology_index()
        self.types: dict[Any, set[Any]] = defaultdict(set, {k: set(v) for k, v in onto_types.items()})
        sub: dict[Any, set[Any]] = defaultdict(set, {k: set(v) for k, v in onto_sub.items()})
        rdf_type, subclass_of = to_ox(RDF.type), to_ox(RDFS.subClassOf)
        for subjects in (self.subjects, self._context):
            for s, described in subjects.items():  # a few lookups per node, not a test per triple
                if rdf_type in described:
                    self.types[s].update(described[rdf_type])
                if subclass_of in described:
                    sub[s].update(described[subclass_of])
        self._sub = sub
        self._supers: dict[Any, set[Any]] = {}
        self.instances: dict[Any, set[Any]] = defaultdict(set)
        for node, classes in self.types.items():
            for cls in classes:
                for sup in self.superclasses(cls):
                    self.instances[sup].add(node)
        for node, classes in (context_types or {}).items():  # after the focus nodes: known, not checked
            self.types[node].update(classes)
        self._failures: list[dict[Any, str | None]] = [{} for _ in range(self.compiled.count)]
        """Per compiled shape: value → failure (the data do not change during a run)."""
        self._python: dict[Any, Any] = {}

    def superclasses(self, cls: Any) -> set[Any]:
        found = self._supers.get(cls)
        if found is None:
            found, todo = {cls}, [cls]
            while todo:
                for sup in self._sub.get(todo.pop(), ()):
                    if sup not in found:
                        found.add(sup)
                        todo.append(sup)
            self._supers[cls] = found
        return found

    def has_class(self, node: Any, cls: Any) -> bool:
        return any(cls in self.superclasses(t) for t in self.types.get(node, ()))

    def run(self) -> list[Problem]:
        out: list[Problem] = []
        for shape, targets in self.compiled.targets:
            for target in targets:
                for focus in self.instances.get(target, ()):
                    out.extend(self.node_results(focus, shape))
        return out

    def node_results(self, focus: Any, shape: Compiled) -> list[Problem]:
        out: list[Problem] = []
        if shape.checks_values:
            bad = self.value_failure(focus, shape)
            if bad:
                out.append(self._problem(focus, None, focus, shape, bad))
        described = self.subjects.get(focus, _NOTHING)
        if focus in self._context:
            described = _merged(described, self._context[focus])
        for prop in shape.properties:
            values = described.get(prop.path)
            if values is None:  # no value: only a minimum count can fail
                if prop.min_count:
                    out.append(self._problem(focus, prop.path, None, prop, f"fewer than {prop.min_count} value(s)"))
                continue
            found = self.property_results(focus, prop, values, described)
            if found:
                out.extend(found)
        return out

    def property_results(
        self, focus: Any, p: Compiled, values: Objects, described: dict[Any, Objects]
    ) -> list[Problem] | None:
        path = p.path
        n = distinct = len(values)  # each value once
        out: list[Problem] | None = None
        if p.min_count is not None and distinct < p.min_count:
            out = [self._problem(focus, path, None, p, f"fewer than {p.min_count} value(s)")]
        if p.max_count is not None and distinct > p.max_count:
            out = out or []
            out.append(self._problem(focus, path, None, p, f"more than {p.max_count} value(s)"))
        if p.unique_lang and n > 1:
            langs = [v.language for v in values if type(v) is ox.Literal and v.language]
            for lang in {x for x in langs if langs.count(x) > 1}:
                out = out or []
                out.append(self._problem(focus, path, None, p, f"several values in language {lang!r}"))
        if p.less_than_or_equals is not None:
            for v in values:
                for w in described.get(p.less_than_or_equals, ()):
                    if not self._le(v, w):
                        out = out or []
                        out.append(self._problem(focus, path, v, p, f"{v.value} is not <= {w.value}"))
        if p.checks_values:
            memo = self._failures[p.index]
            for v in values:
                if p.language_only and type(v) is ox.Literal and v.language:
                    continue
                try:
                    bad = memo[v]
                except KeyError:
                    bad = memo[v] = self._value_failure(v, p)
                if bad:
                    out = out or []
                    out.append(self._problem(focus, path, v, p, bad))
        return out

    def value_failure(self, v: Any, c: Compiled) -> str | None:
        """Why value ``v`` breaks the value-type constraints of ``c``, or ``None`` (memoised)."""
        memo = self._failures[c.index]
        try:
            return memo[v]
        except KeyError:
            found = memo[v] = self._value_failure(v, c)
            return found

    def _value_failure(self, v: Any, c: Compiled) -> str | None:
        for cls, name in c.classes:
            if not self.has_class(v, cls):
                return f"not a {name}"
        dt = c.datatype
        if dt is not None:
            if type(v) is not ox.Literal:
                return f"not a {c.datatype_name}"
            if c.datatype_name == _LANG_STRING_IRI:
                if not v.language:
                    return f"not a {c.datatype_name}" if self._ill_typed(v) else "needs a language tag"
            elif v.datatype != dt or self._ill_typed(v):
                return f"not a {c.datatype_name}"
        if c.node_kind is not None and not isinstance(v, c.node_kind):
            return f"not a {c.node_kind_name}"
        if c.pattern is not None and (type(v) is ox.BlankNode or not c.pattern.search(v.value)):
            return f"does not match {c.pattern_text}"
        if c.allowed is not None and v not in c.allowed:
            return "not one of the allowed values"
        for bound, limit, limit_value in c.bounds:
            if type(v) is not ox.Literal or not self._within(v, bound, limit, limit_value):
                return f"out of range ({bound} {limit})"
        for node_shape in c.nodes:
            if self.node_results(v, node_shape):
                return f"does not conform to {node_shape.name}"
        if c.alternatives and not any(not self.node_results(v, alt) for alt in c.alternatives):
            return "matches none of the alternatives"
        return None

    def _ill_typed(self, v: ox.Literal) -> bool:
        """Is ``v``'s lexical form wrong for its datatype (as rdflib judges it)?"""
        datatype = v.datatype.value
        if datatype == _XSD_STRING_IRI or v.language or (_RECOGNISED is not None and datatype not in _RECOGNISED):
            return False
        sure = _WELL_TYPED.get(datatype)
        if sure is not None and sure.fullmatch(v.value):
            return False
        return bool(getattr(self._rdflib(v), "ill_typed", False))

    def _rdflib(self, v: Any) -> Any:
        found = self._python.get(v)
        if found is None:
            found = self._python[v] = to_rdflib(v)
        return found

    def _within(self, v: ox.Literal, bound: str, limit: Literal, limit_value: Any) -> bool:
        kind = _NUMBERS.get(v.datatype.value)
        if kind is not None and _WELL_TYPED[v.datatype.value].fullmatch(v.value) and isinstance(limit_value, int):
            value = kind(v.value)
            return bool(limit_value <= value) if bound == "minInclusive" else bool(value <= limit_value)
        a = self._rdflib(v)
        return _le(limit, a) if bound == "minInclusive" else _le(a, limit)

    def _le(self, v: Any, w: Any) -> bool:
        return _le(self._rdflib(v), self._rdflib(w))

    def _problem(self, focus: Any, path: Any, value: Any, c: Compiled, why: str) -> Problem:
        return Problem(
            focus=focus.value,
            path=path.value if path is not None else None,
            value=value.value if value is not None else None,
            message=c.message or why,
            severity=c.severity,
            shape=None,
        )


def _int(node: Any) -> int | None:
    return int(node) if isinstance(node, Literal) else None  # type: ignore[call-overload]


def _le(a: object, b: object) -> bool:
    try:
        return bool(a.toPython() <= b.toPython())  # type: ignore[attr-defined]
    except (TypeError, AttributeError):
        return False
