"""Batches: written with their record in one write, listed, and undone exactly."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from graph import batches
from graph.store import Store


def _write(store: Store, name: str) -> batches.Batch:
    content = name.encode()
    batch = batches.Batch(id=batches.new_batch_id(content), source=f"{name}.csv", checksum=batches.checksum(content))
    thing = URIRef(f"{store.base}project/{name}")
    flag = URIRef(batch.iri(store) + "#flag-1")
    batches.write_batch(store, batch, [(thing, RDFS.label, Literal(name))], [(flag, RDFS.comment, Literal("flagged"))])
    return batch


def test_undo_removes_exactly_one_batch(empty_store: Store) -> None:
    first = _write(empty_store, "first")
    second = _write(empty_store, "second")
    listed = batches.list_batches(empty_store)
    assert [row["source"] for row in listed] == ["first.csv", "second.csv"]
    before = {str(q) for q in empty_store.quads()}
    batches.undo(empty_store, second.id)
    after = {str(q) for q in empty_store.quads()}
    assert after < before
    assert [row["source"] for row in batches.list_batches(empty_store)] == ["first.csv"]
    assert not empty_store.ask("ASK { ?s ?p 'second' }")
    assert not empty_store.ask("ASK { ?s ?p 'flagged' FILTER(CONTAINS(STR(?s), ?id)) }", id=Literal(second.id))
    assert empty_store.ask("ASK { ?s ?p 'first' }")
    assert batches.exists(empty_store, first.id)


def test_undo_of_an_unknown_batch_is_refused(empty_store: Store) -> None:
    import pytest

    with pytest.raises(KeyError):
        batches.undo(empty_store, "20200101T000000-deadbeef")
    with pytest.raises(KeyError):
        batches.undo(empty_store, "../../etc")
