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
