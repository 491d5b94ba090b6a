"""Rankings of a measure's values, as reproducible JSON-ready rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import networkx as nx

from graph.network.nodes import describe

T = TypeVar("T")


def top_k(values: Mapping[T, float | None], k: int | None = 10, *, reverse: bool = True) -> list[tuple[T, float]]:
    """The ``k`` best (node, value) pairs, highest first (lowest first with ``reverse=False``).

    ``None`` values are left out; ties are broken by node so the order is reproducible.
    """
    scored = [(v, x) for v, x in values.items() if x is not None]
    scored.sort(key=lambda vx: (-vx[1] if reverse else vx[1], str(vx[0])))
    return scored if k is None else scored[:k]


def ranked(
    g: nx.Graph, values: Mapping[Any, float | None], k: int | None = 10, *, reverse: bool = True
) -> list[dict[str, Any]]:
    """:func:`top_k` as JSON-ready rows: ``id``, ``label``, ``country``, ``kind``, ``value``."""
    return [{**describe(g, v), "value": x} for v, x in top_k(values, k, reverse=reverse)]
