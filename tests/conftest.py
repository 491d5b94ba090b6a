"""Shared fixtures: stores on every backend, a real Oxigraph server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from graph.servers import Running, oxigraph_server
from graph.store import Store, open_store

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

BACKENDS = ["memory", "disk", "remote"]


@pytest.fixture(scope="session")
def oxigraph() -> Iterator[Running]:
    """One Oxigraph server for the session (in memory, union default graph), with a time limit
    of its own, as a deployment behind coopgraph has: a query that a test lets run past the
    endpoint's deadline ends there instead of holding a query worker for the store client's
    60 s (a later test waiting for the workers to be free gives up after 60 s)."""
    with oxigraph_server(timeout_s=20) as server:
        yield server


def _open(kind: str, tmp: Path, request: pytest.FixtureRequest) -> Store:
    if kind == "memory":
        return open_store(":memory:")
    if kind == "disk":
        return open_store(str(tmp / "store"))
    server: Running = request.getfixturevalue("oxigraph")
    store = open_store(server.url + "/query")
    store.update("DROP SILENT ALL")
    return store


@pytest.fixture(params=BACKENDS)
def empty_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store on each backend in turn."""
    store = _open(request.param, tmp_path, request)
    yield store
    store.close()


@pytest.fixture(scope="session")
def seed_store() -> Iterator[Store]:
    """An in-memory store with the ontology and seed loaded; read it, never write to it."""
    store = open_store(":memory:")
    store.init()
    yield store
    store.close()


@pytest.fixture(params=BACKENDS)
def seeded_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh store with ontology and seed on each backend in turn (tests may write)."""
    store = _open(request.param, tmp_path, request)
    store.init()
    yield store
    store.close()


@pytest.fixture(scope="module")
def api_store() -> Iterator[Store]:
    """An in-memory store with the ontology and the API tests' small graph (tests/api_data.py),
    one per test module; read it, never write to it."""
    from api_data import load

    store = open_store(":memory:")
    load(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def api_client(api_store: Store) -> TestClient:
    """A test client of the whole app over :func:`api_store`."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    return TestClient(create_app(api_store))
