"""Load test: concurrent clients mixing /sparql, REST, linked data and map data while an import runs.

``python -m bench.load --clients 50 --duration 60`` starts ``coopgraph serve`` on 127.0.0.1
over a fresh on-disk store (ontology, seed, and ``--scale`` × Atlas-shaped data), fetches a
reference answer for every request while nothing else runs, then lets ``--clients`` asyncio
clients loop over the request mix for ``--duration`` seconds while one more client imports
batches of triples through the Graph Store Protocol (each a recorded import batch). It reports:

- every 5xx, every answer that differs from its reference (the imports write only triples the
  mix does not read, so every answer must stay exactly as it was), and every time a reader saw
  a number of imported triples that is not a whole number of batches (half a batch);
- latency percentiles per request kind and overall, and throughput.

``--benchmarks BENCHMARKS.md`` writes the figures into its "Load test" section.
``tests/test_load.py`` runs a short version (10 clients, 5 s) through :func:`run_load`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.machine import cpu_model

LOAD_PREDICATE = "urn:coopgraph:load#p"
COOP = "https://w3id.org/coopgraph/def#"
SPARQL_ATOMIC = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{LOAD_PREDICATE}> ?o }} }}"
SPARQL_QUERIES = {
    "sparql_count": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?p a <{COOP}Partnership> }}",
    "sparql_by_country": (
        f"SELECT ?c (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{COOP}Partnership> ; <{COOP}foreignPartner> ?a . "
        f"?a <{COOP}governs>/<{COOP}inCountry> ?c }} GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 20"
    ),
    "sparql_labels": (
        "SELECT ?s ?l WHERE { ?s a <https://w3id.org/coopgraph/def#LocalAuthority> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s ?l LIMIT 50"
    ),
}
REST = {
    "rest_authorities": ("/api/authorities", {"size": "20"}),
    "rest_partnerships": ("/api/partnerships", {"size": "20", "page": "1"}),
    "rest_countries": ("/api/countries", {}),
    "rest_search": ("/api/search", {"q": "be"}),
    "linked_data": ("/id/country/fr", {"format": "ntriples"}),
    "map_places": ("/api/map/places", {}),
    "map_facets": ("/api/map/facets", {}),
}


@dataclass
class Request:
    kind: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None
    normalise: Callable[[httpx.Response], Any] = lambda r: r.content


@dataclass
class Report:
    clients: int
    duration: float
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    half_batches: list[str] = field(default_factory=list)
    other_status: dict[str, int] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    batches: int = 0
    batch_size: int = 0
    final_imported: int = -1
    import_errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        kinds = {k: _percentiles(v) for k, v in sorted(self.latencies.items())}
        everything = [x for v in self.latencies.values() for x in v]
        return {
            "clients": self.clients,
            "duration_s": self.duration,
            "requests": self.requests,
            "throughput_rps": round(self.requests / self.duration, 1) if self.duration else 0,
            "server_errors": len(self.server_errors),
            "wrong_answers": len(self.wrong),
            "half_batches_seen": len(self.half_batches),
            "other_status": self.other_status,
            "imports": {
                "batches": self.batches,
                "triples_per_batch": self.batch_size,
                "final_count": self.final_imported,
                "errors": len(self.import_errors),
            },
            "latency_ms": {"all": _percentiles(everything), **kinds},
            "examples": (self.server_errors + self.wrong + self.half_batches + self.import_errors)[:5],
        }


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {
        "n": len(ordered),
        "p50": at(0.5),
        "p90": at(0.9),
        "p99": at(0.99),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


def _sparql_rows(r: httpx.Response) -> Any:
    doc = r.json()
    return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])


def _json(r: httpx.Response) -> Any:
    return r.json()


def _lines(r: httpx.Response) -> Any:
    return sorted(r.text.splitlines())


def request_mix() -> list[Request]:
    mix = [
        Request(kind, "POST", "/sparql", data={"query": text}, normalise=_sparql_rows)
        for kind, text in SPARQL_QUERIES.items()
    ]
    for kind, (path, params) in REST.items():
        mix.append(Request(kind, "GET", path, params, normalise=_lines if kind == "linked_data" else _json))
    return mix


async def _send(client: httpx.AsyncClient, req: Request) -> httpx.Response:
    if req.method == "POST":
        return await client.post(req.path, data=req.data, params=req.params)
    return await client.get(req.path, params=req.params)


def _ntriples(batch: int, size: int) -> bytes:
    lines = [f'<urn:coopgraph:load/{batch}/s{i}> <{LOAD_PREDICATE}> "value {i}" .' for i in range(size)]
    return ("\n".join(lines) + "\n").encode()


async def run_load(
    url: str, *, clients: int, duration: float, token: str, batch_size: int = 2000, seed: int = 1
) -> Report:
    """Drive the server at ``url``; see the module docstring. Never raises on a bad answer:
    everything goes in the :class:`Report`."""
    report = Report(clients=clients, duration=duration, batch_size=batch_size)
    limits = httpx.Limits(max_connections=clients + 2, max_keepalive_connections=clients + 2)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        mix = []
        references: dict[str, Any] = {}
        for req in request_mix():
            r = await _send(client, req)
            if r.status_code == 404 and req.kind.startswith("map_"):
                continue  # the map routes are not there yet
            r.raise_for_status()
            references[req.kind] = req.normalise(r)
            mix.append(req)
        atomic = Request("sparql_atomic", "POST", "/sparql", data={"query": SPARQL_ATOMIC})
        mix.append(atomic)
        start = (await client.post("/sparql", data={"query": SPARQL_ATOMIC})).json()
        already = int(start["results"]["bindings"][0]["n"]["value"])
        stop = time.monotonic() + duration

        async def reader(number: int) -> None:
            rng = random.Random(seed * 1000 + number)
            while time.monotonic() < stop:
                req = rng.choice(mix)
                t = time.perf_counter()
                try:
                    r = await _send(client, req)
                except httpx.HTTPError as err:
                    report.server_errors.append(f"{req.kind}: {type(err).__name__} {err}")
                    continue
                report.latencies.setdefault(req.kind, []).append((time.perf_counter() - t) * 1000)
                report.requests += 1
                if r.status_code >= 500:
                    report.server_errors.append(f"{req.kind}: {r.status_code} {r.text[:200]}")
                elif r.status_code != 200:
                    key = f"{req.kind} {r.status_code}"
                    report.other_status[key] = report.other_status.get(key, 0) + 1
                elif req is atomic:
                    n = int(r.json()["results"]["bindings"][0]["n"]["value"]) - already
                    if n % batch_size:
                        report.half_batches.append(f"saw {n} imported triples (batches of {batch_size})")
                elif req.normalise(r) != references[req.kind]:
                    report.wrong.append(f"{req.kind}: answer differs from the reference")

        async def importer() -> None:
            batch = 0
            headers = {"authorization": f"Bearer {token}", "content-type": "application/n-triples"}
            while time.monotonic() < stop:
                body = _ntriples(batch, batch_size)
                r = await client.post(
                    "/rdf-graph-store", params={"graph": f"urn:coopgraph:load/{seed}/{batch}"}, content=body,
                    headers=headers,
                )  # fmt: skip
                if r.status_code not in (201, 204):
                    report.import_errors.append(f"batch {batch}: {r.status_code} {r.text[:200]}")
                    break
                batch += 1
                report.batches = batch

        await asyncio.gather(importer(), *(reader(i) for i in range(clients)))
        end = (await client.post("/sparql", data={"query": SPARQL_ATOMIC})).json()
        report.final_imported = int(end["results"]["bindings"][0]["n"]["value"]) - already
    return report


def build_store(folder: Path, scale: float) -> None:
    """Ontology and seed, plus ``scale`` × Atlas-shaped data when ``scale`` > 0."""
    from graph.store import open_store

    with open_store(str(folder)) as store:
        store.init()
        if scale > 0:
            from bench import generate

            store.add(generate.quads(generate.generate(scale), store.base))


def write_benchmarks(path: Path, summary: dict[str, Any], scale: float) -> None:
    """Replace (or append) the "Load test" section of ``path`` with ``summary``."""
    lat = summary["latency_ms"]
    rows = "\n".join(
        f"| {kind} | {v['n']} | {v['p50']} | {v['p90']} | {v['p99']} | {v['max']} |" for kind, v in lat.items() if v
    )
    imports = summary["imports"]
    section = f"""## Load test

