"""Bench: each network analysis on a synthetic authority graph at 1× and 10× the Atlas.

The Atlas holds about 4,800 French authorities, 9,900 foreign partner authorities in 140
countries and 12,700 projects (domain notes): the 1× graph has ~14,700 nodes and ~12,700 edges,
with a heavy-tailed French side (a few authorities with dozens of partners, most with one or
two) and foreign partners mostly linked once. :func:`time_analyses` times each analysis of
:mod:`graph.network` on a graph (wall time, then peak memory in a second pass under
``tracemalloc``, which slows Python down and would distort the times).

The harness (``coopgraph bench``) calls :func:`run` with the folder of the store it loaded: the
store is read through the ``net_*`` queries (:func:`graph.projections.fetch`), projected into
the authority graph the CLI and API analyse, and every analysis is timed on that projection, so
the figures are those of the real data path rather than of a synthetic graph.

    .venv/bin/python -m bench.bench_network            # synthetic graphs at 1× and 10×
    .venv/bin/python -m bench.bench_network --scale 1  # 1× only
    .venv/bin/python -m bench.bench_network --store DIR  # a loaded store's projection
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from graph import network, network_export
from graph import projections as proj

FRENCH, FOREIGN, EDGES, COUNTRIES = 4_800, 9_900, 12_700, 140
KINDS = ("commune", "commune", "commune", "departement", "region", "intercommunalite")


def synthetic_authority_graph(scale: float = 1.0, seed: int = 0) -> nx.Graph:
    """An Atlas-shaped authority graph: ``scale`` × (14,700 nodes, 12,700 edges).

    Built from node and edge lists in one call each, attributes as the projection sets them.
    """
    rng = random.Random(seed)
    n_fr, n_foreign, n_edges = int(FRENCH * scale), int(FOREIGN * scale), int(EDGES * scale)
    countries = [f"C{i:03d}" for i in range(COUNTRIES)]
    country_weights = [1 / (i + 1) ** 0.8 for i in range(COUNTRIES)]
    french = [f"https://w3id.org/coopgraph/id/authority/fr/a{i}" for i in range(n_fr)]
    foreign = [f"https://w3id.org/coopgraph/id/authority/xx/b{i}" for i in range(n_foreign)]
    activity = [rng.paretovariate(1.3) for _ in french]
    nodes: list[tuple[str, dict[str, Any]]] = []
    for iri in french:
        nodes.append(
            (
                iri,
                {
                    "label": iri[-8:],
                    "country": "FR",
                    "kind": rng.choice(KINDS),
                    "lat": rng.uniform(42, 51),
                    "lon": rng.uniform(-4, 8),
                },
            )
        )
    foreign_country = rng.choices(countries, country_weights, k=n_foreign)
    for iri, country in zip(foreign, foreign_country, strict=True):
        nodes.append(
            (
                iri,
                {
                    "label": iri[-8:],
                    "country": country,
                    "kind": "foreign-local-government",
                    "lat": rng.uniform(-40, 60),
                    "lon": rng.uniform(-120, 140),
                },
            )
        )
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    ends = rng.choices(french, activity, k=n_edges * 2)
    unused = foreign[:]
    rng.shuffle(unused)
    for i in range(n_edges * 2):
        if len(edges) >= n_edges:
            break
        a = ends[i]
        r = rng.random()
        if r < 0.05:
            b = rng.choices(french, activity)[0]
        elif unused and r < 0.75:
            b = unused.pop()
        else:
            b = rng.choice(foreign)
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        d = edges.setdefault(key, {"weight": 0, "partnerships": [], "projects": [], "start": rng.randint(1980, 2020)})
        d["weight"] += 1
        d["partnerships"].append(f"https://w3id.org/coopgraph/id/partnership/p{i}")
    g = nx.Graph(projection="synthetic")
    g.add_nodes_from(nodes)
    g.add_edges_from((a, b, d) for (a, b), d in edges.items())
    return g


def analyses(g: nx.Graph, seed: int = 0) -> dict[str, Callable[[], Any]]:
    """Each analysis as a thunk, on ``g`` with default options (sampling above 2,000 nodes).

    The path and ego analyses start from the busiest node of the largest component (and go to
    the node farthest from it): the worst case the API meets. A graph without edges has no
    path or ego to time, so those two are left out.
    """
    thunks: dict[str, Callable[[], Any]] = {
        "summary": lambda: network.summary(g),
        "degree": lambda: network.degree(g),
        "betweenness (sampled)": lambda: network.betweenness(g, seed=seed),
        "eigenvector": lambda: network.eigenvector(g),
        "closeness (top-k)": lambda: network.closeness(g),
        "louvain": lambda: network.communities(g, seed=seed),
        "brokerage": lambda: network.brokerage(g),
    }
    if g.number_of_edges():
        largest = max(nx.connected_components(g), key=len)
        hub = max(largest, key=g.degree)
        far = max(nx.single_source_shortest_path_length(g, hub).items(), key=lambda vd: vd[1])[0]
        thunks["shortest path"] = lambda: network.shortest_path(g, hub, far)
        thunks["ego r=2"] = lambda: network.ego(g, hub, 2)
    thunks["export graphml"] = lambda: network_export.to_bytes(g, "graphml")
    thunks["export gexf"] = lambda: network_export.to_bytes(g, "gexf")
    return thunks


def time_analyses(
    graph: nx.Graph, *, seed: int = 0, memory: bool = True, only: list[str] | None = None, verbose: bool = False
) -> dict[str, dict[str, float]]:
    """Seconds (and peak MiB under tracemalloc, when ``memory``) of each analysis on ``graph``."""
    results: dict[str, dict[str, float]] = {}
    for name, thunk in analyses(graph, seed).items():
        if only and name not in only:
            continue
        results[name] = _timed(thunk, memory)
        if verbose:
            print(f"  {name:24} {results[name]}", flush=True)
    return results


def _timed(thunk: Callable[[], Any], memory: bool) -> dict[str, float]:
    """Wall seconds of one call; with ``memory``, a second call's peak MiB under tracemalloc."""
    gc.collect()
    start = time.perf_counter()
    thunk()
    figures = {"seconds": round(time.perf_counter() - start, 4)}
    if memory:
        gc.collect()
        tracemalloc.start()
        try:
            thunk()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        figures["peak_mib"] = round(peak / 2**20, 1)
    return figures


