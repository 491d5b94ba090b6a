"""Start and stop local servers on 127.0.0.1: an Oxigraph SPARQL server and coopgraph itself.

Tests, benchmarks and notebooks all need a real server on loopback; this is the one place
that knows how to start one, wait until it answers, and stop it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Running:
    """A server that answers: its root URL and process."""

    url: str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Poll ``url`` until it answers; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering at {url}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"no answer from {url} after {timeout:.0f} s")


def oxigraph_binary() -> str:
    """The ``oxigraph`` command from the PyPI package ``oxigraph`` (beside this Python first)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise FileNotFoundError("the 'oxigraph' command is missing: pip install oxigraph")
    return found


@contextmanager
def oxigraph_server(
    location: Path | None = None, *, timeout_s: int | None = None, env: dict[str, str] | None = None
) -> Iterator[Running]:
    """An ``oxigraph serve`` on 127.0.0.1 reading the union of its graphs by default, in ``env``
    (the whole environment; this one's by default)."""
    port = free_port()
    cmd = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    if location is not None:
        cmd += ["--location", str(location)]
    if timeout_s is not None:
        cmd += ["--timeout-s", str(timeout_s)]
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/query?query=ASK%7B%7D", process)
        yield Running(url, process)
    finally:
        _stop(process)


@contextmanager
def coopgraph_server(
    store: str, *, env: dict[str, str] | None = None, extra: list[str] | None = None
) -> Iterator[Running]:
    """``coopgraph serve`` on 127.0.0.1 over ``store`` (a folder, ``:memory:`` or an endpoint URL)."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "graph.cli",
        "serve",
        "--store",
        store,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(
        cmd + (extra or []),
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/healthz", process, timeout=60)
        yield Running(url, process)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
