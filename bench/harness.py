"""The benchmark harness: one run, every engine side by side, results as JSON and Markdown.

For one scale it generates the Atlas-shaped data (bench/generate.py), bulk-loads it into an
on-disk coopgraph store (or reuses the store a previous run loaded), and measures on the same
data: coopgraph's ``/sparql`` and REST routes (a real ``coopgraph serve``), a raw ``oxigraph
serve`` (the engine's own limit), rdflib-endpoint (the nearest peer) and rdflib in process (the
pure-Python baseline). It records load and start times, peak RSS of each server, and the median
and p95 latency of the fixed research query set (bench/queries/*.rq plus the competency-question
queries), with ratios and the targets of issue 7. The import, network and map helpers add their
own figures through ``bench/bench_import.py``, ``bench/bench_network.py`` and
``bench/bench_map.py`` when present. Every HTTP call is bounded by ``Options.http_timeout_s``;
one that runs past it is recorded as a timeout and the run goes on.

It is a measurement, not a test: it asserts nothing and never fails on a missed target.

The parts: :mod:`bench.options` (what a run measures), :mod:`bench.queryset` (queries and their
parameters), :mod:`bench.stores` (loading), :mod:`bench.engines` and :mod:`bench.rest` (the
measurements, timed by :mod:`bench.timing` through :mod:`bench.clients`), :mod:`bench.extensions`
(the other helpers), :mod:`bench.machine`, :mod:`bench.report` (comparison, targets, tables).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from bench import generate as gen
from bench.engines import bench_rdflib, bench_rdflib_endpoint, bench_servers
from bench.extensions import run_extension
from bench.machine import machine
from bench.options import Options
from bench.queryset import bind, parameter_values, query_set
from bench.report import compare, table, targets
from bench.stores import coopgraph_store, export_union, load_oxigraph_store

__all__ = ["RESULTS_DIR", "Options", "run", "table"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def run(options: Options) -> dict[str, Any]:
    """Measure everything for ``options``; write and return the results."""
    log = options.log
    workdir = options.workdir or Path(os.environ.get("COOPGRAPH_BENCH_DIR", "/tmp/coopgraph-bench"))
    workdir.mkdir(parents=True, exist_ok=True)
    tag = f"{options.scale:g}x-s{options.seed}".replace(".", "_")
    today = dt.date.today().isoformat()
    results: dict[str, Any] = {
        "date": today,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "scale": options.scale,
        "seed": options.seed,
        "repetitions": options.repetitions,
        "http_timeout_s": options.http_timeout_s,
        "machine": machine(),
        "engines": list(options.active()),
        "load_average_at_start": list(os.getloadavg()),
    }
    log(f"bench: scale {options.scale:g}×, seed {options.seed}, work in {workdir}")

    def generated() -> gen.Generated:
        t = time.perf_counter()
        data = gen.write_all(workdir / "data", options.scale, options.seed, options.base)
        results["data"] = data.as_dict() | {"write_s": round(time.perf_counter() - t, 2)}
        log(f"  data: {data.counts}, {data.quads} quads")
        return data

    coop_dir = workdir / f"store-coopgraph-{tag}"
    loaded, data = coopgraph_store(coop_dir, generated, options.base, reuse=options.reuse_store)
    results["load"] = {"coopgraph": loaded}
    if data is None:
        results["data"] = _reused_data(loaded)
        log(f"  coopgraph store {coop_dir} reused as loaded before: {results['data']}")
    else:
        log(f"  coopgraph store: {loaded}")
    union = workdir / f"union-{tag}.nq"
    active = options.active()
    needs_union = bool({"oxigraph", "rdflib_endpoint", "rdflib"} & set(active))
    if needs_union and (not union.exists() or loaded.get("reused") is not True):
        results["load"]["union_quads"] = export_union(coop_dir, union)
    values = parameter_values(coop_dir, options.base)
    queries = query_set(options.competency_questions)
    texts = {q.name: bind(q, values) for q in queries}
    results["queries"] = {
        q.name: {"origin": q.origin, "params": {p: str(values[p]) for p in q.params if p in values}} for q in queries
    }
    results["parameters"] = {k: str(v) for k, v in values.items()}
    engines: dict[str, Any] = {}
    ox_dir = None
    if "oxigraph" in active:
        ox_dir = workdir / f"store-oxigraph-{tag}"
        results["load"]["oxigraph"] = load_oxigraph_store(ox_dir, union)
    engines.update(bench_servers(coop_dir if "coopgraph" in active else None, ox_dir, texts, options, values))
    if "rdflib_endpoint" in active:
        try:
            engines["rdflib_endpoint"] = bench_rdflib_endpoint(union, texts, options)
        except Exception as err:
            engines["rdflib_endpoint"] = {"error": f"{type(err).__name__}: {err}"}
    if "rdflib" in active:
        engines["rdflib"] = bench_rdflib(union, texts, options)
    results["engines"] = engines

    if options.extensions:
        pool: dict[str, Any] = {
            "scale": options.scale,
            "seed": options.seed,
            "base": options.base,
            "repetitions": options.repetitions,
            "workdir": workdir,
            "log": log,
        }
        if data is not None:
            pool |= {"csv": data.csv, "csv_path": data.csv, "path": data.csv, "nquads": data.nquads}
            pool |= {"turtle": data.turtle, "generated": data}
        results["import"] = run_extension(
            "bench_import",
            pool | {"store": str(workdir / f"store-import-{tag}"), "location": str(workdir / f"store-import-{tag}")},
            options,
        )
        shutil.rmtree(workdir / f"store-import-{tag}", ignore_errors=True)
        for name in ("bench_network", "bench_map"):
            results[name.removeprefix("bench_")] = run_extension(
                name, pool | {"store": str(coop_dir), "location": str(coop_dir), "store_dir": coop_dir}, options
            )
    results["comparison"] = compare(results)
    results["targets"] = targets(results)
    results["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    results["load_average_at_end"] = list(os.getloadavg())
    output = options.output or RESULTS_DIR / f"{today}-{options.scale:g}x.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    results["output"] = str(output)
    log(f"bench: wrote {output}")
    return results


def _reused_data(loaded: dict[str, Any]) -> dict[str, Any]:
    """What is known of the data in a reused store: its marker's batch, size and generator."""
    known: dict[str, Any] = {k: loaded[k] for k in ("batch_id", "quads", "counts", "generator") if k in loaded}
    if known.get("generator") != gen.GENERATOR_VERSION:
        known["note"] = (
            f"loaded by generator version {known.get('generator', 'unknown (before v5)')}, current is "
            f"{gen.GENERATOR_VERSION}: delete the store folder (or set Options.reuse_store=False) to reload"
        )
    return known | {"reused_store": True}
