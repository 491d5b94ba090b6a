"""Named SELECT queries answered as pyoxigraph terms, the form the resource views shape."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from graph import queries
from graph.bindings import with_rows
from graph.results import Solutions
from graph.store import Store
from graph.terms import OxTerm


def solution_rows(store: Store, query: str, **bindings: Any) -> Iterator[tuple[Any, ...]]:
    """The rows of a named SELECT as tuples of pyoxigraph terms (``None`` where unbound)."""
    return _solutions(store, query, bindings).rows


def select_rows(store: Store, query: str, *, keep_unbound: bool = False, **bindings: Any) -> list[dict[str, Any]]:
    """Rows of a named SELECT as dicts of pyoxigraph terms (unbound variables left out, or
    kept as ``None`` with ``keep_unbound`` so that every column shows in the answer)."""
    result = _solutions(store, query, bindings)
    names = result.variables
    return [{n: v for n, v in zip(names, row, strict=True) if keep_unbound or v is not None} for row in result.rows]


def _solutions(store: Store, query: str, bindings: dict[str, Any]) -> Solutions:
    result = store.run(query, bindings)
    if not isinstance(result, Solutions):
        raise TypeError(f"{query} is not a SELECT query")
    return result


CHUNK = 400
"""IRIs per query of :func:`select_rows_for` (the query text grows with them)."""


def select_rows_for(
    store: Store, query: str, variable: str, iris: Iterable[str | OxTerm], *, chunk: int = CHUNK, **bindings: Any
) -> list[dict[str, Any]]:
    """Rows of a named SELECT for many IRIs (or other terms) at once: ``variable`` bound by a
    multi-row ``VALUES`` block (:func:`graph.bindings.with_rows`: values checked by pyoxigraph,
    so never query text), ``chunk`` values per query. One query for the labels of a page instead
    of one per link, and no index of the whole store."""
    todo = sorted(set(iris), key=str)
    text = queries.load(query).text
    rows: list[dict[str, Any]] = []
    for start in range(0, len(todo), chunk):
        result = _solutions(store, with_rows(text, variable, todo[start : start + chunk]), bindings)
        names = result.variables
        rows.extend({n: v for n, v in zip(names, row, strict=True) if v is not None} for row in result.rows)
    return rows
