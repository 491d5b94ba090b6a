"""Concurrency: readers never see half a batch; a short load test (10 clients, 5 s) while an
import runs gets no 5xx and no wrong answer. The full 50-client, 60-s run is ``bench/load.py``."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from bench.load import build_store, run_load
from graph.batches import Batch, record_quads, write_batch
from graph.servers import coopgraph_server
from graph.store import Store, open_store

COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
BATCH = 3000
BATCHES = 8


@pytest.fixture(params=["memory", "disk"])
def local_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    store = open_store(":memory:" if request.param == "memory" else str(tmp_path / "store"))
    store.init()
    yield store
    store.close()


def _count(store: Store) -> int:
    return int(store.select_values(COUNT_ALL)[1][0][0] or 0)


def _data(batch: int) -> list[tuple[URIRef, URIRef, Literal]]:
    return [
        (URIRef(f"urn:coopgraph:test/{batch}/s{i}"), URIRef("urn:coopgraph:test#p"), Literal(i)) for i in range(BATCH)
    ]


def test_readers_never_see_half_a_batch(local_store: Store) -> None:
    """A reader thread polling the quad count while a writer adds batches only ever sees the
    count before or after whole batches (batch data and its record land together)."""
    store = local_store
    base = _count(store)
    per_batch = BATCH + len(record_quads(store, Batch(id="probe", source="probe.csv")))
    allowed = {base + k * per_batch for k in range(BATCHES + 1)}
    seen: list[int] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            seen.append(_count(store))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for k in range(BATCHES):
            write_batch(store, Batch(id=f"load{k}", source=f"load{k}.csv"), _data(k))
    finally:
        done.set()
        thread.join(30)
    seen.append(_count(store))
    assert seen[-1] == base + BATCHES * per_batch
    assert set(seen) <= allowed, sorted(set(seen) - allowed)[:5]
    assert len(set(seen)) > 1 or len(seen) > 1  # the reader really ran during the writes


def test_short_load_while_importing(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    build_store(folder, 0)
    token = "load-token"
    with coopgraph_server(str(folder), env={"COOPGRAPH_TOKEN": token}) as server:
        report = asyncio.run(run_load(server.url, clients=10, duration=5, token=token, batch_size=500))
    summary = report.summary()
    assert report.requests > 10, summary
    assert report.server_errors == [], summary
    assert report.wrong == [], summary
    assert report.half_batches == [], summary
    assert report.import_errors == [] and report.batches >= 1, summary
    assert report.final_imported == report.batches * 500
    assert summary["latency_ms"]["all"]["n"] == report.requests
