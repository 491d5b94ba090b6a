"""The stores a run measures: coopgraph's (ontology, seed and the generated batch, loaded once and
then reused), the union of its quads as one N-Quads file, and raw Oxigraph's own store of it.

Each loaded folder holds ``bench-loaded.json``, a marker saying what was loaded and how long it
took; a later run that finds it measures the store as it is (see ``Options.reuse_store``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import generate as gen
from bench.atlas_rdf import write_quads

MARKER = "bench-loaded.json"


def loaded(store_dir: Path) -> dict[str, Any] | None:
    """What the marker of a loaded store says, or ``None`` if the folder holds no loaded store."""
    marker = store_dir / MARKER
    if not marker.is_file():
        return None
    try:
        known = json.loads(marker.read_text(encoding="utf-8"))
    except ValueError:
        return None
    return known if isinstance(known, dict) else None


def coopgraph_store(
    store_dir: Path, data: Callable[[], gen.Generated], base: str, reuse: bool = True
) -> tuple[dict[str, Any], gen.Generated | None]:
    """The store to measure, and the generated data if it had to be generated.

    With ``reuse`` a store loaded before is taken as it is and ``data`` is not called: at 10×
    generating takes minutes and loading several more. Otherwise the data is generated (or its
    files reused) and the store reloaded unless it already holds exactly that data.
    """
    known = loaded(store_dir)
    if reuse and known is not None:
        return {**known, "reused": True}, None
    generated = data()
    return load_coopgraph_store(store_dir, generated, base), generated


def load_coopgraph_store(store_dir: Path, data: gen.Generated, base: str) -> dict[str, Any]:
    """Ontology, shapes and seed through ``Store.init``, then the bench batch bulk-loaded, with
    its PROV-O record: a store as an import would leave it. Reused if already loaded."""
    from graph.batches import Batch, record_quads
    from graph.store import open_store

    known = loaded(store_dir)
    if known is not None and known.get("batch_id") == data.batch_id and known.get("quads") == data.quads:
        return {**known, "reused": True}
    if store_dir.exists():
        shutil.rmtree(store_dir)
    started = time.perf_counter()
    store = open_store(str(store_dir), base=base)
    notes = []
    try:
        store.init()
    except Exception as err:
        notes.append(f"store.init failed ({type(err).__name__}: {err}); loaded the ontology files alone")
        from graph.paths import ontology_dir

        for path in sorted(ontology_dir().glob("*.ttl")):
            graph = store.graph("shapes" if path.stem == "shapes" else "ontology")
            store.backend.ox.bulk_load(  # type: ignore[union-attr]
                path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base, to_graph=ox.NamedNode(graph)
            )  # type: ignore[union-attr]
    init_s = time.perf_counter() - started
    bulk = time.perf_counter()
    store.backend.ox.bulk_load(path=str(data.nquads), format=ox.RdfFormat.N_QUADS)  # type: ignore[union-attr]
    batch = Batch(id=data.batch_id, source=data.nquads.name, records=data.counts["projects"], label="benchmark data")
    store.add(record_quads(store, batch))
    bulk_s = time.perf_counter() - bulk
    triples = store.stats()["triples"]
    store.close()
    result = {
        "batch_id": data.batch_id,
        "quads": data.quads,
        "generator": gen.GENERATOR_VERSION,
        "counts": data.counts,
        "init_s": round(init_s, 2),
        "bulk_load_s": round(bulk_s, 2),
        "load_s": round(time.perf_counter() - started, 2),
        "triples": triples,
        "notes": notes,
    }
    (store_dir / MARKER).write_text(json.dumps(result), encoding="utf-8")
    return result


def export_union(store_dir: Path, target: Path) -> int:
    """Every quad of the loaded store as N-Quads: the one file every peer loads."""
    store = ox.Store.read_only(str(store_dir))
    tmp = target.with_suffix(".part")
    count = write_quads(store, tmp)
    tmp.replace(target)
    return count


def load_oxigraph_store(store_dir: Path, nquads: Path) -> dict[str, Any]:
    """``oxigraph load`` of the union file into a fresh folder (the engine's own bulk loader)."""
    from graph.servers import oxigraph_binary

    stamp = f"{nquads.stat().st_size}-{nquads.stat().st_mtime_ns}"
    known = loaded(store_dir)
    if known is not None and known.get("stamp") == stamp:
        return {**known, "reused": True}
    if store_dir.exists():
        shutil.rmtree(store_dir)
    started = time.perf_counter()
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(store_dir), "--file", str(nquads)],
        check=True,
        capture_output=True,
    )
    result = {"load_s": round(time.perf_counter() - started, 2), "stamp": stamp}
    (store_dir / MARKER).write_text(json.dumps(result), encoding="utf-8")
    return result
