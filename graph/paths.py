"""Where coopgraph finds its data files and keeps its stores."""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def ontology_dir() -> Path:
    """The ``ontology/`` folder: beside the package in a checkout, inside it in a wheel."""
    for candidate in (_HERE.parent / "ontology", _HERE / "_ontology"):
        if (candidate / "coop.ttl").is_file():
            return candidate
    raise FileNotFoundError("ontology/coop.ttl not found beside the graph package")


def seed_file() -> Path:
    """The seed graph (TriG, relative IRIs resolved against the store's base)."""
    return _HERE / "seed" / "seed.trig"


def default_store() -> str:
    """The store used when no ``--store`` is given: ``COOPGRAPH_STORE`` or a per-user folder."""
    if env := os.environ.get("COOPGRAPH_STORE"):
        return env
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return str(data_home / "coopgraph" / "store")
