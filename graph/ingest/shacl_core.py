"""SHACL Core in Python over an indexed data graph: the half of a batch's validation that
pySHACL would take minutes for (targets by class with ``rdfs:subClassOf``, simple paths, the
constraint components ``ontology/shapes.ttl`` uses; see :data:`SUPPORTED`).

Nodes outside the batch that it links to (an existing funding instrument, authority, place)
come in as ``context_types``: their classes count for ``sh:class`` checks, but they are not
focus nodes, since the batch does not describe them and the graph already holds them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from graph.validate import Problem, ontology_graph

_LANG_STRING = RDF.langString
_XSD_STRING = XSD.string

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


@cache
def _ontology_index() -> tuple[dict[Any, set[Any]], dict[Any, set[Any]]]:
    types: dict[Any, set[Any]] = defaultdict(set)
    sub: dict[Any, set[Any]] = defaultdict(set)
    for s, p, o in ontology_graph():
        if p == RDF.type:
            types[s].add(o)
        elif p == RDFS.subClassOf:
            sub[s].add(o)
    return types, sub


def native_ok(shapes: Graph) -> bool:
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    paths_simple = all(isinstance(o, URIRef) for o in shapes.objects(None, SH.path))
    return used <= SUPPORTED and paths_simple


class Native:
    """SHACL Core over an indexed data graph: targets by class (with rdfs:subClassOf), simple paths."""

    def __init__(
        self,
        shapes: Graph,
        data: Graph | set[tuple[Any, Any, Any]],
        context_types: Mapping[Any, Iterable[Any]] | None = None,
    ) -> None:
        self.shapes = shapes
        self.values: dict[tuple[object, object], list[object]] = defaultdict(list)
        onto_types, onto_sub = _ontology_index()
        self.types: dict[object, set[object]] = defaultdict(set, {k: set(v) for k, v in onto_types.items()})
        sub: dict[object, set[object]] = defaultdict(set, {k: set(v) for k, v in onto_sub.items()})
        values = self.values
        # A dict lookup instead of ``p == RDF.type``: rdflib's __eq__ is Python code, the hash is not.
        special: dict[Any, dict[object, set[object]]] = {RDF.type: self.types, RDFS.subClassOf: sub}
        get = special.get
        for s, p, o in data:
            values[(s, p)].append(o)
            index = get(p)
            if index is not None:
                index[s].add(o)
        self._sub = sub
        self._supers: dict[object, set[object]] = {}
        self.instances: dict[object, set[object]] = defaultdict(set)
        for node, classes in self.types.items():
            for cls in classes:
                for sup in self.superclasses(cls):
                    self.instances[sup].add(node)
        for node, classes in (context_types or {}).items():  # after the focus nodes: known, not checked
            self.types[node].update(classes)
        self._compiled: dict[Any, dict[str, Any]] = {}
        self._failures: dict[tuple[object, int], str | None] = {}
        """(value, id of compiled shape) → failure: the data does not change during a run, and the
        same values (a country, a status, a source) recur on thousands of nodes."""

    def superclasses(self, cls: Any) -> set[Any]:
        if cls not in self._supers:
            out, todo = {cls}, [cls]
            while todo:
                for sup in self._sub.get(todo.pop(), ()):
                    if sup not in out:
                        out.add(sup)
                        todo.append(sup)
            self._supers[cls] = out
        return self._supers[cls]

    def has_class(self, node: Any, cls: Any) -> bool:
        return any(cls in self.superclasses(t) for t in self.types.get(node, ()))

    def shape(self, node: Any) -> dict[str, Any]:
        """The constraints of a shape node, read once."""
        if node not in self._compiled:
            g = self.shapes
            messages = [m for m in g.objects(node, SH.message) if isinstance(m, Literal)]
            english = [str(m) for m in messages if m.language in (None, "en")] or [str(m) for m in messages]
            in_list = g.value(node, SH["in"])
            or_list = g.value(node, SH["or"])
            self._compiled[node] = {
                "path": g.value(node, SH.path),
                "minCount": _int(g.value(node, SH.minCount)),
                "maxCount": _int(g.value(node, SH.maxCount)),
                "datatype": g.value(node, SH.datatype),
                "class": list(g.objects(node, SH["class"])),
                "in": set(Collection(g, in_list)) if in_list is not None else None,
                "nodeKind": g.value(node, SH.nodeKind),
                "pattern": g.value(node, SH.pattern),
                "flags": str(g.value(node, SH.flags) or ""),
                "minInclusive": g.value(node, SH.minInclusive),
                "maxInclusive": g.value(node, SH.maxInclusive),
                "uniqueLang": bool(g.value(node, SH.uniqueLang)),
                "lessThanOrEquals": g.value(node, SH.lessThanOrEquals),
                "or": list(Collection(g, or_list)) if or_list is not None else [],
                "node": list(g.objects(node, SH.node)),
                "property": list(g.objects(node, SH.property)),
                "severity": str(g.value(node, SH.severity) or SH.Violation).rsplit("#", 1)[-1],
                "message": english[0] if english else None,
            }
            c = self._compiled[node]
            c["checks_values"] = bool(
                c["class"]
                or c["datatype"] is not None
                or c["nodeKind"] is not None
                or c["pattern"] is not None
                or c["in"] is not None
                or c["minInclusive"] is not None
                or c["maxInclusive"] is not None
                or c["node"]
                or c["or"]
            )
        return self._compiled[node]

    def run(self) -> list[Problem]:
        out: list[Problem] = []
        for shape_node in set(self.shapes.subjects(SH.targetClass, None)):
            for target in self.shapes.objects(shape_node, SH.targetClass):
                for focus in self.instances.get(target, ()):
                    out.extend(self.node_results(focus, shape_node))
        return out

    def node_results(self, focus: Any, shape_node: Any) -> list[Problem]:
        shape = self.shape(shape_node)
        out: list[Problem] = []
        bad = self.value_failure(focus, shape)
        if bad:
            out.append(self._problem(focus, None, focus, shape, bad))
        for prop in shape["property"]:
            out.extend(self.property_results(focus, self.shape(prop)))
        return out

    def property_results(self, focus: Any, p: dict[str, Any]) -> list[Problem]:
        path = p["path"]
        values = self.values.get((focus, path), [])
        out: list[Problem] = []
        distinct = len(set(values)) if len(values) > 1 else len(values)
        if p["minCount"] is not None and distinct < p["minCount"]:
            out.append(self._problem(focus, path, None, p, f"fewer than {p['minCount']} value(s)"))
        if p["maxCount"] is not None and distinct > p["maxCount"]:
            out.append(self._problem(focus, path, None, p, f"more than {p['maxCount']} value(s)"))
        if p["uniqueLang"]:
            langs = [v.language for v in set(values) if isinstance(v, Literal) and v.language]
            for lang in {x for x in langs if langs.count(x) > 1}:
                out.append(self._problem(focus, path, None, p, f"several values in language {lang!r}"))
        if p["lessThanOrEquals"] is not None:
            for v in values:
                for w in self.values.get((focus, p["lessThanOrEquals"]), []):
                    if not _le(v, w):
                        out.append(self._problem(focus, path, v, p, f"{v} is not <= {w}"))
        if p["checks_values"]:
            for v in values:
                bad = self.value_failure(v, p)
                if bad:
                    out.append(self._problem(focus, path, v, p, bad))
        return out

    def value_failure(self, v: Any, c: dict[str, Any]) -> str | None:
        """Why value ``v`` breaks the value-type constraints of ``c``, or ``None`` (memoised)."""
        key = (v, id(c))
        try:
            return self._failures[key]
        except KeyError:
            pass
        found = self._value_failure(v, c)
        self._failures[key] = found
        return found

    def _value_failure(self, v: Any, c: dict[str, Any]) -> str | None:
        for cls in c["class"]:
            if not self.has_class(v, cls):
                return f"not a {cls}"
        dt = c["datatype"]
        if dt is not None:
            if not isinstance(v, Literal) or getattr(v, "ill_typed", False):
                return f"not a {dt}"
            if dt == _LANG_STRING:
                if not v.language:
                    return "needs a language tag"
            elif (v.datatype or (None if v.language else _XSD_STRING)) != dt:
                return f"not a {dt}"
        kind = c["nodeKind"]
        if kind is not None:
            ok = {
                SH.IRI: isinstance(v, URIRef),
                SH.Literal: isinstance(v, Literal),
                SH.BlankNode: isinstance(v, BNode),
            }.get(kind, True)
            if not ok:
                return f"not a {str(kind).rsplit('#', 1)[-1]}"
        if c["pattern"] is not None:
            flags = re.I if "i" in c["flags"] else 0
            if isinstance(v, BNode) or not re.search(str(c["pattern"]), str(v), flags):
                return f"does not match {c['pattern']}"
        if c["in"] is not None and v not in c["in"]:
            return "not one of the allowed values"
        for bound, ok_if in (("minInclusive", lambda a, b: _le(b, a)), ("maxInclusive", _le)):
            limit = c[bound]
            if limit is not None and not (isinstance(v, Literal) and ok_if(v, limit)):
                return f"out of range ({bound} {limit})"
        for node_shape in c["node"]:
            if self.node_results(v, node_shape):
                return f"does not conform to {node_shape}"
        if c["or"] and not any(not self.node_results(v, alt) for alt in c["or"]):
            return "matches none of the alternatives"
        return None

    def _problem(self, focus: object, path: object, value: object, c: dict[str, Any], why: str) -> Problem:
        return Problem(
            focus=str(focus),
            path=str(path) if path is not None else None,
            value=str(value) if value is not None else None,
            message=c["message"] or why,
            severity=c["severity"],
            shape=None,
        )


def _int(node: Any) -> int | None:
    return int(node) if isinstance(node, Literal) else None  # type: ignore[call-overload]


def _le(a: object, b: object) -> bool:
    try:
        return bool(a.toPython() <= b.toPython())  # type: ignore[attr-defined]
    except (TypeError, AttributeError):
        return False
