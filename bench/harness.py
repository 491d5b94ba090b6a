"""The benchmark harness: one run, every engine side by side, results as JSON and Markdown.

For one scale it generates the Atlas-shaped data (bench/generate.py), bulk-loads it into an
on-disk coopgraph store (or reuses the store a previous run loaded, unless ``Options.reload``),
and measures on the same data: coopgraph's ``/sparql`` and REST routes (a real ``coopgraph
serve``), a raw ``oxigraph serve`` (the engine's own limit), rdflib-endpoint (the nearest peer)
and rdflib in process (the pure-Python baseline). It records load and start times, peak RSS of
each server, and the median and p95 latency of the fixed research query set (bench/queries/*.rq
plus the competency-question queries), with ratios and the targets of issue 7. The import,
network and map helpers add their own figures through ``bench/bench_import.py``,
``bench/bench_network.py`` (the analyses on the projection of the loaded store) and
``bench/bench_map.py`` (the map data and pages, on a coopgraph server started over that store
for them). Every HTTP call is bounded by ``Options.http_timeout_s``; one that runs past it is
recorded as a timeout and the run goes on.

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
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import generate as gen
from bench.engines import NO_WARM, bench_rdflib, bench_rdflib_endpoint, bench_servers
from bench.extensions import run_extension
from bench.machine import machine
from bench.options import ENGINES, Options
from bench.queryset import SelectionError, bind, parameter_values, query_set, select
from bench.report import compare, table, targets
from bench.stores import MARKER, coopgraph_store, export_union, load_oxigraph_store
from bench.timing import MAX_ROUNDS, TIMED_BUDGET_S
from graph.allocator import preload_env

__all__ = ["ENGINES", "RESULTS_DIR", "Options", "SelectionError", "run", "table"]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def run(options: Options) -> dict[str, Any]:
    """Measure everything for ``options``; write and return the results."""
    log = options.log
    queries = select(query_set(options.competency_questions), options.queries)  # a typo fails before any work
    preload_env(options.allocator)  # as does jemalloc asked for where it is missing (AllocatorError)
    default = Path(tempfile.gettempdir()) / "coopgraph-bench"
    workdir = options.workdir or Path(os.environ.get("COOPGRAPH_BENCH_DIR") or default)
    workdir.mkdir(parents=True, exist_ok=True)
    tag = f"{options.scale:g}x-s{options.seed}".replace(".", "_")
    today = dt.date.today().isoformat()
    results: dict[str, Any] = {
        "date": today,
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "scale": options.scale,
        "seed": options.seed,
        "repetitions": options.repetitions,
        "peer_repetitions": options.peer_repetitions or options.repetitions,
        "http_timeout_s": options.http_timeout_s,
        "rounds": {"budget_s": TIMED_BUDGET_S, "max": MAX_ROUNDS},
        "allocator": options.allocator,
        "machine": machine(),
        "engines": list(options.active()),
        "load_average_at_start": list(os.getloadavg()),
    }
    if options.queries:
        results["selected_queries"] = list(options.queries)
    log(f"bench: scale {options.scale:g}×, seed {options.seed}, work in {workdir}")

    def generated() -> gen.Generated:
        t = time.perf_counter()
        data = gen.write_all(workdir / "data", options.scale, options.seed, options.base)
        record = data.as_dict()
        record.update({k: Path(record[k]).name for k in ("nquads", "turtle", "csv")})  # results are committed
        results["data"] = record | {"write_s": round(time.perf_counter() - t, 2)}
        log(f"  data: {data.counts}, {data.quads} quads")
        return data

    coop_dir = workdir / f"store-coopgraph-{tag}"
    if options.reload:
        _forget(workdir / "data", coop_dir, options)
    reuse = options.reuse_store and not options.reload
    loaded, data = coopgraph_store(coop_dir, generated, options.base, reuse=reuse)
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
        _run_extensions(results, options, workdir, tag, coop_dir, data)
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


def _forget(data_dir: Path, coop_dir: Path, options: Options) -> None:
    """Make the next steps regenerate the data and reload the store (``--reload``): the data's
    manifest and the store's marker go, so neither is taken as already done."""
    (data_dir / f"atlas-{gen.scale_tag(options.scale)}x-s{options.seed}.json").unlink(missing_ok=True)
    (coop_dir / MARKER).unlink(missing_ok=True)
    options.log(f"  --reload: the data will be generated and {coop_dir} loaded again")


def _run_extensions(
    results: dict[str, Any], options: Options, workdir: Path, tag: str, coop_dir: Path, data: gen.Generated | None
) -> None:
    """The import, network and map figures, each under its own key of ``results``.

    ``bench_import`` gets the generated files and a scratch store; ``bench_network`` the loaded
    store's folder (it reads the projection itself); ``bench_map`` the URL of a coopgraph server
    started over that store for it (cold, so its first calls show what the first visitor pays).
    """
    pool: dict[str, Any] = {
        "scale": options.scale,
        "seed": options.seed,
        "base": options.base,
        "repetitions": options.repetitions,
        "http_timeout_s": options.http_timeout_s,
        "memory": options.network_memory,
        "workdir": workdir,
        "log": options.log,
    }
    if data is not None:
        pool |= {"csv": data.csv, "csv_path": data.csv, "path": data.csv, "nquads": data.nquads}
        pool |= {"turtle": data.turtle, "generated": data}
    if options.wants_extension("import"):
        scratch = workdir / f"store-import-{tag}"
        results["import"] = run_extension(
            "bench_import", pool | {"store": str(scratch), "location": str(scratch)}, options
        )
        shutil.rmtree(scratch, ignore_errors=True)
    pool |= {"store": str(coop_dir), "location": str(coop_dir), "store_dir": coop_dir}
    if options.wants_extension("network"):
        results["network"] = run_extension("bench_network", pool, options)
    if options.wants_extension("map"):
        from graph.servers import coopgraph_server

        env = {"COOPGRAPH_QUERY_TIMEOUT": str(int(options.http_timeout_s))}
        try:
            with coopgraph_server(str(coop_dir), env=env, extra=NO_WARM) as server:
                results["map"] = run_extension("bench_map", pool | {"url": server.url}, options)
        except Exception as err:  # the server did not start: say so, and go on
            results["map"] = {"available": True, "error": f"server: {type(err).__name__}: {str(err)[:300]}"}


def _reused_data(loaded: dict[str, Any]) -> dict[str, Any]:
    """What is known of the data in a reused store: its marker's batch, size and generator."""
    known: dict[str, Any] = {k: loaded[k] for k in ("batch_id", "quads", "counts", "generator") if k in loaded}
    if known.get("generator") != gen.GENERATOR_VERSION:
        known["note"] = (
            f"loaded by generator version {known.get('generator', 'unknown (before v5)')}, current is "
            f"{gen.GENERATOR_VERSION}: run with --reload (Options.reload) to generate and load it again"
        )
    return known | {"reused_store": True}
