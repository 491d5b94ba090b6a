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
import functools
import threading
from collections.abc import Callable
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
        try:
            return job()
        finally:
            with _LOCK:
                state["done"] = True
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
