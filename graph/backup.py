"""Backup and restore: the whole store as gzip-compressed N-Quads, on every backend.

N-Quads keeps every named graph (seed, batches, metadata), so a restore gives back the same
dataset, import history and undo included. A restore is one write: the store holds either
the old dataset or the restored one, never a mix.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph as ox

from graph.store import Store, StoreError


def backup(store: Store, path: Path) -> dict[str, object]:
    """Write every quad of ``store`` to ``path`` (``.nq.gz``); returns counts and checksum."""
    tmp = path.with_name(path.name + ".part")
    with gzip.open(tmp, "wb") as out:
        store.export("nquads", out)  # type: ignore[arg-type]
    digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    tmp.replace(path)
    quads = sum(1 for _ in _read(path))
    return {"file": str(path), "quads": quads, "sha256": digest}


def restore(store: Store, path: Path, *, replace: bool = False) -> dict[str, object]:
    """Load a backup into ``store``; refuses a non-empty store unless ``replace``."""
    quads = list(_read(path))
    existing = store.named_graphs()
    if existing and not replace:
        raise StoreError(f"the store holds {len(existing)} named graphs: restore with --replace to overwrite them")
    store.replace(drop=existing, add=quads)
    return {"file": str(path), "quads": len(quads), "graphs": len({q.graph_name for q in quads})}


def _read(path: Path) -> list[ox.Quad]:
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError) as err:
        raise StoreError(f"{path}: not a coopgraph backup (gzip N-Quads): {err}") from err
    try:
        return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as err:
        raise StoreError(f"{path}: damaged backup: {err}") from err
