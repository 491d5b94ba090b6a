"""The store: one object over the graph, whichever backend holds it.

``open_store(location)`` takes one string: a folder (embedded Oxigraph on disk, persistent),
``:memory:`` (embedded, in memory) or an ``http(s)://`` SPARQL 1.1 query endpoint (a remote
server; its update endpoint beside it). Every feature above this module works on all three.

Named graphs: ``{base}graph/ontology`` (ontology and SKOS schemes), ``{base}graph/shapes``,
``{base}graph/seed/…`` (the seed, one graph per source), ``{base}graph/batch/{id}`` (one per
import) and ``{base}graph/meta`` (the PROV-O record of each of them). Reads see the union.
Every write is atomic and bumps :attr:`Store.version`, which caches key on.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Node

from graph import queries
from graph.backend_local import LocalBackend, StoreLockedError
from graph.backend_remote import RemoteBackend, RemoteError, insert_data
from graph.bindings import with_values
from graph.namespaces import DEFAULT_BASE, PREFIXES
from graph.paths import ontology_dir, seed_file
from graph.results import Boolean, Result, Solutions, Triples
from graph.terms import distinct_triples_in_two_passes, to_ox, to_rdflib

__all__ = ["RemoteError", "Store", "StoreError", "StoreLockedError", "open_store"]

Backend = LocalBackend | RemoteBackend

EXPORT_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


class StoreError(RuntimeError):
    """A store operation failed; the message says which and why."""


def open_store(
    location: str,
    *,
    base: str = DEFAULT_BASE,
    update_url: str | None = None,
    read_only: bool = False,
    timeout: float = 60.0,
) -> Store:
    """Open the store at ``location`` (a folder, ``:memory:`` or an ``http(s)://`` endpoint).

    A folder open read-write in another process can still be opened with ``read_only=True``.
    """
    if not base.endswith(("/", "#")):
        raise StoreError(f"the base IRI must end with '/' or '#': {base!r}")
    backend: Backend
    if location == ":memory:":
        backend = LocalBackend(None)
    elif re.match(r"https?://", location):
        backend = RemoteBackend(location, update_url, timeout=timeout)
    else:
        path = Path(location).expanduser()
        if path.exists() and not path.is_dir():
            raise StoreError(f"{location} is a file, not a store folder")
        if read_only and not path.exists():
            raise StoreError(f"no store at {location}: run 'coopgraph init --store {location}' first")
        backend = LocalBackend(path, read_only=read_only)
    return Store(backend, location=location, base=base)


class Store:
    """The graph: named queries, atomic writes, named graphs, export and statistics."""

    def __init__(self, backend: Backend, *, location: str, base: str = DEFAULT_BASE) -> None:
        self.backend = backend
        self.location = location
        self.base = base
        self._version = 0
        self._write_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Store({self.location!r}, base={self.base!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- names -------------------------------------------------------------------------------
    def graph(self, name: str) -> str:
        """The IRI of the named graph ``name`` (``ontology``, ``meta``, ``seed/article``…)."""
        return f"{self.base}graph/{name}"

    @property
    def meta_graph(self) -> str:
        return self.graph("meta")

    @property
    def version(self) -> int:
        """Bumped by every write made through this object; caches key on it."""
        return self._version

    @property
    def is_remote(self) -> bool:
        return isinstance(self.backend, RemoteBackend)

    # -- reads -------------------------------------------------------------------------------
    def run(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Result:
        """Evaluate ``query`` (a named query or SPARQL text) with ``bindings`` as RDF terms.

        Reads the union of all graphs unless ``default_graph`` names the graphs to read.
        """
        text = _text_of(query)
        substitutions = {name: to_ox(value) for name, value in (bindings or {}).items() if value is not None}
        if substitutions:
            text = with_values(text, substitutions)
        return self.backend.query(
            text,
            base_iri=self.base,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )

    def run_text(
        self, text: str, *, default_graph: list[str] | None = None, named_graphs: list[str] | None = None
    ) -> Result:
        """Evaluate a user's SPARQL query ``text`` as written, like :meth:`run` without its named
        queries and bindings (a lone word is SPARQL to refuse, never a named query to run)."""
        return self.backend.query(text, base_iri=self.base, default_graph=default_graph, named_graphs=named_graphs)

    def select(self, query: str, /, **bindings: Any) -> list[dict[str, Node]]:
        """Rows of a SELECT as dicts of rdflib terms; unbound variables are left out."""
        result = self.run(query, bindings)
        if not isinstance(result, Solutions):
            raise StoreError(f"{_label(query)} is not a SELECT query")
        names = result.variables
        return [
            {name: to_rdflib(value) for name, value in zip(names, row, strict=True) if value is not None}
            for row in result.rows
        ]

    def select_values(self, query: str, /, **bindings: Any) -> tuple[list[str], list[tuple[str | None, ...]]]:
        """Rows of a SELECT as plain strings (IRIs and lexical forms): the fast path for
        projections of many rows, where building rdflib terms would dominate."""
        result = self.run(query, bindings)
        if not isinstance(result, Solutions):
            raise StoreError(f"{_label(query)} is not a SELECT query")
        rows = [tuple(None if v is None else v.value for v in row) for row in result.rows]
        return result.variables, rows

    def iter_values(self, query: str, /, **bindings: Any) -> Iterator[tuple[str | None, ...]]:
        """Rows of a SELECT as plain strings, like :meth:`select_values`, yielded one at a time:
        for answers of hundreds of thousands of rows that the caller folds into its own records
        (the map's index at Atlas 10×), so the whole answer is never held as a list."""
        result = self.run(query, bindings)
        if not isinstance(result, Solutions):
            raise StoreError(f"{_label(query)} is not a SELECT query")
        for row in result.rows:
            yield tuple([None if v is None else v.value for v in row])

    def ask(self, query: str, /, **bindings: Any) -> bool:
        result = self.run(query, bindings)
        if not isinstance(result, Boolean):
            raise StoreError(f"{_label(query)} is not an ASK query")
        return result.value

    def construct(self, query: str, /, **bindings: Any) -> Graph:
        """A CONSTRUCT or DESCRIBE answer as an rdflib ``Graph``."""
        result = self.run(query, bindings)
        if not isinstance(result, Triples):
            raise StoreError(f"{_label(query)} is not a CONSTRUCT or DESCRIBE query")
        graph = Graph()
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri, override=True)
        for t in result.triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

    def named_graphs(self) -> list[str]:
        return self.backend.named_graphs()

    def has_graph(self, graph: str) -> bool:
        return self.backend.has_graph(graph)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad, or those of one named graph."""
        return self.backend.quads(graph)

    def is_initialised(self) -> bool:
        return self.has_graph(self.graph("ontology"))

    # -- writes ------------------------------------------------------------------------------
    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add ``quads`` in one transaction."""
        with self._writing():
            self.backend.add(quads)

    def update(self, update: str, /, **bindings: Any) -> None:
        """Apply one SPARQL Update (a named ``.ru`` file or text) in one transaction."""
        text = _text_of(update)
        substitutions = {name: to_ox(value) for name, value in bindings.items() if value is not None}
        if substitutions:
            text = with_values(text, substitutions)
        with self._writing():
            self.backend.update(text, base_iri=self.base)

    def run_update(
        self, text: str, *, using_graphs: list[str] | None = None, using_named_graphs: list[str] | None = None
    ) -> None:
        """Apply a user's SPARQL Update ``text`` as written, in one transaction.

        ``using_graphs`` / ``using_named_graphs`` (the SPARQL Protocol's ``using-graph-uri`` /
        ``using-named-graph-uri``) name the dataset its WHERE clauses read, like ``Store.run``'s
        graphs for a query: a remote server gets them as those parameters, the embedded store as
        ``USING`` clauses (pyoxigraph's update has no dataset option; see graph.sparql_update).
        """
        with self._writing():
            self.backend.update(
                text, base_iri=self.base, using_graphs=using_graphs, using_named_graphs=using_named_graphs
            )

    def replace(
        self,
        drop: Iterable[str] = (),
        add: Iterable[ox.Quad] = (),
        delete_subjects: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        """In one transaction: drop graphs ``drop``, remove every triple of each subject in
        ``delete_subjects[graph]`` from that graph, then add ``add``.

        Undo of a batch and re-initialisation are this one operation.
        """
        parts = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in drop]
        for graph, subjects in (delete_subjects or {}).items():
            values = " ".join(str(ox.NamedNode(s)) for s in subjects)
            if values:
                parts.append(
                    f"DELETE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }} "
                    f"WHERE {{ GRAPH {ox.NamedNode(graph)} {{ VALUES ?s {{ {values} }} ?s ?p ?o }} }}"
                )
        added = list(add)
        if added:
            parts.append(insert_data(added))
        if parts:
            self.update(" ;\n".join(parts))

    def _writing(self) -> _Writing:
        if self.backend.read_only:
            raise StoreError(f"the store at {self.location} is open read-only")
        return _Writing(self)

    # -- set-up ------------------------------------------------------------------------------
    def init(self, *, force: bool = False) -> bool:
        """Load the ontology, shapes and seed graph; ``False`` if already there (unless ``force``)."""
        if self.is_initialised() and not force:
            return False
        onto = ontology_dir()
        quads: list[ox.Quad] = []
        for path in sorted(onto.glob("*.ttl")):
            target = self.graph("shapes" if path.stem == "shapes" else "ontology")
            quads.extend(_parse_file(path, ox.RdfFormat.TURTLE, self.base, target))
        seed = _parse_file(seed_file(), ox.RdfFormat.TRIG, self.base, None)
        quads.extend(seed)
        seed_graphs = {q.graph_name.value for q in seed if isinstance(q.graph_name, ox.NamedNode)}
        seed_graphs.discard(self.meta_graph)
        meta_subjects = {
            q.subject.value
            for q in seed
            if q.graph_name == ox.NamedNode(self.meta_graph) and isinstance(q.subject, ox.NamedNode)
        }
        self.replace(
            drop=[self.graph("ontology"), self.graph("shapes"), *sorted(seed_graphs)],
            add=quads,
            delete_subjects={self.meta_graph: sorted(meta_subjects)},
        )
        return True

    # -- export and statistics ---------------------------------------------------------------
    def export(self, fmt: str, output: IO[bytes] | None = None, *, graph: str | None = None) -> bytes | None:
        """Serialise the store (or one graph) as ``fmt``; N-Quads and TriG keep the named graphs."""
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
        rdf_format = EXPORT_FORMATS[fmt]
        items: Iterable[ox.Quad] | Iterable[ox.Triple]
        if rdf_format.supports_datasets or graph is not None:  # one graph states a triple once
            items = self.quads(graph) if rdf_format.supports_datasets else (q.triple for q in self.quads(graph))
        else:  # the union repeats a triple once per graph: each said once, without a set of them all
            items = distinct_triples_in_two_passes(self.quads)
        prefixes = PREFIXES | {"id": self.base}
        return ox.serialize(items, output, rdf_format, prefixes=prefixes if fmt != "jsonld" else None)

    def stats(self) -> dict[str, Any]:
        """Triples, entities per class and triples per named graph."""
        _, per_graph = self.select_values("stats_graphs")
        _, per_class = self.select_values("stats_classes")
        _, total = self.select_values("stats_triples")
        return {
            "location": self.location,
            "triples": int(total[0][0] or 0),
            "graphs": {g: int(n or 0) for g, n in per_graph if g},
            "classes": {c: int(n or 0) for c, n in per_class if c},
        }

    def close(self) -> None:
        self.backend.close()


class _Writing:
    """One write at a time per store object; the version moves only when it succeeded."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> None:
        self.store._write_lock.acquire()

    def __exit__(self, exc_type: object, *exc: object) -> None:
        try:
            if exc_type is None:
                self.store._version += 1
                self.store.backend.flush()
        finally:
            self.store._write_lock.release()


def _text_of(query: str) -> str:
    """The text of a named query, or ``query`` itself: a lone word that names no query (a
    user's ``SELECT``) is SPARQL text, for the parser to refuse with its position."""
    if re.fullmatch(r"[A-Za-z0-9_\-]+", query):
        try:
            return queries.load(query).text
        except queries.UnknownQuery:
            return query
    return query


def _label(query: str) -> str:
    return query if re.fullmatch(r"[A-Za-z0-9_\-]+", query) else "the query"


def _parse_file(path: Path, fmt: ox.RdfFormat, base: str, graph: str | None) -> list[ox.Quad]:
    """Quads of an RDF file, relative IRIs resolved against ``base``, into ``graph`` if given."""
    try:
        parsed = list(ox.parse(path=str(path), format=fmt, base_iri=base))
    except SyntaxError as err:
        raise StoreError(f"{path.name}: {err}") from err
    if graph is None:
        return parsed
    target = ox.NamedNode(graph)
    return [ox.Quad(q.subject, q.predicate, q.object, target) for q in parsed]
