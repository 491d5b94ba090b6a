"""The ``sh:sparql`` constraints of the shapes, each evaluated once over a whole batch.

pySHACL evaluates a SPARQL-based constraint once per focus node and re-parses the query each
time: on the twin-town file that is hours. Here each constraint's ``SELECT`` runs once over the
batch in an in-memory Oxigraph store with ``$this`` left free, and only the rows whose ``$this``
is a focus node of the shape (an instance of its ``sh:targetClass``) are kept. For the pattern
queries of ``ontology/shapes.ttl`` this gives exactly the per-node results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import RDFS

from graph.namespaces import PREFIXES
from graph.terms import to_ox
from graph.validate import Problem, ontology_graph


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


def sparql_constraints(
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
