"""The benchmark harness: one run, every engine side by side, results as JSON.

For one scale it generates the Atlas-shaped data (bench/generate.py), bulk-loads it into an
on-disk coopgraph store, and measures on the same data: coopgraph's ``/sparql`` and REST
routes (a real ``coopgraph serve``), a raw ``oxigraph serve`` (the engine's own limit),
rdflib-endpoint (the nearest peer) and rdflib in process (the pure-Python baseline). It records
load and start times, peak RSS of each server, and the median and p95 latency of the fixed
research query set (bench/queries/*.rq plus the competency-question queries), with ratios
and the targets of issue 7. The import, network and map helpers add their own figures through
``bench/bench_import.py``, ``bench/bench_network.py`` and ``bench/bench_map.py`` when present.

It is a measurement, not a test: it asserts nothing and never fails on a missed target.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from bench import generate as gen
from graph.namespaces import DEFAULT_BASE, THEME

HERE = Path(__file__).resolve().parent
QUERY_DIR = HERE / "queries"
RESULTS_DIR = HERE / "results"

ENGINES = ("coopgraph", "oxigraph", "rdflib_endpoint", "rdflib")
"""coopgraph's /sparql, raw Oxigraph server, rdflib-endpoint, rdflib in process."""

TARGETS = {
    "sparql_vs_oxigraph_max_ratio": 1.5,
    "faster_than_rdflib_endpoint": 20.0,
    "start_existing_store_s": 3.0,
    "peak_rss_bytes": 1 << 30,
    "rest_detail_median_ms": 20.0,
}


@dataclass
class Options:
    """What one run measures."""

    scale: float = 1.0
    seed: int = 42
    repetitions: int = 10
    peers: bool = True
    """Run rdflib-endpoint and rdflib in process (the slow peers); raw Oxigraph always runs."""
    engines: tuple[str, ...] = ENGINES
    workdir: Path | None = None
    """Where data and stores go (kept between runs: an existing store is reused)."""
    output: Path | None = None
    base: str = DEFAULT_BASE
    rdflib_cap_s: float = 30.0
    """The in-process rdflib baseline skips a query after this many seconds."""
    http_timeout_s: float = 120.0
    rest: bool = True
    extensions: bool = True
    competency_questions: bool = True
    """Add the cq*.rq queries of graph/queries to the set (some are slow at scale)."""
    log: Callable[[str], None] = field(default=lambda message: print(message, file=sys.stderr, flush=True))

    def active(self) -> tuple[str, ...]:
        slow = {"rdflib_endpoint", "rdflib"}
        return tuple(e for e in self.engines if self.peers or e not in slow)


# -- the query set ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    name: str
    text: str
    params: tuple[str, ...]
    origin: str


def query_set(competency_questions: bool = True) -> list[BenchQuery]:
    """The fixed research queries of bench/queries, then the competency questions as they exist."""
    found: list[BenchQuery] = []
    for path in sorted(QUERY_DIR.glob("*.rq")):
        found.append(_bench_query(path.stem, path.read_text(encoding="utf-8"), "bench"))
    if not competency_questions:
        return found
    try:
        from graph import queries

        for q in queries.competency_questions():
            found.append(BenchQuery(q.name, q.text, tuple(q.params), "graph/queries"))
    except Exception as err:
        print(f"bench: competency questions unavailable: {err}", file=sys.stderr)
    return found


def _bench_query(name: str, text: str, origin: str) -> BenchQuery:
    params = tuple(m.group(1) for m in re.finditer(r"^#\s*param\s+(\w+)\s*:", text, re.M))
    return BenchQuery(name, text, params, origin)


