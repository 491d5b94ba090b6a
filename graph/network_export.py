"""Network exports: GraphML and GEXF (Gephi, Cytoscape, yEd) and CSV edge lists.

GraphML and GEXF hold only scalar attributes of one type per key, and no missing values:
``None`` dropped, lists joined with ``|``, numbers as Python ``int``/``float``. GEXF nodes also
get a ``viz`` position (x = longitude, y = latitude) so Gephi opens the network drawn as a map.

:func:`stream` writes the document in chunks while walking the projection, without copying it
(a 147,000-node network would otherwise be held three times: the projection, its copy and the
XML tree): the document networkx writes for :func:`exportable` (``write_graphml`` /
``write_gexf``), the same keys, attributes and values, read back the same by
``networkx.read_graphml`` / ``read_gexf``. The declarations come before the nodes in both
formats, so the attributes are looked over once before writing (their names and types only).
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx

__all__ = ["CHUNK_SIZE", "FORMATS", "LIST_SEPARATOR", "MEDIA_TYPES", "exportable", "stream", "to_bytes"]

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


def _clean(attrs: dict[Any, Any]) -> dict[str, Any]:
    return {str(k): _scalar(v) for k, v in attrs.items() if v is not None and k not in ("viz", "id")}


def exportable(g: nx.Graph, *, gexf: bool = False) -> nx.Graph:
    """A copy of ``g`` that GraphML and GEXF can hold (see the module notes): what
    :func:`stream` writes, as a graph (for tests and small graphs; :func:`stream` does not copy).

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


CHUNK_SIZE = 1 << 18
"""Characters of text gathered before a chunk is handed out."""


def stream(g: nx.Graph, fmt: str, *, chunk_size: int | None = None) -> Iterator[bytes]:
    """``g`` serialised as ``fmt`` (one of :data:`FORMATS`), in UTF-8 chunks of about
    ``chunk_size`` characters (default :data:`CHUNK_SIZE`). ``g`` must not change while the
    chunks are read.

    Raises
    ------
    ValueError
        For an unknown format (at the call, before any chunk).
    """
    size = CHUNK_SIZE if chunk_size is None else chunk_size
    if fmt == "graphml":
        parts: Iterator[str] = _graphml(g)
    elif fmt == "gexf":
        parts = _gexf(g)
    elif fmt == "csv":
        parts = _csv(g, size)
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return _chunked(parts, size)


def to_bytes(g: nx.Graph, fmt: str) -> bytes:
    """``g`` serialised as ``fmt`` (one of :data:`FORMATS`), whole (see :func:`stream`).

    Raises
    ------
    ValueError
        For an unknown format.
    """
    return b"".join(stream(g, fmt))


def _chunked(parts: Iterable[str], size: int) -> Iterator[bytes]:
    gathered: list[str] = []
    length = 0
    for part in parts:
        gathered.append(part)
        length += len(part)
        if length >= size:
            yield "".join(gathered).encode("utf-8")
            gathered, length = [], 0
    if gathered:
        yield "".join(gathered).encode("utf-8")


# -- XML ----------------------------------------------------------------------------------------
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, even escaped: written as U+FFFD."""
_ATTR = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#09;"}
)
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _legal(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


def _attr(value: Any) -> str:
    """``value`` as an XML attribute value between double quotes (newlines and tabs kept)."""
    return _legal(str(value)).translate(_ATTR)


def _text(value: Any) -> str:
    return _legal(str(value)).translate(_TEXT)


def _tag(name: str, attrs: Iterable[tuple[str, Any]], close: str = " />") -> str:
    return f"<{name}" + "".join(f' {k}="{_attr(v)}"' for k, v in attrs) + close


def _xml_type(value: Any) -> str:
    """What networkx's GraphML and GEXF writers declare for a value of this type."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


# -- GraphML ------------------------------------------------------------------------------------
_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _graph_data(g: nx.Graph) -> dict[str, Any]:
    return {k: v for k, v in _clean(g.graph).items() if k not in ("node_default", "edge_default")}


