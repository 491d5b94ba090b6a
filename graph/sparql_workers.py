"""Where the endpoint's queries and updates run: worker threads, a deadline, and a guard
against queries that outlive it.

pyoxigraph has no cancellation, so a query that runs past its deadline cannot be stopped: the
client gets its 503 at the deadline while the evaluation goes on in its worker thread (a
*runaway*). Once runaways hold all workers but one, new queries are refused at once
(:class:`Busy`, 503) instead of queueing behind them; a queued query whose client gave up never
starts. Updates have their own worker and are never abandoned half-way: they are atomic and
run to completion (a client told "timeout" must not find the update applied).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

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
_UPDATES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparql-update")
"""Updates have their own worker: a runaway query never delays a write (writes are serialised
by the store anyway)."""
_LOCK = threading.Lock()
_RUNAWAY = [0]
"""Queries still running in a worker after their client got its 503."""


class Busy(QueryTimeout):
    """The query workers are held by queries running past their deadline: retry later."""


class _Workers:
    """``size`` threads taking jobs from one queue, each job's outcome set on the asyncio
    future it came with.

    Why not ``loop.run_in_executor`` on a ``ThreadPoolExecutor``: its way there and back (a
    concurrent future with its condition, chained to an asyncio future, then ``wait_for`` and
    ``shield`` around it) cost about 120 µs a query here, against 33 µs for this queue and one
    ``call_soon_threadsafe`` — as much as Oxigraph takes to answer a small query. The threads
    start with the first job (not at import: a process may fork before it serves)."""

    def __init__(self, size: int, name: str) -> None:
        self.size = size
        self.name = name
        self.jobs: queue.SimpleQueue[tuple[asyncio.AbstractEventLoop, asyncio.Future[Any], Callable[[], Any]]]
        self.jobs = queue.SimpleQueue()
        self.started = False

    def submit(self, job: Callable[[], T]) -> asyncio.Future[T]:
        """``job()`` on a worker thread; its result or error, on the running loop's future."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        if not self.started:
            with _LOCK:
                if not self.started:
                    for n in range(self.size):
                        threading.Thread(target=self._work, name=f"{self.name}_{n}", daemon=True).start()
                    self.started = True
        self.jobs.put((loop, future, job))
        return future

    def _work(self) -> None:
        while True:
            loop, future, job = self.jobs.get()
            try:
                outcome: tuple[Any, BaseException | None] = (job(), None)
            except BaseException as err:  # handed to the awaiting task, which raises it
                outcome = (None, err)
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits for this answer
                loop.call_soon_threadsafe(_settle, future, *outcome)
            del loop, future, job, outcome


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    """On the loop: the worker's outcome, unless the wait already ended (timeout, cancelled)."""
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


_QUERIES = _Workers(WORKERS, "sparql")


def runaway_queries() -> int:
    """How many queries are still running past their deadline (for tests and health checks)."""
    with _LOCK:
        return _RUNAWAY[0]


async def bounded(job: functools.partial[T], timeout: float, cancelled: threading.Event | None = None) -> T:
    """``job`` in a query worker, given up at ``timeout``; refused (:class:`Busy`) while runaway
    queries hold all workers but one. A wait cancelled (the client went away) sets ``cancelled``:
    a job still queued never starts, one running stops at its next deadline check."""
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
        try:
            return job()
        finally:
            with _LOCK:
                state["done"] = True
                if state["runaway"]:
                    _RUNAWAY[0] -= 1

    def expire() -> None:
        if future.done():
            return
        with _LOCK:
            cancelled.set()
            if state["running"] and not state["done"]:
                state["runaway"] = True
                _RUNAWAY[0] += 1
        future.set_exception(QueryTimeout(f"the query ran past the time limit of {timeout:g} s"))

    future = _QUERIES.submit(run)
    timer = asyncio.get_running_loop().call_later(timeout, expire)
    try:
        return await future
    except asyncio.CancelledError:
        cancelled.set()
        raise
    finally:
        timer.cancel()


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
