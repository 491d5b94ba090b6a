"""Bench: the importer on the twin-town file and on N Atlas-shaped generated records.

Each import runs in its own process (a fresh interpreter: the gazetteer and shapes are loaded
as a user's first import would load them, with the gazetteer's disk cache warm) into an
in-memory store with the ontology and seed (the generated records name the seed's funding
instruments). Reported per case: wall time, CPU time (the figure to compare on a shared machine:
wall time stretches with other processes' load), peak RSS, the load average, and the report's counts.
Target (issue 4): the twin-town file, validation included, under 30 s on 2 cores.

    .venv/bin/python -m bench.bench_import              # scale 1 (13,000-odd records)
    .venv/bin/python -m bench.bench_import --scale 0.1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TWIN = ROOT.parent / "shared" / "data" / "twin_cities_raw.csv"
TWIN_MAPPING = ROOT / "mappings" / "twin_cities.yaml"


def _measure(path: Path, mapping: Path | None, scale: float | None = None) -> dict[str, Any]:
    """Import ``path`` in this process and measure it (run in a child process).

    The generated records name the seed's funding instruments (FICOL, the DAECT calls: see
    ``bench.generate.SEED_INSTRUMENTS``) with their amounts, so nothing is preloaded beyond the
    ontology and seed: validation sees the instruments' types in the graph the batch joins.
    """
    from graph.ingest.pipeline import import_file
    from graph.store import open_store

    store = open_store(":memory:")
    store.init()
    content = path.read_bytes()
    load_before = os.getloadavg()[0]
    wall, cpu = time.perf_counter(), time.process_time()
    report = import_file(store, path.name, content, mapping=mapping)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "file": path.name,
        "status": report.status,
        "records": report.records,
        "imported": report.imported,
        "skipped": report.skipped,
        "warnings": len(report.warnings),
        "entities_created": report.created,
        "triples": report.triples,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # The machine may be shared: the 1-minute load average before and after says how much.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def _in_child(path: Path, mapping: Path | None, scale: float | None = None) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.bench_import", "--one", str(path)]
    if mapping is not None:
        args += ["--mapping", str(mapping)]
    if scale is not None:
        args += ["--scale", str(scale)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def run(scale: float = 1.0, workdir: Path | None = None) -> dict[str, Any]:
    """Time the twin-town import and the import of the generated records at ``scale``."""
    from bench import generate

    out: dict[str, Any] = {"scale": scale, "target_twin_town_s": 30}
    if TWIN.is_file():
        out["twin_town"] = _in_child(TWIN, TWIN_MAPPING)
    with tempfile.TemporaryDirectory() as tmp:
        folder = workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        data = generate.generate(scale)
        csv_path = folder / f"atlas-records-{scale}.csv"
        generate.write_csv(data, csv_path)
        out["atlas_records"] = _in_child(csv_path, None, scale)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--mapping", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        scale = args.scale if args.mapping is None else None
        print(json.dumps(_measure(args.one, args.mapping, scale)))
        return
    print(json.dumps(run(args.scale), indent=2))


if __name__ == "__main__":
    main()
