"""Where the endpoint's queries and updates run: worker threads, a deadline, and a guard
against queries that outlive it.

pyoxigraph has no cancellation, so a query that runs past its deadline cannot be stopped: the
client gets its 503 at the deadline while the evaluation goes on in its worker thread (a
*runaway*). Once runaways hold all workers but one, new queries are refused at once
(:class:`Busy`, 503) instead of queueing behind them; a queued query whose client gave up never
starts. Updates have their own worker and are never abandoned half-way: they are atomic and
run to completion (a client told "timeout" must not find the update applied).

A query seen to answer in under :data:`QUICK_S` (10 ms) skips the worker the next time it is
asked of the same version of the store while no other query is running (:func:`quick_or_bounded`):
the hand-off to a thread and back costs 0.1–0.3 ms, as much as a 1 ms query itself. It is evaluated
anew each time (nothing of its answer is kept); what is remembered is only that it is cheap.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from graph.sparql_errors import QueryTimeout

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What the endpoint allows one request."""

    timeout: float = 10.0
    max_rows: int = 100_000
    allow: tuple[str, ...] = ()
    """SERVICE / LOAD targets allowed (empty: none)."""


WORKERS = 4
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="sparql")
_UPDATES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparql-update")
"""Updates have their own worker: a runaway query never delays a write (writes are serialised
by the store anyway)."""
_LOCK = threading.Lock()
_RUNAWAY = [0]
"""Queries still running in a worker after their client got its 503."""
_RUNNING = [0]
"""Queries running in a worker now (runaways included)."""
QUICK_S = 0.010
"""A query answered in less time than this runs on the event loop when next asked (see above).
The hand-off to a worker and back measured 0.3 ms on a 5 ms query at Atlas 10× (both threads
woken from sleep), so queries of up to 10 ms gain 3–15 %; what it costs is that a request
arriving meanwhile waits for such a query, as it waits for any thread holding the interpreter
(whose switch interval is 5 ms)."""


class Busy(QueryTimeout):
    """The query workers are held by queries running past their deadline: retry later."""


def runaway_queries() -> int:
    """How many queries are still running past their deadline (for tests and health checks)."""
    with _LOCK:
        return _RUNAWAY[0]


async def bounded(job: functools.partial[T], timeout: float, cancelled: threading.Event | None = None) -> T:
    """``job`` in a query worker, given up at ``timeout``; refused (:class:`Busy`) while runaway
    queries hold all workers but one."""
    cancelled = cancelled or threading.Event()
    state = {"running": False, "done": False, "runaway": False}
    with _LOCK:
        if _RUNAWAY[0] >= WORKERS - 1:
            raise Busy(f"{_RUNAWAY[0]} long queries are still running; retry in a few seconds")

    def run() -> T:
        with _LOCK:
            if cancelled.is_set():  # the client gave up while this waited in the queue
                state["done"] = True
                raise QueryTimeout("the query waited past the time limit")
            state["running"] = True
            _RUNNING[0] += 1
        try:
            return job()
        finally:
            with _LOCK:
                state["done"] = True
                _RUNNING[0] -= 1
                if state["runaway"]:
                    _RUNAWAY[0] -= 1

    future = asyncio.get_running_loop().run_in_executor(_POOL, run)
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout=timeout)
    except TimeoutError as err:
        with _LOCK:
            cancelled.set()
            if state["running"] and not state["done"]:
                state["runaway"] = True
                _RUNAWAY[0] += 1
        raise QueryTimeout(f"the query ran past the time limit of {timeout:g} s") from err


class QuickQueries:
    """Keys (the store's version, a digest of a query text, its dataset) of queries that
    answered in under :data:`QUICK_S`, the ``size`` most recent. A write moves the store's
    version, so a query is timed in a worker again after every change of the data."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._keys: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            if key not in self._keys:
                return False
            self._keys.move_to_end(key)
            return True

    def record(self, key: Hashable, seconds: float) -> None:
        """Remember ``key`` if it took under :data:`QUICK_S`; forget it if it did not."""
        with self._lock:
            if seconds >= QUICK_S:
                self._keys.pop(key, None)
                return
            self._keys[key] = None
            self._keys.move_to_end(key)
            while len(self._keys) > self.size:
                self._keys.popitem(last=False)


async def quick_or_bounded(
    job: functools.partial[T], timeout: float, cancelled: threading.Event, *, key: Hashable, quick: QuickQueries
) -> T:
    """``job`` on the calling (event-loop) thread if ``key`` is in ``quick`` and no query is
    running in a worker (a busy server keeps its workers' parallelism), else :func:`bounded`;
    either way its time is recorded in ``quick``. An error is not timed: it costs little and says
    nothing of the next run."""

    def timed() -> T:
        started = time.perf_counter()
        result = job()
        quick.record(key, time.perf_counter() - started)
        return result

    with _LOCK:
        idle = _RUNNING[0] == 0
    if idle and key in quick:
        return timed()
    return await bounded(functools.partial(timed), timeout, cancelled)


def running_queries() -> int:
    """How many queries are running in a worker now (for tests and health checks)."""
    with _LOCK:
        return _RUNNING[0]


async def in_update_worker(job: Callable[[], None]) -> None:
    """``job`` (a write) in the update worker, awaited to its end: never abandoned."""
    await asyncio.get_running_loop().run_in_executor(_UPDATES, job)


def detached(job: Callable[[], T]) -> T:
    """``job()``, its error raised without the traceback: pyoxigraph's result iterators may only
    be dropped on the thread that made them, and a traceback would carry them to another."""
    try:
        return job()
    except Exception as err:
        failure = err
        err.__traceback__ = None
    raise failure
