"""The ``sh:sparql`` constraints of the shapes, each evaluated once over a whole batch.

pySHACL evaluates a SPARQL-based constraint once per focus node and re-parses the query each
time: on the twin-town file that is hours. Here each constraint's ``SELECT`` runs once over the
batch in an in-memory Oxigraph store with ``$this`` left free, and only the rows whose ``$this``
is a focus node of the shape (an instance of its ``sh:targetClass``) are kept. For the pattern
queries of ``ontology/shapes.ttl`` this gives exactly the per-node results.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox

from graph.ingest.shacl_core import ontology_triples
from graph.namespaces import PREFIXES
from graph.validate import Problem


@cache
def _ontology_subclass_quads() -> tuple[ox.Quad, ...]:
    """``rdfs:subClassOf`` of the ontology, so a constraint's targets include subclass instances."""
    subclass_of = ox.NamedNode(_SUBCLASS_OF)
    return tuple(ox.Quad(t.subject, t.predicate, t.object) for t in ontology_triples() if t.predicate == subclass_of)


_VARIABLE_PREDICATE = re.compile(r"[?$]\w+\s+[?$]\w+\s+[?$]\w+")
_A = re.compile(r"(?<![\w:?$<\"'])a(?![\w:>-])")
"""The keyword ``a`` (or anything that looks like it: then ``rdf:type`` is kept, to be safe)."""
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


@cache
def _predicates_named(select: str) -> frozenset[str] | None:
    """The predicate IRIs a constraint query names (``prefix:local`` or ``<iri>``), or ``None``
    when it may match any predicate (a variable in predicate position)."""
    if _VARIABLE_PREDICATE.search(select):
        return None
    out = {_SUBCLASS_OF}
    if _A.search(select):
        out.add(_RDF_TYPE)
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


def sparql_constraints(
    triples: Iterable[tuple[Any, Any, Any]],
    constraints: list[tuple[str, str, str]],
) -> list[Problem]:
    """Each constraint's SELECT once over all the data (pyoxigraph terms), keeping the rows of
    its shape's targets."""
    wanted = _constraint_predicates([select for _, select, _ in constraints])
    named = None if wanted is None else {ox.NamedNode(iri) for iri in wanted}  # compared natively
    rdf_type, subclass_of = ox.NamedNode(_RDF_TYPE), ox.NamedNode(_SUBCLASS_OF)
    default = ox.DefaultGraph()
    quads: list[ox.Quad] = []
    typed: list[tuple[Any, Any]] = []
    sub: dict[Any, set[Any]] = defaultdict(set)
    for q in _ontology_subclass_quads():
        sub[q.subject].add(q.object)
    for s, p, o in triples:
        if p == rdf_type:
            typed.append((s, o))
        elif p == subclass_of:
            sub[s].add(o)
        if named is None or p in named:
            quads.append(ox.Quad(s, p, o, default))
    store = ox.Store()
    store.extend(quads)
    store.extend(_ontology_subclass_quads())
    focus_of = _focus(typed, sub, {ox.NamedNode(target) for target, _, _ in constraints})
    header = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    out: list[Problem] = []
    for target, select, message in constraints:
        focus = focus_of.get(target, set())
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


def _focus(typed: list[tuple[Any, Any]], sub: dict[Any, set[Any]], targets: set[ox.NamedNode]) -> dict[str, set[str]]:
    """Target class IRI → its instances (with ``rdfs:subClassOf``), as the shape's focus nodes:
    what ``?this a/rdfs:subClassOf* <target>`` would answer, without querying for it."""
    supers: dict[Any, set[Any]] = {}

    def targets_of(cls: Any) -> set[Any]:
        found = supers.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for sup in sub.get(todo.pop(), ()):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            found = supers[cls] = seen & targets
        return found

    out: dict[str, set[str]] = defaultdict(set)
    for node, cls in typed:
        for target in targets_of(cls):
            out[target.value].add(node.value)
    return out