def bind(query: BenchQuery, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query text with its known parameters bound as a VALUES block (graph/bindings.py);
    a parameter with no benchmark value stays unbound, which the house rules make safe."""
    from graph.bindings import with_values

    chosen = {p: values[p] for p in query.params if p in values}
    return with_values(query.text, chosen) if chosen else query.text  # type: ignore[arg-type]


def parameter_values(store_dir: Path, base: str) -> dict[str, ox.NamedNode | ox.Literal]:
    """Benchmark values for query parameters, read from the loaded store: the busiest French
    authority, Mali (or the busiest partner country), a theme, a year range."""
    store = ox.Store.read_only(str(store_dir))
    top = (QUERY_DIR / "agg_top_french_authorities.rq").read_text(encoding="utf-8")
    rows = list(store.query(top, use_default_graph_as_union=True))  # type: ignore[union-attr,arg-type]
    by_country = (QUERY_DIR / "agg_projects_by_country.rq").read_text(encoding="utf-8")
    countries = [r["country"] for r in store.query(by_country, use_default_graph_as_union=True)]  # type: ignore[union-attr]
    authority = rows[0]["authority"] if rows else ox.NamedNode(f"{base}authority/fr/paris")
    example = (
        "PREFIX coop: <https://w3id.org/coopgraph/def#> SELECT ?project ?partnership ?place ?foreign WHERE { "
        "?partnership coop:frenchPartner ?authority ; coop:foreignPartner ?foreign . "
        "?project coop:partOfPartnership ?partnership . ?authority coop:governs ?place } LIMIT 1"
    )
    from graph.bindings import with_values

    found = list(store.query(with_values(example, {"authority": authority}), use_default_graph_as_union=True))  # type: ignore[union-attr,arg-type]
    mali = ox.NamedNode(f"{base}country/ml")
    country = mali if mali in countries else (countries[0] if countries else mali)
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    values: dict[str, ox.NamedNode | ox.Literal] = {
        "authority": authority,
        "french": authority,
        "country": country,
        "theme": ox.NamedNode(str(THEME) + "ville-intelligente"),
        "from": ox.Literal("2015", datatype=integer),
        "to": ox.Literal("2020", datatype=integer),
        "start": ox.Literal("2015", datatype=integer),
        "end": ox.Literal("2020", datatype=integer),
    }
    if found:
        for name in ("project", "partnership", "place", "foreign"):
            values[name] = found[0][name]
    return values


# -- timing ----------------------------------------------------------------------------------


def summarise(samples_s: list[float]) -> dict[str, float]:
    """Median and p95 in milliseconds (p95 by nearest rank)."""
    ordered = sorted(samples_s)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(p95 * 1000, 2),
        "min_ms": round(ordered[0] * 1000, 2),
    }


def time_calls(call: Callable[[], int], repetitions: int, cap_s: float) -> dict[str, Any]:
    """One warm-up call, then ``repetitions`` timed ones (fewer when one call is slow).

    A call slower than ``cap_s`` is recorded as skipped: its time is only a lower bound.
    """
    started = time.perf_counter()
    try:
        rows = call()
    except Exception as err:
        elapsed = time.perf_counter() - started
        timeout = "timeout" in type(err).__name__.lower() or "timed out" in str(err).lower()
        return {"error": f"{type(err).__name__}: {str(err)[:200]}", "skipped_after_s": round(elapsed, 2)} | (
            {"timeout": True} if timeout or elapsed >= cap_s else {}
        )
    first = time.perf_counter() - started
    if first >= cap_s:
        return {"rows": rows, "skipped_after_s": round(first, 2), "timeout": True, "n": 1}
    if repetitions == 0:
        return {"rows": rows, "first_s": first}
    reps = repetitions if first < 2.0 else min(repetitions, 3)
    samples: list[float] = []
    for _ in range(reps):
        t = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t)
    return {"rows": rows, "n": len(samples), **summarise(samples)}


class SparqlClient:
    """SPARQL 1.1 Protocol over HTTP: POST form, JSON results; the same client for every server."""

    def __init__(self, endpoint: str, timeout: float) -> None:
        self.endpoint = endpoint
        self.http = httpx.Client(timeout=timeout)

    def __call__(self, text: str) -> int:
        response = self.http.post(
            self.endpoint,
            data={"query": text},
            headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        body = response.content
        if "json" in response.headers.get("content-type", ""):
            data = json.loads(body)
            return 1 if "boolean" in data else len(data["results"]["bindings"])
        return body.count(b"\n")

    def works(self) -> str | None:
        """``None`` if the endpoint answers a trivial query, else why not."""
        try:
            self("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            return None
        except Exception as err:
            return f"{type(err).__name__}: {str(err)[:200]}"

    def close(self) -> None:
        self.http.close()


def peak_rss(pid: int) -> int | None:
    """Peak resident set of a live process (VmHWM on Linux, current RSS elsewhere), in bytes."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import psutil

        return int(psutil.Process(pid).memory_info().rss)
    except Exception:
        return None


# -- machine ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import psutil

    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for pkg in ("coopgraph", "pyoxigraph", "oxigraph", "rdflib", "rdflib-endpoint", "fastapi", "uvicorn", "httpx"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "nproc": os.cpu_count(),
        "ram_bytes": psutil.virtual_memory().total,
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


# -- loading ---------------------------------------------------------------------------------


def load_coopgraph_store(store_dir: Path, data: gen.Generated, base: str) -> dict[str, Any]:
    """Ontology, shapes and seed through ``Store.init``, then the bench batch bulk-loaded, with
    its PROV-O record: a store as an import would leave it. Reused if already loaded."""
    from graph.batches import Batch, record_quads
    from graph.store import open_store

    marker = store_dir / "bench-loaded.json"
    if marker.exists():
        known = json.loads(marker.read_text(encoding="utf-8"))
        if known.get("batch_id") == data.batch_id and known.get("quads") == data.quads:
            return {**known, "reused": True}
    if store_dir.exists():
        shutil.rmtree(store_dir)
    started = time.perf_counter()
    store = open_store(str(store_dir), base=base)
    notes = []
    try:
        store.init()
    except Exception as err:
        notes.append(f"store.init failed ({type(err).__name__}: {err}); loaded the ontology files alone")
        from graph.paths import ontology_dir

        for path in sorted(ontology_dir().glob("*.ttl")):
            graph = store.graph("shapes" if path.stem == "shapes" else "ontology")
            store.backend.ox.bulk_load(  # type: ignore[union-attr]
                path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=ox.NamedNode(graph)
            )  # type: ignore[union-attr]
    init_s = time.perf_counter() - started
    bulk = time.perf_counter()
    store.backend.ox.bulk_load(path=str(data.nquads), format=ox.RdfFormat.N_QUADS)  # type: ignore[union-attr]
    batch = Batch(id=data.batch_id, source=data.nquads.name, records=data.counts["projects"], label="benchmark data")
    store.add(record_quads(store, batch))
    bulk_s = time.perf_counter() - bulk
    triples = store.stats()["triples"]
    store.close()
    result = {
        "batch_id": data.batch_id,
        "quads": data.quads,
        "init_s": round(init_s, 2),
        "bulk_load_s": round(bulk_s, 2),
        "load_s": round(time.perf_counter() - started, 2),
        "triples": triples,
        "notes": notes,
    }
    marker.write_text(json.dumps(result), encoding="utf-8")
    return result


def export_union(store_dir: Path, target: Path) -> int:
    """Every quad of the loaded store as N-Quads: the one file every peer loads."""
    store = ox.Store.read_only(str(store_dir))
    count = 0

    def counted() -> Iterator[ox.Quad]:
        nonlocal count
        for quad in store:
            count += 1
            yield quad

    tmp = target.with_suffix(".part")
    with tmp.open("wb") as out:
        ox.serialize(counted(), out, ox.RdfFormat.N_QUADS)
    tmp.replace(target)
    return count


def load_oxigraph_store(store_dir: Path, nquads: Path) -> dict[str, Any]:
    """``oxigraph load`` of the union file into a fresh folder (the engine's own bulk loader)."""
    from graph.servers import oxigraph_binary

    marker = store_dir / "bench-loaded.json"
    stamp = f"{nquads.stat().st_size}-{nquads.stat().st_mtime_ns}"
    if marker.exists() and json.loads(marker.read_text(encoding="utf-8")).get("stamp") == stamp:
        return {**json.loads(marker.read_text(encoding="utf-8")), "reused": True}
    if store_dir.exists():
        shutil.rmtree(store_dir)
    started = time.perf_counter()
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(store_dir), "--file", str(nquads)],
        check=True,
        capture_output=True,
    )
    result = {"load_s": round(time.perf_counter() - started, 2), "stamp": stamp}
    marker.write_text(json.dumps(result), encoding="utf-8")
    return result


