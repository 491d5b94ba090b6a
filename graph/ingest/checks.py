"""SHACL on an import batch, its problems turned into issues at the rows and columns that
stated them."""

from __future__ import annotations

from graph.ingest.context import touched
from graph.ingest.mapping import Plan
from graph.ingest.report import Issue
from graph.ingest.to_rdf import PREDICATE_FIELDS, Built
from graph.store import Store


def check_batch(store: Store, built: Built, the_plan: Plan | None) -> list[Issue]:
    """SHACL on the batch plus the part of the graph it touches (see :mod:`graph.ingest.context`):
    what the graph states about the nodes it merges into, and the classes of the existing nodes
    it links to."""
    from graph.ingest.validation import validate_batch

    around = touched(store, built.triples, built.merged)
    try:
        problems = validate_batch(built.triples, context=around.triples, context_types=around.types)
    except FileNotFoundError:  # no shapes yet: the ontology is still being written
        return []
    issues = []
    for problem in problems:
        focus = problem.focus.split("#", 1)[0] if problem.focus not in built.origins else problem.focus
        origins = built.origins.get(focus) or built.origins.get(problem.focus) or [focus]
        fname = PREDICATE_FIELDS.get(problem.path) if problem.path else None
        fname = fname or built.node_field.get(focus)
        column = the_plan.column_of(fname) if (the_plan and fname) else None
        severity = "error" if problem.severity == "Violation" else "warning"
        value = f" (value {problem.value})" if problem.value else ""
        for origin in origins:
            issues.append(
                Issue(
                    severity, "shacl", origin, column, f"{problem.message}{value} [{problem.focus}]", node=problem.focus
                )
            )
    return issues
