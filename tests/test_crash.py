"""Crash safety: a process writing a large import batch is SIGKILLed at random points.

After each kill the store opens, holds either the whole batch (its record *and* every triple of
its graph) or none of it, and every batch written before is intact. The writer is a separate
process going through :func:`graph.batches.write_batch`, the one path every import takes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from graph import batches
from graph.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
TRIPLES = 40_000
KILLS = 7

WRITER = """
import sys
from rdflib import Literal, URIRef
from graph.batches import Batch, write_batch
from graph.store import open_store

folder, batch_id, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = open_store(folder)
base = store.base
def data():
    for i in range(n):
        s = URIRef(f"{base}partnership/{batch_id}-{i // 4}")
        yield (s, URIRef(f"https://w3id.org/coopgraph/def#p{i % 4}"), Literal(f"{batch_id} value {i}"))
write_batch(store, Batch(id=batch_id, source=f"{batch_id}.csv", records=n // 4), data())
print("committed", flush=True)
store.close()
print("closed", flush=True)
"""


def _writer(folder: Path, batch_id: str, n: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), batch_id, str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _graph_size(store: Store, batch_id: str) -> int:
    graph = ox.NamedNode(store.graph(f"batch/{batch_id}"))
    quads = store.backend.ox.quads_for_pattern(None, None, None, graph)  # type: ignore[union-attr]
    return len(list(quads))


def _state(store: Store, batch_id: str) -> tuple[bool, int]:
    """(record present, triples in the batch graph)."""
    return batches.exists(store, batch_id), _graph_size(store, batch_id)


def test_sigkill_during_batch_writes_leaves_all_or_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    rng = random.Random(20261125)
    # one complete batch first: "everything imported before"
    first = _writer(folder, "base", 4000)
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    t0 = time.monotonic()
    timing = _writer(folder, "timing", TRIPLES)
    timing.communicate(timeout=120)
    duration = time.monotonic() - t0
    assert timing.returncode == 0
    complete = {"base": 4000, "timing": TRIPLES}
    outcomes: list[tuple[float, bool]] = []
    for k in range(KILLS):
        batch_id = f"kill{k}"
        delay = rng.uniform(0.05, duration * 1.1)
        proc = _writer(folder, batch_id, TRIPLES)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with open_store(str(folder)) as store:
            present, size = _state(store, batch_id)
            assert (present, size) in ((True, TRIPLES), (False, 0)), (batch_id, delay, present, size)
            for earlier, n in complete.items():
                assert _state(store, earlier) == (True, n), earlier
            ask = URIRef(f"{store.base}batch/{batch_id}")
            assert store.ask("batch_exists", batch=ask) is present
        outcomes.append((delay, present))
        if present:
            complete[batch_id] = TRIPLES
    # the random delays hit both sides of the commit at least once (not a test that cannot fail)
    assert any(not p for _, p in outcomes), outcomes
    with open_store(str(folder)) as store:
        assert {b["graph"] for b in batches.list_batches(store)} == {store.graph(f"batch/{b}") for b in complete}


TWIN_TOWNS = ROOT.parent / "shared" / "data" / "twin_cities_raw.csv"


def _import(folder: Path, csv_file: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "graph.cli", "import", str(csv_file), "--store", str(folder)]
    command += ["--mapping", str(ROOT / "mappings" / "twin_cities.yaml"), "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def _quads(store: Store) -> set[str]:
    return {str(q) for q in store.quads()}


def _data(store: Store) -> set[str]:
    """The triples of every batch graph, whatever the batch is called (ids differ per store)."""
    prefix = store.graph("batch/")
    return {str(q.triple) for q in store.quads() if q.graph_name.value.startswith(prefix)}  # type: ignore[union-attr]


def test_sigkill_during_a_real_import_leaves_all_or_nothing(tmp_path: Path) -> None:
    """The same, through ``coopgraph import`` of real twin-town rows (a slice of the file)."""
    import pytest

    if not TWIN_TOWNS.is_file():
        pytest.skip(f"{TWIN_TOWNS} is absent (it lives in shared/, beside the repository)")
    lines = TWIN_TOWNS.read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("\n".join(lines[:1500]) + "\n", encoding="utf-8")
    second.write_text("\n".join([lines[0], *lines[1500:4500]]) + "\n", encoding="utf-8")
    folder, reference = tmp_path / "store", tmp_path / "reference"
    for target in (folder, reference):
        done = _import(target, first)
        _, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
    t0 = time.monotonic()
    full = _import(reference, second)
    _, err = full.communicate(timeout=300)
    assert full.returncode == 0, err
    duration = time.monotonic() - t0
    with open_store(str(folder)) as store:
        before = _quads(store)
    with open_store(str(reference)) as store:
        after = _data(store)
        after_batches = len(batches.list_batches(store))
    assert len(after) > 10_000
    rng = random.Random(7)
    for _ in range(3):
        proc = _import(folder, second)
        time.sleep(rng.uniform(duration * 0.5, duration * 1.05))  # most of an import is reading and resolving
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with open_store(str(folder)) as store:
            now = _quads(store)
            listed = batches.list_batches(store)
            if len(listed) == 1:  # nothing of the killed batch
                assert now == before
            else:  # the whole batch: every entity triple the complete import wrote is there
                assert len(listed) == after_batches
                assert _data(store) == after
                return