def _edges(g: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """(u, v, key or None, data) of every edge."""
    if g.is_multigraph():
        yield from g.edges(keys=True, data=True)
    else:
        for u, v, d in g.edges(data=True):
            yield u, v, None, d


def _graphml(g: nx.Graph) -> Iterator[str]:
    keys: dict[tuple[str, str, str], str] = {}  # (name, type, scope) -> id, in order of use

    def key_of(name: str, value: Any, scope: str) -> str:
        kind = _xml_type(value)
        return keys.setdefault((name, kind, scope), f"d{len(keys)}")

    graph_data = _graph_data(g)
    for k, v in graph_data.items():
        key_of(k, v, "graph")
    for _, d in g.nodes(data=True):
        for k, v in _clean(d).items():
            key_of(k, v, "node")
    for _, _, _, d in _edges(g):
        for k, v in _clean(d).items():
            key_of(k, v, "edge")

    def data(attrs: dict[str, Any], scope: str, indent: str) -> Iterator[str]:
        for k, v in attrs.items():
            yield f'{indent}<data key="{key_of(k, v, scope)}">{_text(v)}</data>\n'

    yield _GRAPHML_HEAD
    for (name, kind, scope), key_id in reversed(keys.items()):  # networkx puts each new key first
        yield "  " + _tag("key", (("id", key_id), ("for", scope), ("attr.name", name), ("attr.type", kind))) + "\n"
    edgedefault = "directed" if g.is_directed() else "undirected"
    if not graph_data and not len(g):
        yield f'  <graph edgedefault="{edgedefault}" />\n</graphml>\n'
        return
    yield f'  <graph edgedefault="{edgedefault}">\n'
    yield from data(graph_data, "graph", "    ")
    for n, d in g.nodes(data=True):
        attrs = _clean(d)
        if attrs:
            yield "    " + _tag("node", (("id", n),), ">\n")
            yield from data(attrs, "node", "      ")
            yield "    </node>\n"
        else:
            yield "    " + _tag("node", (("id", n),)) + "\n"
    for u, v, key, d in _edges(g):
        ends = [("source", u), ("target", v)] + ([("id", key)] if key is not None else [])
        attrs = _clean(d)
        if attrs:
            yield "    " + _tag("edge", ends, ">\n")
            yield from data(attrs, "edge", "      ")
            yield "    </edge>\n"
        else:
            yield "    " + _tag("edge", ends) + "\n"
    yield "  </graph>\n</graphml>\n"


# -- GEXF ---------------------------------------------------------------------------------------
_NODE_XML_ATTRS = ("label", "pid", "start", "end")
"""Node data written as attributes of ``<node>``, not as attribute values."""
_EDGE_XML_ATTRS = ("label", "weight", "type", "start", "end")


def _gexf_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    return str(value)


def _position(d: dict[Any, Any]) -> tuple[float, float] | None:
    lat, lon = d.get("lat"), d.get("lon")
    if isinstance(lat, float | int) and isinstance(lon, float | int):
        return float(lon), float(lat)
    return None


def _gexf(g: nx.Graph) -> Iterator[str]:
    # first look: the attribute declarations (title -> id, first type seen) and the time format
    declared: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    count = 0
    timeformat: str | None = None

    def declare(scope: str, attrs: dict[str, Any]) -> None:
        nonlocal count
        for k, v in attrs.items():
            if k not in declared[scope]:
                declared[scope][k] = (str(count), _xml_type(v))
                count += 1

    def times(attrs: dict[str, Any]) -> None:
        nonlocal timeformat
        for k in ("start", "end"):
            if k in attrs:
                value = attrs[k]
                timeformat = "date" if isinstance(value, str) else "double" if isinstance(value, float) else "long"

    multigraph = g.is_multigraph()
    for _, d in g.nodes(data=True):
        attrs = _clean(d)
        times(attrs)
        declare("node", {k: v for k, v in attrs.items() if k not in _NODE_XML_ATTRS})
    for _, _, key, d in _edges(g):
        attrs = _clean(d)
        if multigraph:
            attrs["networkx_key"] = _scalar(key)
        times(attrs)
        declare("edge", {k: v for k, v in attrs.items() if k not in _EDGE_XML_ATTRS})

    name = _clean(g.graph).get("name", "")
    graph_attrs = [("defaultedgetype", "directed" if g.is_directed() else "undirected")]
    graph_attrs += [("mode", "static" if timeformat is None else "dynamic"), ("name", name)]
    if timeformat is not None:
        graph_attrs.append(("timeformat", timeformat))
    yield (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<gexf xmlns:viz="http://www.gexf.net/1.2draft/viz" xmlns="http://www.gexf.net/1.2draft"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
        f'  <meta lastmodifieddate="{time.strftime("%Y-%m-%d")}">\n'
        "    <creator>coopgraph</creator>\n"
        "  </meta>\n"
    )
    yield "  " + _tag("graph", graph_attrs, ">\n")
    for scope in ("edge", "node"):  # networkx puts the class declared last first
        if declared[scope]:
            yield f'    <attributes mode="static" class="{scope}">\n'
            for title, (attr_id, kind) in declared[scope].items():
                yield "      " + _tag("attribute", (("id", attr_id), ("title", title), ("type", kind))) + "\n"
            yield "    </attributes>\n"

    def attvalues(scope: str, attrs: dict[str, Any]) -> Iterator[str]:
        if attrs:
            yield "        <attvalues>\n"
            for k, v in attrs.items():
                yield f'          <attvalue for="{declared[scope][k][0]}" value="{_attr(_gexf_value(v))}" />\n'
            yield "        </attvalues>\n"

    yield "    <nodes>\n"
    for n, d in g.nodes(data=True):
        attrs = _clean(d)
        xml_attrs: list[tuple[str, Any]] = [("id", n), ("label", attrs.pop("label", n))]
        xml_attrs += [(k, attrs.pop(k)) for k in _NODE_XML_ATTRS[1:] if k in attrs]
        position = _position(d)
        if not attrs and position is None:
            yield "      " + _tag("node", xml_attrs) + "\n"
            continue
        yield "      " + _tag("node", xml_attrs, ">\n")
        if position is not None:
            yield f'        <viz:position x="{position[0]}" y="{position[1]}" z="0.0" />\n'
        yield from attvalues("node", attrs)
        yield "      </node>\n"
    yield "    </nodes>\n"
    yield "    <edges>\n"
    for i, (u, v, key, d) in enumerate(_edges(g)):
        attrs = _clean(d)
        if multigraph:
            attrs["networkx_key"] = _scalar(key)
        xml_attrs = [("source", u), ("target", v), ("id", f"e{i}")]
        xml_attrs += [(k, attrs.pop(k)) for k in _EDGE_XML_ATTRS if k in attrs]
        if attrs:
            yield "      " + _tag("edge", xml_attrs, ">\n")
            yield from attvalues("edge", attrs)
            yield "      </edge>\n"
        else:
            yield "      " + _tag("edge", xml_attrs) + "\n"
    yield "    </edges>\n  </graph>\n</gexf>\n"


# -- CSV ----------------------------------------------------------------------------------------
def _csv(g: nx.Graph, size: int) -> Iterator[str]:
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
        if text.tell() >= size:
            yield text.getvalue()
            text.seek(0)
            text.truncate()
    yield text.getvalue()
