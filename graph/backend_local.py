"""The embedded backend: Oxigraph on disk (a folder) or in memory, through pyoxigraph.

Every write is one Oxigraph transaction: ``extend`` for pure additions (the fast path), one
SPARQL Update for anything that also removes. Queries run on Oxigraph's own engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from graph.results import Result, from_oxigraph
from graph.sparql_text import Dataset
from graph.sparql_update import with_using


class StoreLockedError(OSError):
    """The store folder is opened read-write by another process."""


class LocalBackend:
    """pyoxigraph ``Store`` at a folder, or in memory when ``path`` is ``None``."""

    def __init__(self, path: Path | None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if path is None:
            self.ox = ox.Store()
        elif read_only:
            self.ox = ox.Store.read_only(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            try:
                self.ox = ox.Store(str(path))
            except OSError as err:
                if "lock" in str(err).lower():
                    raise StoreLockedError(
                        f"the store at {path} is open in another process (a running server?); "
                        "stop it, or send the change through its HTTP API"
                    ) from err
                raise

    def query(
        self,
        text: str,
        *,
        base_iri: str | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Result:
        kwargs: dict[str, object] = {}
        if default_graph is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
        else:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        result = self.ox.query(text, base_iri=base_iri, **kwargs)  # type: ignore[arg-type]
        return from_oxigraph(result, native=True)

    def update(
        self,
        text: str,
        *,
        base_iri: str | None = None,
        using_graphs: list[str] | None = None,
        using_named_graphs: list[str] | None = None,
    ) -> None:
        """Apply one update; pyoxigraph's update has no dataset option, so ``using_graphs`` /
        ``using_named_graphs`` become ``USING`` / ``USING NAMED`` clauses (graph.sparql_update)."""
        if using_graphs or using_named_graphs:
            text = with_using(text, Dataset(default=using_graphs or [], named=using_named_graphs or []))
        self.ox.update(text, base_iri=base_iri)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self.ox.extend(quads)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return iter(self.ox.quads_for_pattern(None, None, None, g))

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        return self.ox.contains_named_graph(ox.NamedNode(graph))

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self.ox.flush()

    def close(self) -> None:
        self.flush()
        del self.ox
