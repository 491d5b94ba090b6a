"""Quick queries skip the worker thread (graph.sparql_workers.quick_or_bounded).

A query seen to answer in under ``QUICK_S`` on the same version of the store runs on the event
loop's thread when no other query is running; anything else goes to a worker as before. Which
thread evaluated a query is read from the real store call (``Store.run_text``, wrapped to note
its thread and then run).
"""

from __future__ import annotations

import asyncio
import functools
import threading

import pytest

from graph import protocol, sparql_workers
from graph.sparql_workers import QuickQueries
from graph.store import Store, open_store

QUERY = "SELECT ?c WHERE { ?c a <https://w3id.org/coopgraph/def#Country> } ORDER BY ?c LIMIT 3"
LIMITS = protocol.Limits(timeout=30, max_rows=1000)


@pytest.fixture
def store(seed_store: Store) -> Store:
    """The session's seeded store (conftest): these tests only read it."""
    return seed_store


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread of each ``Store.run_text`` call from now on."""
    seen: list[str] = []
    real = Store.run_text

    def noting(self: Store, text: str, **kwargs: object) -> object:
        seen.append(threading.current_thread().name)
        return real(self, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "run_text", noting)
    return seen


async def _ask(store: Store, text: str = QUERY) -> bytes:
    answer = await protocol.answer(store, text, limits=LIMITS, dataset=None, choose=lambda form: "json")
    return bytes(answer.body)


def test_a_quick_query_runs_on_the_loop_once_timed_in_a_worker(store: Store, threads: list[str]) -> None:
    async def three() -> list[bytes]:
        return [await _ask(store) for _ in range(3)]

    bodies = asyncio.run(three())
    main = threading.current_thread().name
    assert threads[0].startswith("sparql") and threads[1:] == [main, main]
    assert bodies[0] == bodies[1] == bodies[2] and b"/country/" in bodies[0]


def test_a_write_sends_the_query_back_to_a_worker(threads: list[str]) -> None:
    store = open_store(":memory:")  # its own: this test writes
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"

    async def around_a_write() -> None:
        await _ask(store, text)
        await _ask(store, text)
        store.run_update("INSERT DATA { GRAPH <urn:test:quick> { <urn:a> <urn:b> <urn:c> } }")
        await _ask(store, text)
        await _ask(store, text)

    asyncio.run(around_a_write())
    store.close()
    main = threading.current_thread().name
    assert [t == main for t in threads] == [False, True, False, True]


def test_a_query_over_the_threshold_stays_in_workers(
    store: Store, threads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sparql_workers, "QUICK_S", 0.0)  # every query is "slow"
    text = QUERY.replace("LIMIT 3", "LIMIT 5")

    async def three() -> None:
        for _ in range(3):
            await _ask(store, text)

    asyncio.run(three())
    assert len(threads) == 3 and all(t.startswith("sparql") for t in threads)


def test_a_quick_query_waits_its_turn_while_a_worker_is_busy(store: Store, threads: list[str]) -> None:
    """A busy server keeps its workers' parallelism: a quick query goes to a worker then."""
    text = QUERY.replace("LIMIT 3", "LIMIT 6")
    release = threading.Event()

    async def beside_a_long_job() -> None:
        await _ask(store, text)
        await _ask(store, text)  # quick now, on the loop
        long = asyncio.ensure_future(sparql_workers.bounded(functools.partial(release.wait, 10), 10))
        while sparql_workers.running_queries() == 0:
            await asyncio.sleep(0.005)
        await _ask(store, text)  # a worker is busy: this one goes to another
        release.set()
        await long
        await _ask(store, text)  # idle again: back on the loop

    asyncio.run(beside_a_long_job())
    main = threading.current_thread().name
    assert [t == main for t in threads] == [False, True, False, True]
    assert sparql_workers.running_queries() == 0


def test_a_failing_query_is_not_remembered(store: Store, threads: list[str]) -> None:
    bad = "SELECT ?x WHERE { ?x ?y }"

    async def twice() -> None:
        for _ in range(2):
            with pytest.raises(Exception, match="line 1"):
                await _ask(store, bad)

    asyncio.run(twice())
    assert len(threads) == 2 and all(t.startswith("sparql") for t in threads)


def test_quick_queries_keep_the_most_recent_and_forget_a_slow_run() -> None:
    quick = QuickQueries(size=2)
    quick.record("a", 0.0001)
    quick.record("b", 0.0001)
    assert "a" in quick  # touched: "b" is now the oldest
    quick.record("c", 0.0001)
    assert "b" not in quick and "a" in quick and "c" in quick
    quick.record("a", sparql_workers.QUICK_S)  # as slow as the threshold: no longer quick
    assert "a" not in quick and "c" in quick
