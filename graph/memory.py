"""Give the memory a large build freed back to the operating system.

A server builds big per-version structures (the map index, the network tables, the search
index) from streams of rows it discards as it goes. The allocator keeps the freed pages for
later use, so the process would hold much of every build's scratch space long after.
``malloc_trim`` returns glibc's free pages (anywhere in the heap, since glibc 2.8) once a build
is done: at Atlas 10× the server held 85–150 MB less after its map, list, search and network
builds, so the next build starts from that much less. (Python's own small-object arenas are
freed only when wholly empty; running with ``PYTHONMALLOC=malloc`` to put those under glibc too
was no better, and slower.) Under jemalloc (:mod:`graph.allocator`), the same is jemalloc's own
purge of every arena's unused dirty pages (``arena.<all>.purge``): glibc's trim has nothing to
give back there.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from graph.allocator import in_use

__all__ = ["RELEASE_AFTER_S", "release", "released_after"]

RELEASE_AFTER_S = 1.0
"""Work that took this long (a per-version build, a big query) is followed by :func:`release`:
it read many rows it no longer holds, and a trim (a few ms on a heap of 500 MB) is then noise."""


_ARENAS_ALL = 4096
"""jemalloc 5's ``MALLCTL_ARENAS_ALL``: the arena index that names every arena."""


@cache
def _trim() -> Callable[[], object] | None:
    """How to give free pages back on the allocator in use: jemalloc's purge of all arenas, or
    glibc's ``malloc_trim``; ``None`` where there is neither (musl, macOS, Windows)."""
    if in_use() == "jemalloc":
        try:
            mallctl = ctypes.CDLL(None).mallctl
        except (OSError, AttributeError):
            return None
        command = f"arena.{_ARENAS_ALL}.purge".encode()
        return lambda: mallctl(command, None, None, None, 0)
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        malloc_trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return lambda: malloc_trim(0)


def release(*, collect: bool = False) -> bool:
    """Return the allocator's free pages to the system; whether there was a way to.

    With ``collect``, first free what only a full garbage collection frees, objects held in
    reference cycles, which the collector's full pass reaches rarely: networkx's Louvain leaves
    many (at Atlas 10×, after the communities, a collection freed 240,000 objects and 72 MB of
    RSS, in 0.5 s, during which the other threads wait: done after work of a second or more).
    """
    if collect:
        gc.collect()
    trim = _trim()
    if trim is None:
        return False
    trim()
    return True


@contextmanager
def released_after() -> Iterator[None]:
    """Run the block, then :func:`release` if it took :data:`RELEASE_AFTER_S` or more (also when
    it failed): a big query's hash tables and rows, given back once it is done."""
    started = time.monotonic()
    try:
        yield
    finally:
        if time.monotonic() - started >= RELEASE_AFTER_S:
            release()
