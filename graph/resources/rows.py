"""Named SELECT queries answered as pyoxigraph terms, the form the resource views shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graph.results import Solutions
from graph.store import Store


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
