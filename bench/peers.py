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

from graph.servers import _stop, free_port, wait_until_up


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


@dataclass(frozen=True)
class EndpointServer:
    """rdflib-endpoint serving at ``url``: ``process`` holds the parsed data and forks the server
    that answers (:func:`_serve`); :meth:`restart` replaces that server with a fresh fork."""

    url: str
    process: subprocess.Popen[bytes]

    def server_pid(self) -> int | None:
        """The pid of the forked server answering now (``None`` while there is none)."""
        import psutil

        children = psutil.Process(self.process.pid).children()
        return children[0].pid if children else None

    def restart(self, timeout: float = 60.0) -> None:
        """Kill the answering server (and the query it may still be evaluating) and wait until a
        fresh fork of the parsed data answers: a restart costs a fork, not a parse."""
        before = self.server_pid()
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while self.server_pid() in (before, None):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"rdflib-endpoint did not fork a new server within {timeout:g} s")
            time.sleep(0.02)
        wait_until_up(self.url + "/sparql?query=ASK%7B%7D", self.process, timeout=timeout)


@contextmanager
def rdflib_endpoint_server(
    nquads: Path, timeout: float = 1800.0, env: dict[str, str] | None = None
) -> Iterator[EndpointServer]:
    """rdflib-endpoint serving ``nquads`` at ``{url}/sparql`` (the startup includes the parse), in
    ``env`` (the whole environment; this one's by default)."""
    port = free_port()
    cmd = [sys.executable, "-m", "bench.peers", "--file", str(nquads), "--port", str(port)]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/sparql?query=ASK%7B%7D", process, timeout=timeout)
        yield EndpointServer(url, process)
    finally:
        _stop(process)


def _serve(argv: list[str] | None = None) -> None:
    """Entry point of the rdflib-endpoint subprocess: parse once, then serve from a fork.

    rdflib-endpoint goes on evaluating a query whose client gave up (its thread cannot be
    stopped), so the harness restarts it after a query past the cap. At Atlas 10× a restart that
    parsed the 4.6 M quads again took minutes; here the parsed ``Dataset`` stays in this process
    and each server is a fork of it (copy on write; ``gc.freeze`` keeps the collector from
    touching, and so copying, every inherited object). ``SIGHUP`` kills the server and forks the
    next; ``SIGTERM`` kills it and ends; a server that dies on its own ends this process too.
    """
    import gc
    import os

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
    gc.collect()
    gc.freeze()
    control = {signal.SIGHUP, signal.SIGTERM, signal.SIGINT, signal.SIGCHLD}
    signal.pthread_sigmask(signal.SIG_BLOCK, control)
    while True:
        pid = os.fork()
        if pid == 0:
            _die_with_parent()
            signal.pthread_sigmask(signal.SIG_UNBLOCK, control)
            uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")
            os._exit(0)
        received = signal.sigwait(control)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        signal.sigtimedwait([signal.SIGCHLD], 0)  # the SIGCHLD of the server just killed
        if received != signal.SIGHUP:
            sys.exit(0 if received != signal.SIGCHLD else 1)


def _die_with_parent() -> None:
    """Have the kernel kill this process when its parent ends (Linux ``PR_SET_PDEATHSIG``): a
    forked server must not outlive the process holding its data, even one killed outright."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not Linux: the parent's SIGTERM still stops it
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG


if __name__ == "__main__":
    _serve()
