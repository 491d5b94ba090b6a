"""A node of a projection as plain data, the same everywhere an analysis names one."""

from __future__ import annotations

from typing import Any

import networkx as nx


def describe(g: nx.Graph, v: Any) -> dict[str, Any]:
    """A node as JSON-ready data: ``id`` and, when known, ``label``, ``country``, ``kind``."""
    d = g.nodes[v]
    row = {"id": v, "label": d.get("label"), "country": d.get("country"), "kind": d.get("kind")}
    return {key: value for key, value in row.items() if value is not None}