`python -m bench.load --clients {summary["clients"]} --duration {summary["duration_s"]:g} --scale {scale:g}`
(`bench/load.py`; `tests/test_load.py` runs 10 clients for 5 s). `coopgraph serve` on 127.0.0.1 over
an on-disk store (ontology, seed{f", {scale:g}× Atlas-shaped data" if scale else ""});
{summary["clients"]} asyncio clients loop over a mix of 3 SPARQL queries, 4 REST routes, a linked-data
document and the map data (`/api/map/places`, `/api/map/facets`) plus a count of imported triples, while one more client
imports batches of {imports["triples_per_batch"]:,} triples through the Graph Store Protocol (each a
recorded import batch). Every answer is compared with a reference fetched before the load.

{_machine()}

**Result:** {summary["requests"]:,} requests in {summary["duration_s"]:g} s
({summary["throughput_rps"]} req/s), **{summary["server_errors"]} 5xx**,
**{summary["wrong_answers"]} wrong answers**, **{summary["half_batches_seen"]} half-batches seen**;
{imports["batches"]} batches imported ({imports["final_count"]:,} triples:
{"every batch whole" if imports["final_count"] == imports["batches"] * imports["triples_per_batch"] else "MISSING"}).
Other statuses: {summary["other_status"] or "none"}.

| request | n | p50 ms | p90 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|---:|
{rows}

Latencies are those of one `coopgraph serve` process (one uvicorn worker) on 2 shared cores
with an import committing every second or so; not yet analysed further. Each import bumps the
store version, on which the REST and map caches key, so those are rebuilt after every batch —
a run without the importer would tell how much of the latency that is.
"""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Load test\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        f"Machine: {os.cpu_count()} CPU ({cpu_model()}), Python {platform.python_version()}, "
        f"{when} (machine clock); load average {load:.1f} when it ended (other test suites were running)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--scale", type=float, default=0.0, help="Atlas-shaped data to add to the seed (0: seed only)")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--output", type=Path, help="write the summary as JSON here")
    parser.add_argument("--benchmarks", type=Path, help="write the 'Load test' section of this Markdown file")
    args = parser.parse_args(argv)
    from graph.servers import coopgraph_server

    token = "load-test-token"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        build_store(folder, args.scale)
        with coopgraph_server(str(folder), env={"COOPGRAPH_TOKEN": token}) as server:
            report = asyncio.run(
                run_load(server.url, clients=args.clients, duration=args.duration, token=token,
                         batch_size=args.batch_size)
            )  # fmt: skip
    summary = report.summary()
    print(json.dumps(summary, indent=2))
    if args.output:
        args.output.write_text(json.dumps(summary, indent=2))
    if args.benchmarks:
        write_benchmarks(args.benchmarks, summary, args.scale)
    ok = not (report.server_errors or report.wrong or report.half_batches or report.import_errors)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
