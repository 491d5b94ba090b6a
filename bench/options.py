"""What one benchmark run measures: the engines, the scale, the repetitions and the limits."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.namespaces import DEFAULT_BASE

ENGINES = ("coopgraph", "oxigraph", "rdflib_endpoint", "rdflib")
"""coopgraph's /sparql, raw Oxigraph server, rdflib-endpoint, rdflib in process."""


@dataclass
class Options:
    """What one run measures."""

    scale: float = 1.0
    seed: int = 42
    repetitions: int = 10
    peers: bool = True
    """Run rdflib-endpoint and rdflib in process (the slow peers); raw Oxigraph always runs."""
    engines: tuple[str, ...] = ENGINES
    workdir: Path | None = None
    """Where data and stores go (kept between runs: an existing store is reused)."""
    output: Path | None = None
    base: str = DEFAULT_BASE
    rdflib_cap_s: float = 30.0
    """The in-process rdflib baseline skips a query after this many seconds."""
    endpoint_cap_s: float | None = None
    """rdflib-endpoint's cap per query (``None``: ``rdflib_cap_s``): the whole-set ratio against it
    is a lower bound while any of its queries is capped, so it may need more time than rdflib."""
    peer_repetitions: int | None = None
    """Timed calls per query on the slow peers (rdflib-endpoint, rdflib), then without a warm-up
    call; ``None``: ``repetitions`` after a warm-up, as for the servers. One call with a high cap
    measures more of the peers' slow queries than several under a low cap, in the same time."""
    http_timeout_s: float = 120.0
    """The most one HTTP call (a SPARQL query, a REST route) may take; a slower one is recorded
    as a timeout, and the run goes on."""
    rest: bool = True
    extensions: bool | tuple[str, ...] = True
    """Run the helpers: all of them (``True``), none (``False``), or those named (``"import"``,
    ``"network"``, ``"map"``)."""
    network_memory: bool = True
    """Also measure each network analysis's peak memory, in a second pass under tracemalloc (which
    makes Python several times slower: at 1× it costs minutes)."""
    competency_questions: bool = True
    """Add the cq*.rq queries of graph/queries to the set (some are slow at scale)."""
    queries: tuple[str, ...] = ()
    """Measure only the queries so named (shell wildcards); empty: the whole set. A run on part of
    the set reports no whole-set ratio against rdflib-endpoint (it would not be the set's)."""
    reuse_store: bool = True
    """A coopgraph store the harness loaded before (its folder holds ``bench-loaded.json``) is
    measured as it is, without generating or loading the data again, even if the generator has
    changed since (the results say which generator version loaded it). ``False``: regenerate and
    reload when the data of this generator differs from what the store holds."""
    reload: bool = False
    """Generate the data again and load it into a fresh store, even where a loaded store and
    generated files are there (``coopgraph bench --reload``)."""
    allocator: str = "auto"
    """The memory allocator of every server the run starts (coopgraph, raw Oxigraph,
    rdflib-endpoint; :mod:`graph.allocator`), so that the engines are compared on the same
    malloc; each server's is recorded as ``allocator``."""
    log: Callable[[str], None] = field(default=lambda message: print(message, file=sys.stderr, flush=True))

    def wants_extension(self, name: str) -> bool:
        """Whether the helper ``bench_<name>`` runs."""
        return self.extensions if isinstance(self.extensions, bool) else name in self.extensions

    def active(self) -> tuple[str, ...]:
        slow = {"rdflib_endpoint", "rdflib"}
        return tuple(e for e in self.engines if self.peers or e not in slow)
