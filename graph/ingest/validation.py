"""SHACL validation of an import batch, fast enough for tens of thousands of records.

pySHACL evaluates a SPARQL-based constraint (``sh:sparql``) once per focus node and re-parses
the query each time with rdflib's parser: on the twin-town file that is hours. So the batch is
validated in two halves that together are the shapes' full meaning:
1. pySHACL (inference none, in memory) with the shapes minus their ``sh:sparql`` constraints;
2. each ``sh:sparql`` constraint's ``SELECT`` evaluated once over the whole data graph by
   Oxigraph with ``$this`` left free, keeping the rows whose ``$this`` is a focus node of the
   shape (an instance of its ``sh:targetClass``). For the pattern queries of
   ``ontology/shapes.ttl`` this gives exactly the per-node results.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from graph.namespaces import PREFIXES
from graph.paths import ontology_dir
from graph.terms import to_ox
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


def validate_batch(
    data: Graph | set[tuple[Any, Any, Any]],
    *,
    engine: str = "native",
    ox_data: Iterable[tuple[Any, Any, Any]] | None = None,
) -> list[Problem]:
    """Every SHACL result for ``data`` (plus the ontology), Violations and Warnings.

    ``engine="native"`` evaluates the SHACL Core components used by ``ontology/shapes.ttl``
    in Python over indexes of the data (seconds for 10⁵ nodes); ``"pyshacl"`` runs pySHACL
    (the reference, used in tests to check the native engine agrees). ``ox_data`` is the same
    triples as pyoxigraph terms when the caller already has them (saves converting twice).
    """
    shapes, constraints = _split_shapes()
    if engine == "native" and _native_ok(shapes):
        problems = _Native(shapes, data).run()
    else:
        graph = Graph()
        for triple in ontology_graph():
            graph.add(triple)
        for triple in data:
            graph.add(triple)
        shapes_copy = Graph()
        for triple in shapes:
            shapes_copy.add(triple)
        _, results, _ = shacl_validate(
            graph, shacl_graph=shapes_copy, inference="none", advanced=True, allow_warnings=True
        )
        problems = list(_problems(results))
    if constraints:
        problems.extend(_sparql_constraints(data if ox_data is None else None, ox_data, constraints))
    return problems


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


def _native_ok(shapes: Graph) -> bool:
    used = {p for p in shapes.predicates() if str(p).startswith(str(SH))}
    paths_simple = all(isinstance(o, URIRef) for o in shapes.objects(None, SH.path))
    return used <= SUPPORTED and paths_simple


class _Native:
    """SHACL Core over an indexed data graph: targets by class (with rdfs:subClassOf), simple paths."""

    def __init__(self, shapes: Graph, data: Graph | set[tuple[Any, Any, Any]]) -> None:
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


@cache
def _ontology_subclass_quads() -> tuple[ox.Quad, ...]:
    """``rdfs:subClassOf`` of the ontology, so a constraint's targets include subclass instances."""
    return tuple(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph())  # type: ignore[arg-type]
        for s, p, o in ontology_graph().triples((None, RDFS.subClassOf, None))
    )


_VARIABLE_PREDICATE = re.compile(r"[?$]\w+\s+[?$]\w+\s+[?$]\w+")


@cache
def _predicates_named(select: str) -> frozenset[str] | None:
    """The predicate IRIs a constraint query names (``prefix:local`` or ``<iri>``), or ``None``
    when it may match any predicate (a variable in predicate position)."""
    if _VARIABLE_PREDICATE.search(select):
        return None
    out = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/2000/01/rdf-schema#subClassOf"}
    out.update(re.findall(r"<([^<>\s]+)>", select))
    for prefix, local in re.findall(r"\b([A-Za-z][\w-]*):([A-Za-z_][\w-]*)", select):
        if prefix in PREFIXES:
            out.add(PREFIXES[prefix] + local)
    return frozenset(out)


def _constraint_predicates(selects: list[str]) -> set[str] | None:
    """Only the triples whose predicate some constraint names can matter to the constraints: the
    Oxigraph store for them holds just those (a quarter of a twin-town batch)."""
    wanted: set[str] = set()
    for select in selects:
        named = _predicates_named(select)
        if named is None:
            return None
        wanted |= named
    return wanted


_FOCUS_QUERY = "SELECT DISTINCT ?this WHERE {{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{target}> }}"


def _sparql_constraints(
    data: Graph | set[tuple[Any, Any, Any]] | None,
    ox_data: Iterable[tuple[Any, Any, Any]] | None,
    constraints: list[tuple[str, str, str]],
) -> list[Problem]:
    """Each constraint's SELECT once over all the data, keeping the rows of its shape's targets."""
    triples = ox_data if ox_data is not None else [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in data or ()]
    wanted = _constraint_predicates([select for _, select, _ in constraints])
    default = ox.DefaultGraph()
    store = ox.Store()
    if wanted is None:
        store.extend(ox.Quad(s, p, o, default) for s, p, o in triples)  # type: ignore[arg-type]
    else:
        store.extend(
            ox.Quad(s, p, o, default)  # type: ignore[arg-type]
            for s, p, o in triples
            if p.value in wanted  # type: ignore[union-attr]
        )
    store.extend(_ontology_subclass_quads())
    header = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    out: list[Problem] = []
    focus_of: dict[str, set[str]] = {}
    for target, select, message in constraints:
        if target not in focus_of:
            answer = store.query(_FOCUS_QUERY.format(target=target))
            focus_of[target] = {row["this"].value for row in answer}  # type: ignore[union-attr, index]
        focus = focus_of[target]
        if not focus:
            continue
        query = header + select.replace("$this", "?this")
        solutions = store.query(query)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            this = solution["this"]
            if this is None or this.value not in focus:
                continue
            value = solution["value"] if "value" in names else None
            out.append(
                Problem(
                    focus=this.value,
                    path=None,
                    value=value.value if value is not None else None,
                    message=message,
                    severity="Violation",
                    shape=target,
                )
            )
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
