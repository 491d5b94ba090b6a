"""Large builds give their scratch memory back to the system (graph.memory)."""

from __future__ import annotations

import asyncio
import gc
import platform
import weakref

import pytest

from graph import cache as cache_module
from graph import memory, protocol
from graph.cache import ResultCache
from graph.memory import release
from graph.store import open_store


def test_release_works_where_glibc_is() -> None:
    assert release() is (platform.libc_ver()[0] == "glibc")


def test_a_slow_build_is_followed_by_a_release(monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[bool] = []
    monkeypatch.setattr(cache_module, "release", lambda collect=False: released.append(collect) or True)
    store = open_store(":memory:")
    cache = ResultCache()
    monkeypatch.setattr(cache_module, "RELEASE_AFTER_S", 3600.0)
    assert cache.get(store, "quick", lambda: 1) == 1 and released == []
    monkeypatch.setattr(cache_module, "RELEASE_AFTER_S", 0.0)
    assert cache.get(store, "slow", lambda: 2) == 2 and released == [True]
    assert cache.get(store, "slow", lambda: 3) == 2 and released == [True]  # a hit builds nothing


def test_a_long_endpoint_query_is_followed_by_a_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways a query takes through graph.protocol (the endpoint's one-job path and
    run_query) give memory back after a query that took long, also when it failed."""
    released: list[bool] = []
    monkeypatch.setattr(memory, "release", lambda collect=False: released.append(collect) or True)
    store = open_store(":memory:")
    limits = protocol.Limits(timeout=10.0)
    text = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    prepared = protocol.prepare_query(text, base=store.base, limits=limits)
    monkeypatch.setattr(memory, "RELEASE_AFTER_S", 3600.0)
    protocol.run_query(store, prepared, "json", max_rows=10)
    assert released == []
    monkeypatch.setattr(memory, "RELEASE_AFTER_S", 0.0)
    protocol.run_query(store, prepared, "json", max_rows=10)
    asyncio.run(protocol.answer(store, text, limits=limits, dataset=None, choose=lambda form: "json"))
    with pytest.raises(protocol.ProtocolError):
        asyncio.run(protocol.answer(store, "SELECT * WHERE {", limits=limits, dataset=None, choose=lambda f: "json"))
    assert released == [False, False, False]


def test_a_release_with_collect_frees_objects_held_only_by_a_cycle() -> None:
    """What only the collector frees (objects in reference cycles) goes at a release with collect."""

    class Cyclic:
        me: object = None

    enabled = gc.isenabled()
    gc.disable()
    try:
        kept = Cyclic()
        kept.me = kept
        gone = weakref.ref(kept)
        del kept
        assert gone() is not None
        release()
        assert gone() is not None  # a trim alone frees no object
        release(collect=True)
        assert gone() is None
    finally:
        if enabled:
            gc.enable()
