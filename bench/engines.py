"""The engines, each over the same query set: coopgraph's ``/sparql`` and raw ``oxigraph serve``
(up together, timed interleaved), rdflib-endpoint (a subprocess) and rdflib in process."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.clients import SparqlClient
from bench.machine import peak_rss
from bench.options import Options
from bench.rest import bench_rest
from bench.timing import fmt, time_calls, time_paired
from graph.allocator import in_use, preload_env

if TYPE_CHECKING:
    from bench.peers import EndpointServer

NO_WARM = ["--no-warm"]
"""The measured servers do not warm their caches on a thread: that work would compete with the
timed queries, and the REST and map figures are meant as first (cold) and warm calls."""


def run_query_set(
    call: Callable[[str], int], texts: dict[str, str], options: Options, cap_s: float
) -> dict[str, dict[str, Any]]:
    """Each query of ``texts`` timed on one engine (for the peers, which run alone)."""
    out: dict[str, dict[str, Any]] = {}
    repetitions = options.peer_repetitions or options.repetitions
    warmup = options.peer_repetitions is None
    for name, text in texts.items():
        out[name] = time_calls(lambda text=text: call(text), repetitions, cap_s, warmup=warmup)  # type: ignore[misc]
        options.log(f"    {name:36} {fmt(out[name])}")
    return out


@dataclass
class ServerRun:
    """A started server, its SPARQL client and what its start cost."""

    name: str
    server: Any
    client: SparqlClient
    start_s: float


def bench_servers(
    coop_dir: Path | None,
    ox_dir: Path | None,
    texts: dict[str, str],
    options: Options,
    values: dict[str, Any],
) -> dict[str, Any]:
    """coopgraph's /sparql and raw ``oxigraph serve``, up together and timed interleaved; then the
    REST routes, then each server's peak RSS. coopgraph is also started twice alone on the
    existing store to time its start."""
    from graph.servers import coopgraph_server, oxigraph_server

    env = {
        "COOPGRAPH_MAX_ROWS": "100000000",
        "COOPGRAPH_QUERY_TIMEOUT": str(int(options.http_timeout_s)),
        "COOPGRAPH_ALLOCATOR": options.allocator,
    }
    out: dict[str, Any] = {}
    starts: list[float] = []
    if coop_dir is not None:
        for _ in range(2):
            t = time.perf_counter()
            with coopgraph_server(str(coop_dir), env=env, extra=NO_WARM):
                starts.append(round(time.perf_counter() - t, 3))
    with ExitStack() as stack:
        runs: list[ServerRun] = []
        coop_server = None
        if coop_dir is not None:
            t = time.perf_counter()
            server = coop_server = stack.enter_context(coopgraph_server(str(coop_dir), env=env, extra=NO_WARM))
            starts.append(round(time.perf_counter() - t, 3))
            out["coopgraph"] = {"start_s": starts}
            client = SparqlClient(server.url + "/sparql", options.http_timeout_s)
            problem = client.works()
            if problem:
                out["coopgraph"]["sparql"] = {"available": False, "why": problem}
                options.log(f"  coopgraph /sparql not available: {problem}")
            else:
                out["coopgraph"]["sparql"] = {"available": True, "queries": {}}
                runs.append(ServerRun("coopgraph", server, client, starts[-1]))
        if ox_dir is not None:
            t = time.perf_counter()
            timeout_s = max(1, int(options.http_timeout_s))
            server = stack.enter_context(
                oxigraph_server(ox_dir, timeout_s=timeout_s, env=preload_env(options.allocator))
            )
            out["oxigraph"] = {"start_s": [round(time.perf_counter() - t, 3)], "queries": {}}
            runs.append(ServerRun("oxigraph", server, SparqlClient(server.url + "/query", options.http_timeout_s), 0))
        options.log("  " + " vs ".join(r.name for r in runs) + " (interleaved)")
        for name, text in texts.items():
            timed = time_paired(
                {r.name: partial(r.client, text) for r in runs}, options.repetitions, options.http_timeout_s
            )
            for engine, figures in timed.items():
                target = out[engine]["sparql"] if engine == "coopgraph" else out[engine]
                target["queries"][name] = figures
            options.log(f"    {name:30} " + " | ".join(f"{e}: {fmt(f)}" for e, f in timed.items()))
        for run_ in runs:
            run_.client.close()
        if coop_server is not None:
            out["coopgraph"]["peak_rss_bytes_after_queries"] = peak_rss(coop_server.process.pid)
        if coop_server is not None and options.rest:
            out["coopgraph"]["rest"] = bench_rest(coop_server.url, options, values, coop_server.process.pid)
        for run_ in runs:
            out[run_.name]["peak_rss_bytes"] = peak_rss(run_.server.process.pid)
            out[run_.name]["allocator"] = in_use(run_.server.process.pid)
        if coop_server is not None:
            peak = out["coopgraph"]["peak_rss_bytes"] = peak_rss(coop_server.process.pid)
            out["coopgraph"]["peak_rss_reached_at"] = _peak_reached_at(out["coopgraph"], peak)
    return out


def _peak_reached_at(coop: dict[str, Any], peak: int | None) -> str | None:
    """The first REST route after which the server's peak RSS was the run's (``"the query
    set"`` if it was before the routes)."""
    if peak is None:
        return None
    if (coop.get("peak_rss_bytes_after_queries") or 0) >= peak:
        return "the query set"
    for path, route in coop.get("rest", {}).get("routes", {}).items():
        if (route.get("peak_rss_bytes_after") or 0) >= peak:
            return str(path)
    return None


def bench_rdflib_endpoint(nquads: Path, texts: dict[str, str], options: Options) -> dict[str, Any]:
    """rdflib-endpoint serving the union file: its load-and-start time, the queries, its peak RSS.

    rdflib-endpoint goes on evaluating a query its client gave up on, so after a query that
    reached the cap the endpoint is restarted: the next query must not wait behind it (in the
    second session's run, ``cq15``, 17 ms in rdflib, timed out behind ``cq14``). A restart forks
    the parsed data anew (:class:`bench.peers.EndpointServer`) instead of parsing it again. The
    peak RSS is the largest of the forked servers' (each counts the parsed data it inherited)."""
    from bench.peers import rdflib_endpoint_server

    cap_s = options.endpoint_cap_s or options.rdflib_cap_s
    result: dict[str, Any] = {"cap_s": cap_s, "queries": {}, "restarts": 0, "restart_s": []}
    options.log("  rdflib-endpoint")
    peak = 0
    t = time.perf_counter()
    with rdflib_endpoint_server(nquads, env=preload_env(options.allocator)) as server:
        result["load_and_start_s"] = round(time.perf_counter() - t, 2)
        result["allocator"] = in_use(server.process.pid)
        client = SparqlClient(server.url + "/sparql", cap_s)
        pending = list(texts.items())
        for at, (name, text) in enumerate(pending):
            timed = run_query_set(client, {name: text}, options, cap_s)[name]
            result["queries"][name] = timed
            peak = max(peak, _server_peak(server))
            if timed.get("timeout") and at + 1 < len(pending):
                t = time.perf_counter()
                server.restart()
                result["restarts"] += 1
                result["restart_s"].append(round(time.perf_counter() - t, 2))
                client.close()
                client = SparqlClient(server.url + "/sparql", cap_s)
        client.close()
    result["peak_rss_bytes"] = peak or None
    return result


def _server_peak(server: EndpointServer) -> int:
    """The peak RSS of the forked server answering now (0 if it cannot be read)."""
    pid = server.server_pid()
    return (peak_rss(pid) or 0) if pid is not None else 0


def bench_rdflib(nquads: Path, texts: dict[str, str], options: Options) -> dict[str, Any]:
    """rdflib in this process over the union file, each query stopped at ``options.rdflib_cap_s``."""
    from bench.peers import load_rdflib, rdflib_query

    baseline = load_rdflib(nquads)
    result: dict[str, Any] = {
        "load_s": round(baseline.load_s, 2),
        "triples": baseline.triples,
        "rss_delta_bytes": baseline.rss_delta,
        "cap_s": options.rdflib_cap_s,
        "allocator": in_use(),  # the harness's own: ``--allocator`` applies to the servers it starts
    }
    options.log(f"  rdflib in process (loaded {baseline.triples} triples in {baseline.load_s:.1f} s)")
    result["queries"] = run_query_set(
        lambda text: rdflib_query(baseline, text, options.rdflib_cap_s), texts, options, options.rdflib_cap_s
    )
    return result
