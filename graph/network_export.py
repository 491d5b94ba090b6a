"""Network exports: GraphML and GEXF (Gephi, Cytoscape, yEd) and CSV edge lists.

GraphML and GEXF hold only scalar attributes of one type per key, and no missing values:
:func:`exportable` prepares a copy of a projection for them — ``None`` dropped, lists joined
with ``|``, numbers as Python ``int``/``float``. GEXF nodes also get a ``viz`` position
(x = longitude, y = latitude) so Gephi opens the network drawn as a map.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import networkx as nx

__all__ = ["FORMATS", "LIST_SEPARATOR", "MEDIA_TYPES", "exportable", "to_bytes"]

FORMATS = ("graphml", "gexf", "csv")
MEDIA_TYPES = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "csv": "text/csv; charset=utf-8",
}
LIST_SEPARATOR = "|"
"""Joins the items of a list attribute (IRIs never contain it unescaped)."""

_CSV_COLUMNS = ("source", "target", "source_label", "target_label", "weight")


def _scalar(value: Any) -> Any:
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return LIST_SEPARATOR.join(str(v) for v in items)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    return {str(k): _scalar(v) for k, v in attrs.items() if v is not None and k not in ("viz", "id")}


def exportable(g: nx.Graph, *, gexf: bool = False) -> nx.Graph:
    """A copy of ``g`` that GraphML and GEXF can hold (see the module notes).

    Parameters
    ----------
    g : networkx.Graph
        A projection (any networkx graph with string node ids).
    gexf : bool, optional
        Prepare for GEXF: a ``viz`` position from ``lon``/``lat`` where both are known, and an
        explicit edge ``id`` (networkx would otherwise number edges itself and read the number
        back as an attribute). Edge ``start``/``end`` years become GEXF spells, so Gephi's
        timeline plays the partnerships.

    Returns
    -------
    networkx.Graph
        Same class as ``g``; the input is left unchanged.
    """
    out = g.__class__()
    out.graph.update(_clean(g.graph))
    nodes = []
    for n, d in g.nodes(data=True):
        attrs = _clean(d)
        if gexf and isinstance(d.get("lat"), float | int) and isinstance(d.get("lon"), float | int):
            attrs["viz"] = {"position": {"x": float(d["lon"]), "y": float(d["lat"]), "z": 0.0}}
        nodes.append((str(n), attrs))
    out.add_nodes_from(nodes)
    out.add_edges_from(
        (str(a), str(b), {**_clean(d), "id": f"e{i}"} if gexf else _clean(d))
        for i, (a, b, d) in enumerate(g.edges(data=True))
    )
    return out


def to_bytes(g: nx.Graph, fmt: str) -> bytes:
    """``g`` serialised as ``fmt`` (one of :data:`FORMATS`).

    Raises
    ------
    ValueError
        For an unknown format.
    """
    if fmt == "graphml":
        buffer = io.BytesIO()
        nx.write_graphml(exportable(g), buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()
    if fmt == "gexf":
        buffer = io.BytesIO()
        nx.write_gexf(exportable(g, gexf=True), buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()
    if fmt == "csv":
        return _csv(g).encode("utf-8")
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _csv(g: nx.Graph) -> str:
    """One row per edge: ends, their labels, weight, then every other edge attribute."""
    extra = sorted({k for _, _, d in g.edges(data=True) for k in d} - set(_CSV_COLUMNS))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([*_CSV_COLUMNS, *extra])
    for a, b, d in g.edges(data=True):
        clean = _clean(d)
        writer.writerow(
            [
                a,
                b,
                g.nodes[a].get("label", ""),
                g.nodes[b].get("label", ""),
                clean.get("weight", 1),
                *(clean.get(k, "") for k in extra),
            ]
        )
    return text.getvalue()