def run(store_dir: Path, *, seed: int = 0, memory: bool = True, base: str | None = None) -> dict[str, Any]:
    """The network analyses on the authority projection of the store at ``store_dir``.

    Reports the time to read the projection tables (the seven ``net_*`` queries), to build the
    authority graph from them, its size, and each analysis of :func:`analyses` on it. The store
    is opened read-only, so a server may hold it at the same time.
    """
    from graph.namespaces import DEFAULT_BASE
    from graph.store import open_store

    store = open_store(str(store_dir), base=base or DEFAULT_BASE, read_only=True)
    try:
        gc.collect()
        started = time.perf_counter()
        data = proj.fetch(store)
        fetch_s = time.perf_counter() - started
    finally:
        store.close()
    started = time.perf_counter()
    g = proj.authority_graph(data)
    build_s = time.perf_counter() - started
    return {
        "projection": "authority",
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "fetch_s": round(fetch_s, 3),
        "build_s": round(build_s, 3),
        "analyses": time_analyses(g, seed=seed, memory=memory),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, action="append", help="Scale(s) of the Atlas (default 1 and 10).")
    parser.add_argument("--store", type=Path, help="Time the authority projection of this loaded store instead.")
    parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc pass.")
    parser.add_argument("--only", action="append", help="Run only this analysis (repeatable).")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    if args.store:
        report[str(args.store.name)] = run(args.store, memory=not args.no_memory)
    for scale in [] if args.store else args.scale or [1.0, 10.0]:
        start = time.perf_counter()
        g = synthetic_authority_graph(scale)
        built = time.perf_counter() - start
        if not args.json:
            print(f"{scale:g}x: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges", flush=True)
        report[f"{scale:g}x"] = {
            "nodes": g.number_of_nodes(),
            "edges": g.number_of_edges(),
            "build_s": round(built, 3),
            "analyses": time_analyses(g, memory=not args.no_memory, only=args.only, verbose=not args.json),
        }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for label, data in report.items():
        print(f"{label}: {data['nodes']} nodes, {data['edges']} edges (built in {data['build_s']} s)")
        for name, r in data["analyses"].items():
            mem = f"{r['peak_mib']:>8.1f} MiB" if "peak_mib" in r else ""
            print(f"  {name:24} {r['seconds']:>8.3f} s {mem}")


if __name__ == "__main__":
    main()
