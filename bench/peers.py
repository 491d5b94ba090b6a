"""The peers coopgraph is measured against: rdflib in process, and rdflib-endpoint over HTTP.

rdflib's own engine is the pure-Python baseline (run in this process, each query capped); the
PyPI package ``rdflib-endpoint`` serving the same N-Quads is the nearest peer (a FastAPI SPARQL
endpoint over an rdflib ``Dataset``), started here as a uvicorn subprocess on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from graph.servers import Running, _stop, free_port, wait_until_up


class QueryTimeout(Exception):
    """A query of the in-process baseline ran past its cap."""


@dataclass
class RdflibBaseline:
    """rdflib's default in-memory store holding the union of the benchmark data."""

    dataset: Any
    load_s: float
    triples: int
    rss_delta: int


def load_rdflib(nquads: Path) -> RdflibBaseline:
    """Parse ``nquads`` into an rdflib ``Dataset`` whose default graph is the union."""
    import psutil
    from rdflib import Dataset

    before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(str(nquads), format="nquads")
    load_s = time.perf_counter() - started
    return RdflibBaseline(ds, load_s, len(ds), psutil.Process().memory_info().rss - before)


def rdflib_query(baseline: RdflibBaseline, text: str, cap_s: float) -> int:
    """Run ``text`` on the baseline and count its rows; raise :class:`QueryTimeout` after ``cap_s``.

    rdflib evaluates in Python bytecode, so a profiling-timer signal can stop it between two
    steps. SIGPROF (CPU time) is used rather than SIGALRM, which pytest-timeout already owns.
    """

    def expire(signum: int, frame: FrameType | None) -> None:
        raise QueryTimeout(f"over {cap_s:g} s")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, cap_s)
    try:
        result = baseline.dataset.query(text)
        if result.type == "ASK":
            return 1
        return len(list(result))
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextmanager
def rdflib_endpoint_server(nquads: Path, timeout: float = 1800.0) -> Iterator[Running]:
    """rdflib-endpoint serving ``nquads`` at ``{url}/sparql`` (the startup includes the parse)."""
    port = free_port()
    cmd = [sys.executable, "-m", "bench.peers", "--file", str(nquads), "--port", str(port)]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/sparql?query=ASK%7B%7D", process, timeout=timeout)
        yield Running(url, process)
    finally:
        _stop(process)


def _serve(argv: list[str] | None = None) -> None:
    """Entry point of the rdflib-endpoint subprocess."""
    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    parser = argparse.ArgumentParser(description="Serve N-Quads with rdflib-endpoint on 127.0.0.1")
    parser.add_argument("--file", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    ds = Dataset(default_union=True)
    ds.parse(args.file, format="nquads")
    app = SparqlEndpoint(graph=ds, path="/sparql", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    _serve()
