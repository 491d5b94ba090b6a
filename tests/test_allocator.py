"""``coopgraph serve`` on jemalloc: found, preloaded by re-executing itself, refused when missing,
and its pages given back by :func:`graph.memory.release` (graph/allocator.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from graph.allocator import AllocatorError, in_use, jemalloc_library, preload_env
from graph.cli import main
from graph.servers import free_port, wait_until_up

JEMALLOC = jemalloc_library({})
needs_jemalloc = pytest.mark.skipif(
    JEMALLOC is None, reason="Debian's libjemalloc2 is not installed (make allocator-deps)"
)


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "COOPGRAPH_ALLOCATOR", "COOPGRAPH_JEMALLOC")}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def test_preload_env_puts_jemalloc_first_and_keeps_other_preloads(tmp_path: Path) -> None:
    library = tmp_path / "libjemalloc.so.2"
    library.write_bytes(b"")
    env = {"COOPGRAPH_JEMALLOC": str(library), "LD_PRELOAD": "/opt/old/libjemalloc.so.1 /lib/libother.so", "X": "1"}
    assert preload_env("auto", env)["LD_PRELOAD"] == f"{library} /lib/libother.so"
    assert preload_env("jemalloc", env)["X"] == "1"
    assert preload_env("system", env)["LD_PRELOAD"] == "/lib/libother.so"
    assert "LD_PRELOAD" not in preload_env("system", {"LD_PRELOAD": str(library)})


def test_a_missing_jemalloc_is_an_error_only_when_asked_for(tmp_path: Path) -> None:
    env = {"COOPGRAPH_JEMALLOC": str(tmp_path / "nowhere.so")}
    assert jemalloc_library(env) is None  # a wrong explicit path is not replaced by a found one
    assert "LD_PRELOAD" not in preload_env("auto", env)
    with pytest.raises(AllocatorError, match=r"nowhere\.so"):
        preload_env("jemalloc", env)
    with pytest.raises(AllocatorError, match="unknown allocator 'tcmalloc'"):
        preload_env("tcmalloc", env)


def test_serve_refuses_a_missing_jemalloc_before_opening_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    missing = str(tmp_path / "nowhere.so")
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--store", str(store), "--allocator", "jemalloc"]
    done = subprocess.run(cmd, env=_env(COOPGRAPH_JEMALLOC=missing), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--allocator" in done.stderr and "nowhere.so" in done.stderr
    assert not store.exists()
    # in process (a caller's command line, as here) serve never re-executes, and still refuses
    result = CliRunner().invoke(
        main, ["serve", "--store", str(store), "--allocator", "jemalloc"], env={"COOPGRAPH_JEMALLOC": missing}
    )
    assert result.exit_code == 2 and "nowhere.so" in result.output and not store.exists()


def _serve(choice: str | None, log: Path) -> tuple[str, str]:
    """Start ``serve`` as a user would (no LD_PRELOAD); the allocator mapped into the process
    that answers, and the line it printed."""
    port = free_port()
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--store", ":memory:", "--port", str(port), "--no-warm"]
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, env=_env(COOPGRAPH_ALLOCATOR=choice), stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", process, timeout=60)
            assert httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": "quito"}).status_code == 200
            mapped = in_use(process.pid)  # the same process id: re-executed, not forked
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    line = next(x for x in log.read_text(errors="replace").splitlines() if x.startswith("serving"))
    return mapped, line


@needs_jemalloc
def test_serve_reexecutes_itself_on_jemalloc_unless_told_not_to(tmp_path: Path) -> None:
    mapped, line = _serve(None, tmp_path / "auto.log")
    assert mapped == "jemalloc" and line.endswith("(allocator: jemalloc)")
    mapped, line = _serve("system", tmp_path / "system.log")
    assert mapped == "system" and line.endswith("(allocator: system)")


_RELEASE = """
import json, sys
from graph.allocator import in_use
from graph.memory import release

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096

chunks = [bytearray(64 * 1024) for _ in range(4000)]  # 250 MiB in chunks an arena keeps
pin = bytearray(64 * 1024)  # above them, so that freeing them cannot simply shrink the heap
del chunks
before = rss()
given = release()
print(json.dumps({"allocator": in_use(), "given": given, "before": before, "after": rss()}))
"""


@pytest.mark.parametrize("choice", ["system", pytest.param("jemalloc", marks=needs_jemalloc)])
def test_release_gives_freed_memory_back_on_either_allocator(choice: str) -> None:
    # jemalloc's own decay would give some pages back on its own time: off, so release() must
    env = preload_env(choice, _env(MALLOC_CONF="dirty_decay_ms:-1,muzzy_decay_ms:-1"))
    done = subprocess.run([sys.executable, "-c", _RELEASE], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["allocator"] == choice and figures["given"] is True
    assert figures["before"] - figures["after"] > 150 * 2**20, figures
