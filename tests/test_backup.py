"""Backup and restore round-trip every named graph, on every backend."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.backup import backup, restore
from graph.store import Store, StoreError, open_store


def _quads(store: Store) -> set[str]:
    return {str(q) for q in store.quads()}


def test_round_trip(empty_store: Store, tmp_path: Path) -> None:
    g1, g2 = ox.NamedNode("http://example.org/g1"), ox.NamedNode("http://example.org/g2")
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    empty_store.add([ox.Quad(s, p, ox.Literal('é "quoted"\nline', language="fr"), g1), ox.Quad(s, p, s, g2)])
    before = _quads(empty_store)
    info = backup(empty_store, tmp_path / "b.nq.gz")
    assert info["quads"] == 2
    target = open_store(str(tmp_path / "restored"))
    restore(target, tmp_path / "b.nq.gz")
    assert _quads(target) == before
    with pytest.raises(StoreError, match="--replace"):
        restore(target, tmp_path / "b.nq.gz")
    restore(target, tmp_path / "b.nq.gz", replace=True)
    assert _quads(target) == before


def test_a_damaged_backup_changes_nothing(empty_store: Store, tmp_path: Path) -> None:
    empty_store.add(
        [ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("x"), ox.NamedNode("http://e/g"))]
    )
    before = _quads(empty_store)
    bad = tmp_path / "bad.nq.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(StoreError, match="not a coopgraph backup"):
        restore(empty_store, bad, replace=True)
    assert _quads(empty_store) == before