# -- engines ---------------------------------------------------------------------------------


def run_query_set(
    call: Callable[[str], int], texts: dict[str, str], options: Options, cap_s: float
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, text in texts.items():
        out[name] = time_calls(lambda text=text: call(text), options.repetitions, cap_s)  # type: ignore[misc]
        options.log(f"    {name:36} {_fmt(out[name])}")
    return out


def _fmt(r: dict[str, Any]) -> str:
    if "median_ms" in r:
        return f"median {r['median_ms']:>9.2f} ms  p95 {r['p95_ms']:>9.2f} ms  rows {r.get('rows')}"
    return f"skipped ({r.get('error') or 'over the cap'}, {r.get('skipped_after_s')} s)"


def time_paired(calls: dict[str, Callable[[], int]], repetitions: int, cap_s: float) -> dict[str, dict[str, Any]]:
    """Time several engines on one query, alternating them call by call (in rotating order).

    The machine is shared: interleaving makes any load from elsewhere fall on every engine
    alike, so the ratios hold even when the absolute times wander.
    """
    out: dict[str, dict[str, Any]] = {}
    live: dict[str, Callable[[], int]] = {}
    slow = False
    for engine, call in calls.items():
        first = time_calls(call, 0, cap_s)
        if "rows" in first and not first.get("timeout"):
            live[engine] = call
            out[engine] = {"rows": first["rows"]}
            slow |= float(first.get("first_s", 0)) >= 2.0
        else:
            out[engine] = first
    samples: dict[str, list[float]] = {e: [] for e in live}
    failed: set[str] = set()
    order = list(live)
    for rep in range(repetitions if not slow else min(repetitions, 3)):
        for engine in order[rep % max(1, len(order)) :] + order[: rep % max(1, len(order))]:
            if engine in failed:
                continue
            t = time.perf_counter()
            try:  # a repetition can fail where the first call passed (a timeout under load): keep the rest
                live[engine]()
            except Exception as err:
                failed.add(engine)
                out[engine]["error"] = f"{type(err).__name__}: {str(err)[:200]} (repetition {rep + 1})"
                continue
            samples[engine].append(time.perf_counter() - t)
    for engine, got in samples.items():
        if got:
            out[engine] |= {"n": len(got), **summarise(got)}
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
    from contextlib import ExitStack

    from graph.servers import coopgraph_server, oxigraph_server

    env = {"COOPGRAPH_MAX_ROWS": "100000000", "COOPGRAPH_QUERY_TIMEOUT": str(int(options.http_timeout_s))}
    out: dict[str, Any] = {}
    starts: list[float] = []
    if coop_dir is not None:
        for _ in range(2):
            t = time.perf_counter()
            with coopgraph_server(str(coop_dir), env=env):
                starts.append(round(time.perf_counter() - t, 3))
    with ExitStack() as stack:
        runs: list[ServerRun] = []
        coop_server = None
        if coop_dir is not None:
            t = time.perf_counter()
            server = coop_server = stack.enter_context(coopgraph_server(str(coop_dir), env=env))
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
            server = stack.enter_context(oxigraph_server(ox_dir))
            out["oxigraph"] = {"start_s": [round(time.perf_counter() - t, 3)], "queries": {}}
            runs.append(ServerRun("oxigraph", server, SparqlClient(server.url + "/query", options.http_timeout_s), 0))
        options.log("  " + " vs ".join(r.name for r in runs) + " (interleaved)")
        for name, text in texts.items():
            timed = time_paired(
                {r.name: (lambda c=r.client, q=text: c(q)) for r in runs},
                options.repetitions,
                options.http_timeout_s,  # type: ignore[misc]
            )
            for engine, figures in timed.items():
                target = out[engine]["sparql"] if engine == "coopgraph" else out[engine]
                target["queries"][name] = figures
            options.log(f"    {name:30} " + " | ".join(f"{e}: {_fmt(f)}" for e, f in timed.items()))
        for run_ in runs:
            run_.client.close()
        if coop_server is not None and options.rest:
            out["coopgraph"]["rest"] = bench_rest(coop_server.url, options, values)
        for run_ in runs:
            out[run_.name]["peak_rss_bytes"] = peak_rss(run_.server.process.pid)
        if coop_server is not None:
            out["coopgraph"]["peak_rss_bytes"] = peak_rss(coop_server.process.pid)
    return out


def bench_rdflib_endpoint(nquads: Path, texts: dict[str, str], options: Options) -> dict[str, Any]:
    from bench.peers import rdflib_endpoint_server

    t = time.perf_counter()
    with rdflib_endpoint_server(nquads) as server:
        result: dict[str, Any] = {"load_and_start_s": round(time.perf_counter() - t, 2)}
        client = SparqlClient(server.url + "/sparql", options.http_timeout_s)
        options.log("  rdflib-endpoint")
        result["queries"] = run_query_set(client, texts, options, options.rdflib_cap_s)
        client.close()
        result["peak_rss_bytes"] = peak_rss(server.process.pid)
    return result


def bench_rdflib(nquads: Path, texts: dict[str, str], options: Options) -> dict[str, Any]:
    from bench.peers import load_rdflib, rdflib_query

    baseline = load_rdflib(nquads)
    result: dict[str, Any] = {
        "load_s": round(baseline.load_s, 2),
        "triples": baseline.triples,
        "rss_delta_bytes": baseline.rss_delta,
        "cap_s": options.rdflib_cap_s,
    }
    options.log(f"  rdflib in process (loaded {baseline.triples} triples in {baseline.load_s:.1f} s)")
    result["queries"] = run_query_set(
        lambda text: rdflib_query(baseline, text, options.rdflib_cap_s), texts, options, options.rdflib_cap_s
    )
    return result


# -- REST ------------------------------------------------------------------------------------

_COLLECTION_KINDS = {
    "authorit": "authority",
    "place": "place",
    "countr": "country",
    "project": "project",
    "partnership": "partnership",
    "funding": "funding",
    "theme": "theme",
}


def _examples(values: dict[str, Any], base: str) -> dict[str, str]:
    """An example IRI of each kind, for filling path parameters of REST routes."""
    found = {k: str(v.value) for k, v in values.items() if isinstance(v, ox.NamedNode)}
    return found | {
        "funding": f"{base}funding/ficol",
        "node": found["authority"],
        "source": found["authority"],
        "target": found.get("foreign", found["authority"]),
        "iri": found["authority"],
    }


def bench_rest(url: str, options: Options, values: dict[str, Any]) -> dict[str, Any]:
    """Every GET route of the running API under /api/ (and /id/), as the OpenAPI document lists
    them at run time; path parameters filled with real identifiers, tried in the usual forms."""
    http = httpx.Client(base_url=url, timeout=options.http_timeout_s)
    try:
        spec = http.get("/openapi.json").json()
    except Exception as err:
        return {"available": False, "why": f"no OpenAPI document: {err}"}
    examples = _examples(values, options.base)
    routes: dict[str, Any] = {}
    for path, ops in sorted(spec.get("paths", {}).items()):
        if "get" not in ops or not path.startswith(("/api/", "/id/")):
            continue
        required_query = [
            p["name"] for p in ops["get"].get("parameters", []) if p.get("in") == "query" and p.get("required")
        ]
        candidates = _fill(path, examples, options.base)
        if candidates is None:
            routes[path] = {"skipped": "no example for its path parameters"}
            continue
        query = {name: _query_value(name, examples) for name in required_query}
        chosen = None
        for candidate in candidates:
            try:
                r = http.get(candidate, params=query, headers={"Accept": "application/json"})
            except httpx.HTTPError as err:
                routes[path] = {"error": str(err)}
                break
            if r.status_code == 200:
                chosen = candidate
                break
        if chosen is None:
            routes.setdefault(path, {"skipped": f"no candidate answered 200 (tried {candidates[:3]})"})
            continue

        def call(target: str = chosen, query: dict[str, str] = query) -> int:
            r = http.get(target, params=query, headers={"Accept": "application/json"})
            r.raise_for_status()
            return len(r.content)

        timed = time_calls(call, options.repetitions, options.http_timeout_s)
        timed["url"] = chosen
        timed["detail"] = "{" in path and path.rstrip("/").endswith("}")
        options.log(f"    GET {chosen[:60]:60} {_fmt(timed).replace('rows', 'bytes')}")
        if "rows" in timed:
            timed["bytes"] = timed.pop("rows")
        routes[path] = timed
    http.close()
    return {"available": True, "routes": routes}


def _fill(path: str, examples: dict[str, str], base: str) -> list[str] | None:
    """Concrete URLs for a route template, or ``None`` if a parameter has no example."""
    params = re.findall(r"\{([^}]+)\}", path)
    if not params:
        return [path]
    if len(params) > 1:
        return None
    name = params[0].split(":")[0]
    before = path.split("{", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    kind = next((k for stem, k in _COLLECTION_KINDS.items() if stem in before or stem in name), None)
    if path.startswith("/id/") and kind is None:
        kind = "authority"
    if kind is None or kind not in examples:
        return None
    iri = examples[kind]
    local = iri[len(base) :] if iri.startswith(base) else iri
    after_kind = local.split("/", 1)[1] if "/" in local else local
    forms = [after_kind, local, quote(iri, safe=""), after_kind.rsplit("/", 1)[-1]]
    head, tail = path.split("{", 1)[0], path.split("}", 1)[1]
    seen: list[str] = []
    for form in forms:
        url = head + form + tail
        if url not in seen:
            seen.append(url)
    return seen


def _query_value(name: str, examples: dict[str, str]) -> str:
    if name in examples:
        return examples[name]
    for stem, kind in _COLLECTION_KINDS.items():
        if stem in name and kind in examples:
            return examples[kind]
    return {"q": "saint", "text": "saint", "search": "saint"}.get(name, "1")


# -- extensions from other helpers -----------------------------------------------------------


def run_extension(module_name: str, pool: dict[str, Any], options: Options) -> dict[str, Any]:
    """Call ``bench/<module>.run(...)`` with the arguments its signature asks for, by name."""
    try:
        module = importlib.import_module(f"bench.{module_name}")
    except ModuleNotFoundError as err:
        if err.name and err.name.startswith(f"bench.{module_name}"):
            return {"available": False, "why": "not available"}
        return {"available": False, "why": f"import failed: {err}"}
    except Exception as err:
        return {"available": False, "why": f"import failed: {type(err).__name__}: {err}"}
    run = getattr(module, "run", None)
    if not callable(run):
        return {"available": False, "why": f"bench/{module_name}.py has no run()"}
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(run).parameters.items():
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        if name in pool:
            kwargs[name] = pool[name]
        elif param.default is param.empty:
            return {"available": False, "why": f"run() needs {name!r}, which the harness does not know"}
    options.log(f"  bench/{module_name}.run({', '.join(kwargs)})")
    started = time.perf_counter()
    try:
        figures = run(**kwargs)
    except Exception as err:
        return {"available": True, "error": f"{type(err).__name__}: {str(err)[:300]}"}
    return {
        "available": True,
        "seconds": round(time.perf_counter() - started, 2),
        "figures": json.loads(json.dumps(figures, default=str)),
    }


# -- the run ---------------------------------------------------------------------------------


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
        "machine": machine(),
        "engines": list(options.active()),
        "load_average_at_start": list(os.getloadavg()),
    }
    log(f"bench: scale {options.scale:g}×, seed {options.seed}, work in {workdir}")
    t = time.perf_counter()
    data = gen.write_all(workdir / "data", options.scale, options.seed, options.base)
    results["data"] = data.as_dict() | {"write_s": round(time.perf_counter() - t, 2)}
    log(f"  data: {data.counts}, {data.quads} quads")

    coop_dir = workdir / f"store-coopgraph-{tag}"
    results["load"] = {"coopgraph": load_coopgraph_store(coop_dir, data, options.base)}
    log(f"  coopgraph store: {results['load']['coopgraph']}")
    union = workdir / f"union-{tag}.nq"
    if not union.exists() or results["load"]["coopgraph"].get("reused") is not True:
        results["load"]["union_quads"] = export_union(coop_dir, union)
    values = parameter_values(coop_dir, options.base)
    queries = query_set(options.competency_questions)
    texts = {q.name: bind(q, values) for q in queries}
    results["queries"] = {
        q.name: {"origin": q.origin, "params": {p: str(values[p]) for p in q.params if p in values}} for q in queries
    }
    results["parameters"] = {k: str(v) for k, v in values.items()}
    engines: dict[str, Any] = {}
    active = options.active()
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
        pool = {
            "scale": options.scale,
            "seed": options.seed,
            "base": options.base,
            "repetitions": options.repetitions,
            "csv": data.csv,
            "csv_path": data.csv,
            "path": data.csv,
            "nquads": data.nquads,
            "turtle": data.turtle,
            "generated": data,
            "workdir": workdir,
            "log": log,
        }
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


def _medians(results: dict[str, Any], engine: str) -> dict[str, dict[str, Any]]:
    e = results.get("engines", {}).get(engine, {})
    if engine == "coopgraph":
        e = e.get("sparql", {})
    return e.get("queries", {}) or {}


def compare(results: dict[str, Any]) -> dict[str, Any]:
    """Per query: each engine's median, rows agree or not, and the two ratios issue 7 sets."""
    coop = _medians(results, "coopgraph")
    oxi = _medians(results, "oxigraph")
    rep = _medians(results, "rdflib_endpoint")
    rdf = _medians(results, "rdflib")
    per_query: dict[str, Any] = {}
    total: dict[str, Any] = {"coopgraph": 0.0, "rdflib_endpoint": 0.0, "rdflib_endpoint_lower_bound": False}
    for name in results.get("queries", {}):
        row: dict[str, Any] = {}
        for engine, table in (("coopgraph", coop), ("oxigraph", oxi), ("rdflib_endpoint", rep), ("rdflib", rdf)):
            r = table.get(name)
            if r is None:
                continue
            row[engine + "_ms"] = r.get("median_ms")
            if "median_ms" not in r:
                row[engine + "_skipped_after_s"] = r.get("skipped_after_s")
        rows = {
            e: t[name].get("rows")
            for e, t in (("coopgraph", coop), ("oxigraph", oxi), ("rdflib_endpoint", rep), ("rdflib", rdf))
            if name in t and t[name].get("rows") is not None
        }
        row["rows"] = rows
        row["rows_agree"] = len(set(rows.values())) <= 1
        c, o = row.get("coopgraph_ms"), row.get("oxigraph_ms")
        if c and o:
            row["coopgraph_vs_oxigraph"] = round(c / o, 2)
        if c is not None and name in rep:
            slow = rep[name].get("median_ms") or (rep[name].get("skipped_after_s") or 0) * 1000
            if slow:
                row["rdflib_endpoint_vs_coopgraph"] = round(slow / c, 1) if c else None
                total["coopgraph"] += c
                total["rdflib_endpoint"] += slow
                total["rdflib_endpoint_lower_bound"] |= "median_ms" not in rep[name]
        per_query[name] = row
    overall = None
    if total["coopgraph"]:
        overall = round(total["rdflib_endpoint"] / total["coopgraph"], 1)
    return {"per_query": per_query, "whole_set": total | {"rdflib_endpoint_vs_coopgraph": overall}}


def targets(results: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 7 with what was measured and whether it was met (``None``: not measured)."""
    cmp = results.get("comparison", {})
    ratios = [r["coopgraph_vs_oxigraph"] for r in cmp.get("per_query", {}).values() if "coopgraph_vs_oxigraph" in r]
    worst = max(ratios) if ratios else None
    whole = cmp.get("whole_set", {}).get("rdflib_endpoint_vs_coopgraph")
    coop = results.get("engines", {}).get("coopgraph", {})
    start = coop.get("start_s", [])
    rss = coop.get("peak_rss_bytes")
    rest = (coop.get("rest") or {}).get("routes", {})
    details = [r["median_ms"] for r in rest.values() if r.get("detail") and "median_ms" in r]
    worst_detail = max(details) if details else None

    def verdict(measured: float | None, ok: Callable[[float], bool]) -> bool | None:
        return None if measured is None else bool(ok(measured))

    return {
        "sparql_within_1_5x_of_oxigraph": {
            "measured_worst_ratio": worst,
            "met": verdict(worst, lambda x: x <= TARGETS["sparql_vs_oxigraph_max_ratio"]),
        },
        "20x_faster_than_rdflib_endpoint": {
            "measured": whole,
            "met": verdict(whole, lambda x: x >= TARGETS["faster_than_rdflib_endpoint"]),
        },
        "start_existing_store_under_3s": {
            "measured_s": start,
            "met": verdict(max(start[1:] or start) if start else None, lambda x: x < TARGETS["start_existing_store_s"]),
        },
        "peak_rss_under_1GiB": {"measured_bytes": rss, "met": verdict(rss, lambda x: x < TARGETS["peak_rss_bytes"])},
        "rest_detail_under_20ms": {
            "measured_worst_median_ms": worst_detail,
            "met": verdict(worst_detail, lambda x: x < TARGETS["rest_detail_median_ms"]),
        },
    }


def table(results: dict[str, Any]) -> str:
    """A short Markdown table of medians (ms) per query and engine, with the ratios."""
    cmp = results.get("comparison", {}).get("per_query", {})
    lines = [
        f"Scale {results['scale']:g}× ({results['data']['quads']} quads), {results['date']}, "
        f"{results['repetitions']} repetitions; median ms (— not run, ≥ skipped after the cap).",
        "",
        "| query | coopgraph /sparql | oxigraph | rdflib-endpoint | rdflib "
        "| /sparql ÷ oxigraph | rdflib-endpoint ÷ /sparql |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]

    def cell(row: dict[str, Any], engine: str) -> str:
        if row.get(engine + "_ms") is not None:
            return f"{row[engine + '_ms']:.1f}"
        if row.get(engine + "_skipped_after_s") is not None:
            return f"≥ {row[engine + '_skipped_after_s'] * 1000:.0f}"
        return "—"

    for name, row in cmp.items():
        lines.append(
            f"| {name} | {cell(row, 'coopgraph')} | {cell(row, 'oxigraph')} | {cell(row, 'rdflib_endpoint')} | "
            f"{cell(row, 'rdflib')} | {row.get('coopgraph_vs_oxigraph', '—')} "
            f"| {row.get('rdflib_endpoint_vs_coopgraph', '—')} |"
        )
    lines.append("")
    for name, t in results.get("targets", {}).items():
        measured = {k: v for k, v in t.items() if k != "met"}
        lines.append(
            f"- {name}: {measured} → {'met' if t['met'] else 'MISSED' if t['met'] is False else 'not measured'}"
        )
    return "\n".join(lines)
