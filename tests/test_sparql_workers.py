"""The query workers' hand-off (graph/sparql_workers.py): answers, errors, the deadline, a
client that goes away, and the runaway count, on real threads and a real event loop."""

from __future__ import annotations

import asyncio
import functools
import threading
import time

import pytest

from graph import sparql_workers
from graph.sparql_errors import QueryTimeout
from graph.sparql_workers import Busy, bounded, runaway_queries


def _run(coroutine_function: functools.partial[object]) -> object:
    return asyncio.run(coroutine_function())


def _wait_until(condition: functools.partial[bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert condition()


@pytest.fixture(autouse=True)
def _no_runaways() -> None:
    """Each test counts runaways from zero: queries left running by other tests of this process
    (the endpoint's own tests make some on purpose) end on their own first."""
    _wait_until(functools.partial(lambda: runaway_queries() == 0), timeout=120.0)


def test_answer_comes_back_from_a_worker_thread() -> None:
    async def main() -> tuple[int, str]:
        return await bounded(functools.partial(lambda: (41 + 1, threading.current_thread().name)), 5.0)

    value, thread = _run(functools.partial(main))  # type: ignore[misc]
    assert value == 42 and thread.startswith("sparql") and thread != threading.current_thread().name


def test_a_jobs_error_is_raised_to_the_caller_as_it_is() -> None:
    def fail() -> None:
        raise ValueError("bad term at line 3")

    async def main() -> None:
        await bounded(functools.partial(fail), 5.0)

    with pytest.raises(ValueError, match="bad term at line 3"):
        _run(functools.partial(main))


def test_the_deadline_answers_while_the_job_runs_on_and_is_counted_until_it_ends() -> None:
    release = threading.Event()
    started = threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "late"

    async def main() -> float:
        t = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"time limit of 0\.2 s"):
            await bounded(functools.partial(slow), 0.2)
        return time.monotonic() - t

    waited = _run(functools.partial(main))
    assert started.is_set() and 0.2 <= waited < 5  # type: ignore[operator]
    assert runaway_queries() == 1
    release.set()
    _wait_until(functools.partial(lambda: runaway_queries() == 0))


def test_runaways_holding_all_workers_but_one_make_new_queries_busy() -> None:
    release = threading.Event()

    def stuck() -> None:
        release.wait(10)

    async def main() -> None:
        for _ in range(sparql_workers.WORKERS - 1):
            with pytest.raises(QueryTimeout):
                await bounded(functools.partial(stuck), 0.05)
        with pytest.raises(Busy):
            await bounded(functools.partial(lambda: 1), 5.0)

    try:
        _run(functools.partial(main))
    finally:
        release.set()
    _wait_until(functools.partial(lambda: runaway_queries() == 0))
    assert _run(functools.partial(lambda: bounded(functools.partial(lambda: 7), 5.0))) == 7


def test_a_query_whose_client_went_away_never_starts() -> None:
    """All workers busy, a queued query's waiting task is cancelled (the client disconnected):
    its job is skipped when a worker frees up, and its ``cancelled`` event is set."""
    release = threading.Event()
    ran: list[str] = []
    cancelled = threading.Event()

    def hold() -> None:
        release.wait(10)

    async def main() -> None:
        holders = [asyncio.ensure_future(bounded(functools.partial(hold), 10.0)) for _ in range(sparql_workers.WORKERS)]
        await asyncio.sleep(0.1)
        queued = asyncio.ensure_future(bounded(functools.partial(lambda: ran.append("queued")), 10.0, cancelled))
        await asyncio.sleep(0.05)
        queued.cancel()
        with pytest.raises(asyncio.CancelledError):
            await queued
        release.set()
        await asyncio.gather(*holders)
        await bounded(functools.partial(lambda: None), 5.0)  # every worker has been through its queue

    _run(functools.partial(main))
    assert cancelled.is_set() and ran == []
