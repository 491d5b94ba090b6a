"""Which memory allocator the server runs on, and running it on jemalloc.

At Atlas 10× the store's big queries (aggregations over millions of quads, the full edge list)
spend much of their time in malloc. On glibc's allocator they also get slower after a big answer
(``agg_partnerships_by_year`` 1.37–1.43 s before the edge list, 1.61–1.77 s after, in process);
on jemalloc they do not (1.14 s before and after), the eleven bench queries take 21 % less time,
the server's peak RSS is lower (881 against 970 MiB) and raw Oxigraph's falls from 2.35 GiB to
0.22 GiB (BENCHMARKS.md, eighth session). An allocator can only be chosen before the process
starts, so ``coopgraph serve`` re-executes itself, same process id and arguments, with Debian's
``libjemalloc2`` in ``LD_PRELOAD`` (``make run`` installs it); where it is missing the server
starts on the system allocator and says so.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

__all__ = ["CHOICES", "AllocatorError", "in_use", "jemalloc_library", "preload_env", "reexec"]

CHOICES = ("auto", "jemalloc", "system")
"""``auto``: jemalloc where it is installed, else the system's; ``jemalloc``: jemalloc or an
error; ``system``: the C library's own malloc, as Python starts by default."""

LIBRARY_ENV = "COOPGRAPH_JEMALLOC"
"""An explicit path to ``libjemalloc.so.2``, for a library outside the usual folders."""

_NAME = "libjemalloc.so.2"
_FOLDERS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib")


class AllocatorError(RuntimeError):
    """jemalloc was asked for and cannot be had."""


def jemalloc_library(env: Mapping[str, str] = os.environ) -> Path | None:
    """Where ``libjemalloc.so.2`` is: ``$COOPGRAPH_JEMALLOC`` if set (``None`` if that file is
    missing, so a wrong path is not silently replaced), else the first of Debian's and the usual
    library folders that holds it."""
    explicit = env.get(LIBRARY_ENV)
    if explicit:
        path = Path(explicit)
        return path if path.is_file() else None
    for folder in _FOLDERS:
        path = Path(folder, _NAME)
        if path.is_file():
            return path
    return None


def preload_env(choice: str = "auto", env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """The environment for a server process on the allocator ``choice``: ``env`` with jemalloc
    put first in ``LD_PRELOAD`` (or taken out of it, for ``system``).

    Raises :class:`AllocatorError` for ``jemalloc`` when the library is missing.
    """
    if choice not in CHOICES:
        raise AllocatorError(f"unknown allocator {choice!r}: one of {', '.join(CHOICES)}")
    out = dict(env)
    others = [p for p in out.get("LD_PRELOAD", "").split() if "jemalloc" not in Path(p).name]
    library = None if choice == "system" else jemalloc_library(env)
    if library is None and choice == "jemalloc":
        where = env.get(LIBRARY_ENV) or " or ".join(_FOLDERS)
        raise AllocatorError(f"jemalloc asked for, but {_NAME} is not in {where} (make allocator-deps installs it)")
    preload = ([str(library)] if library else []) + others
    if preload:
        out["LD_PRELOAD"] = " ".join(preload)
    else:
        out.pop("LD_PRELOAD", None)
    return out


def in_use(pid: int | str = "self") -> str:
    """``"jemalloc"`` if it is mapped into process ``pid``, else ``"system"`` (read from
    ``/proc/<pid>/maps``; ``"unknown"`` where there is no ``/proc``)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "unknown"
    return "jemalloc" if "libjemalloc" in maps else "system"


def reexec(choice: str) -> None:
    """Replace this process by itself on the allocator ``choice`` if it is not on it already.

    Called before anything is opened (the store's lock, the port): the new image starts from
    the same command line, with the environment of :func:`preload_env`, and returns here with
    nothing left to do. A process already on the right ``LD_PRELOAD`` never re-executes, so the
    loader failing to preload the library cannot loop.
    """
    env = preload_env(choice)
    if env.get("LD_PRELOAD") == os.environ.get("LD_PRELOAD"):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
