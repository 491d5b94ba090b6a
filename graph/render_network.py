"""The network view: authorities joined by their partnerships, as a pyvis page built offline.

pyvis's ``from_nx`` mutates its input and, like ``add_node``/``add_edge``, scans lists on every
call (quadratic); here the node and edge lists are built once and handed to a
``pyvis.network.Network`` directly. The page is our own template (pyvis's pulls Bootstrap and
tom-select from CDNs and does not escape node ids): vis-network is inlined from the vendored
file, tooltips are built as text nodes, and the select and filter menus are plain ``<select>``
elements. Past ``max_nodes`` nodes the view is aggregated to countries rather than freezing
the browser.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.network.louvain import louvain_communities
from graph.render_assets import asset, render_template
from graph.render_filters import NO_FILTERS, Filters, select
from graph.render_index import MapIndex, Partnership, map_index
from graph.store import Store

if TYPE_CHECKING:  # pyvis (and IPython behind it) costs ~0.25 s to import: loaded when a page is drawn
    from pyvis.network import Network

MAX_NODES = 1500
"""Above this many authorities the view shows countries instead."""
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
]  # fmt: skip
COLOUR_BY = ("country", "community")
SIZE_BY = ("degree", "betweenness")


def authority_graph(index: MapIndex, selected: list[Partnership]) -> nx.Graph:
    """Authorities as nodes, one edge per pair of partners with the number of partnerships as weight."""
    graph = nx.Graph()
    for p in selected:
        for a, b in p.pairs():
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += 1
            else:
                graph.add_edge(a, b, weight=1)
    return graph


def network_data(
    store: Store,
    filters: Filters = NO_FILTERS,
    *,
    ego: str | None = None,
    radius: int = 1,
    colour_by: str = "country",
    size_by: str = "degree",
    lang: str = "fr",
    max_nodes: int = MAX_NODES,
) -> dict[str, Any]:
    """Nodes and edges of the network view (plain dicts, vis-network's shape)."""
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour: expected one of {', '.join(COLOUR_BY)}, got {colour_by!r}")
    if size_by not in SIZE_BY:
        raise ValueError(f"size: expected one of {', '.join(SIZE_BY)}, got {size_by!r}")
    index = map_index(store)
    graph = authority_graph(index, select(index, filters))
    if ego is not None:
        if ego in index.places and ego not in graph:
            ego_nodes = [a.iri for a in index.authorities.values() if a.place == ego and a.iri in graph]
        else:
            ego_nodes = [ego] if ego in graph else []
        if not ego_nodes:
            raise KeyError(ego)
        keep: set[str] = set()
        for node in ego_nodes:
            keep |= set(nx.ego_graph(graph, node, radius=max(0, radius)).nodes)
        graph = graph.subgraph(keep).copy()
    if graph.number_of_nodes() > max_nodes:
        return _country_network(index, graph, lang)
    return _authority_network(index, graph, colour_by, size_by, lang, ego)


def _authority_network(
    index: MapIndex, graph: nx.Graph, colour_by: str, size_by: str, lang: str, ego: str | None
) -> dict[str, Any]:
    if size_by == "betweenness" and graph.number_of_nodes() > 2:
        k = min(graph.number_of_nodes(), 300)
        score = nx.betweenness_centrality(graph, k=k if k < graph.number_of_nodes() else None, seed=0)
        top = max(score.values()) or 1.0
        size = {n: 8 + 32 * score[n] / top for n in graph}
    else:
        degree = dict(graph.degree())
        top_degree = max(degree.values(), default=1) or 1
        size = {n: 8 + 32 * (degree[n] / top_degree) ** 0.5 for n in graph}
    groups: dict[str, str] = {}
    if colour_by == "community" and graph.number_of_edges():
        communities = louvain_communities(graph, seed=0)
        for i, members in enumerate(sorted(communities, key=lambda c: (-len(c), sorted(c)[0]))):
            for member in members:
                groups[member] = f"{i + 1}"
    nodes = []
    for node in sorted(graph):
        place = index.place_of(node)
        auth = index.authorities.get(node)
        country = place.iso if place and place.iso else "?"
        group = groups.get(node, "") if colour_by == "community" else country
        nodes.append(
            {
                "id": node,
                "label": index.name(node, lang),
                "title": [
                    index.name(node, lang),
                    index.name(place.iri, lang) + f" ({country})" if place else country,
                    f"{graph.degree(node)}",
                ],
                "group": group,
                "country": country,
                "kind": auth.kind if auth and auth.kind else "",
                "size": round(size[node], 1),
                "shape": "dot",
                "borderWidth": 3 if node == ego else 1,
            }
        )
    edges = [
        {"from": a, "to": b, "value": d["weight"], "title": [f"{d['weight']}"]} for a, b, d in graph.edges(data=True)
    ]
    return {"level": "authority", "nodes": nodes, "edges": edges, "authorities": graph.number_of_nodes()}


def _country_network(index: MapIndex, graph: nx.Graph, lang: str) -> dict[str, Any]:
    country_of = {}
    names: dict[str, str] = {}
    for node in graph:
        place = index.place_of(node)
        iso = place.iso if place and place.iso else "?"
        country_of[node] = iso
        if place and place.country:
            names.setdefault(iso, index.name(place.country, lang))
    members = Counter(country_of.values())
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for a, b, d in graph.edges(data=True):
        ca, cb = sorted((country_of[a], country_of[b]))
        if ca != cb:
            weights[(ca, cb)] += d["weight"]
    top = max(members.values(), default=1)
    nodes = [
        {
            "id": iso,
            "label": names.get(iso, iso),
            "title": [names.get(iso, iso), f"{count}"],
            "group": iso,
            "country": iso,
            "kind": "",
            "size": round(10 + 40 * (count / top) ** 0.5, 1),
            "shape": "dot",
            "borderWidth": 1,
        }
        for iso, count in sorted(members.items())
    ]
    edges = [{"from": a, "to": b, "value": w, "title": [f"{w}"]} for (a, b), w in sorted(weights.items())]
    return {"level": "country", "nodes": nodes, "edges": edges, "authorities": graph.number_of_nodes()}


def pyvis_network(data: dict[str, Any]) -> Network:
    """A pyvis ``Network`` holding ``data``'s nodes and edges, set in one pass (no per-call scans)."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", select_menu=True, filter_menu=True, cdn_resources="in_line")
    net.nodes = [dict(node) for node in data["nodes"]]
    net.node_ids = [node["id"] for node in data["nodes"]]
    net.node_map = {node["id"]: node for node in net.nodes}
    net.edges = [dict(edge) for edge in data["edges"]]
    many = len(net.nodes) > 300
    options = {
        "physics": {
            "solver": "forceAtlas2Based",
            "stabilization": {"iterations": 80 if many else 200},
            "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 80},
        },
        "nodes": {"font": {"size": 12}},
        "edges": {"color": {"opacity": 0.5}, "smooth": False},
        "interaction": {"hover": True, "tooltipDelay": 120},
    }
    net.set_options(json.dumps(options))
    return net


def network_page(
    data: dict[str, Any], *, lang: str = "fr", heading: str = "", links: bool = True, nonce: str = ""
) -> str:
    """A self-contained HTML page of the network (vis-network and data inlined; nothing fetched).

    ``nonce`` marks its inline scripts for a Content-Security-Policy that allows no other inline script."""
    net = pyvis_network(data)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return render_template(
        "network.html",
        nodes=nodes,
        edges=edges,
        options=options,
        level=data["level"],
        authorities=data["authorities"],
        heading=heading,
        lang=lang,
        links=links,
        vis_js=asset("vendor/vis-network/standalone/umd/vis-network.min.js"),
        select_menu=net.select_menu,
        filter_menu=net.filter_menu,
        nonce=nonce,
    )
