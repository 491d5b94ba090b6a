"""The import pipeline: read → map → resolve → RDF → SHACL → one atomic write, or nothing.

:func:`import_file` always returns an :class:`ImportReport`; it never leaves half a batch:
either every triple of the batch and its PROV-O record are written in one transaction, or
nothing is. Every problem names its row and column (CSV), JSON pointer (JSON) or node (RDF)
and says what is wrong in words.

Choices:
- ``on_error="reject"`` (default) refuses the whole batch when any row is wrong;
  ``"skip"`` imports the good rows and reports each skipped one (also recorded in the meta
  graph as ``{batch}#rejected-N`` flags). A mapping may set its own default.
- A file whose checksum an existing batch already records is not imported again: the report
  says "already imported as batch X" and nothing changes. (A *different* file stating the same
  records lands on the same IRIs and merges.)
- Warnings about accepted rows (unresolved place, city–country mismatch, approximate country)
  become ``coop:Flag`` nodes ``{batch}#flag-N`` in the meta graph, so undo removes them too;
  query them with ``cq15_import_flags``.

This module is the orchestration; the parts are :mod:`~graph.ingest.report` (what an import says
back), :mod:`~graph.ingest.prepare` (one row checked and resolved), :mod:`~graph.ingest.checks`
(SHACL as issues at rows and columns) and :mod:`~graph.ingest.flags` (the meta-graph record).
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from graph import batches, mint
from graph.batches import Batch
from graph.gazetteer import gazetteer
from graph.ingest import readers
from graph.ingest.checks import check_batch
from graph.ingest.context import known
from graph.ingest.flags import FlagTriple, flag_triples
from graph.ingest.mapping import Mapping, MappingError, load_mapping, plan
from graph.ingest.prepare import Prepared, prepare_row
from graph.ingest.report import ImportReport, Issue, Progress
from graph.ingest.resolve import Resolver, load_existing
from graph.ingest.to_rdf import Builder, Built
from graph.namespaces import COOP
from graph.store import Store

_REJECTED_COUNT = ox.NamedNode(str(COOP.rejectedCount))
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

__all__ = ["ImportReport", "Issue", "Progress", "import_file"]


def import_file(
    store: Store,
    filename: str,
    content: bytes,
    *,
    mapping: Mapping | str | Path | None = None,
    dry_run: bool = False,
    on_error: str | None = None,
    agent: str | None = None,
    progress: Progress | None = None,
    language: str | None = None,
) -> ImportReport:
    """Import ``content`` (the bytes of ``filename``) into ``store``; see the module docstring."""
    with _gc_paused():
        return _import(store, filename, content, mapping, dry_run, on_error, agent, progress, language)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a batch is built: it would walk the hundreds of
    thousands of terms and triples of a large batch again and again (a fifth of the time) and
    find nothing, since a batch makes no reference cycles worth collecting early."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(
    store: Store,
    filename: str,
    content: bytes,
    mapping: Mapping | str | Path | None,
    dry_run: bool,
    on_error: str | None,
    agent: str | None,
    progress: Progress | None,
    language: str | None,
) -> ImportReport:
    started = time.perf_counter()
    checksum = batches.checksum(content)
    report = ImportReport(source=Path(filename).name, checksum=checksum, dry_run=dry_run)
    try:
        the_mapping = mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    except (MappingError, OSError) as err:
        return _refuse(report, "mapping", "mapping", str(err), started)
    report.mapping = the_mapping.name if mapping is not None else None
    mode = on_error or the_mapping.options.get("on_error") or "reject"
    if mode not in ("reject", "skip"):
        raise ValueError(f"on_error must be 'reject' or 'skip', not {mode!r}")
    report.on_error = mode
    earlier = store.select("import_batch_by_checksum", checksum=Literal(checksum))
    if earlier:
        batch_iri = str(earlier[0]["batch"])
        report.batch = batch_iri.rsplit("/", 1)[-1]
        report.status = "already-imported"
        report.message = f"already imported as batch {report.batch}: nothing changed"
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    started_at = dt.datetime.now(dt.UTC)
    batch = Batch(
        id=batches.new_batch_id(content, started_at), source=report.source, checksum=checksum, started=started_at
    )
    if agent:
        batch.agent = agent
    lang = language or str(the_mapping.options.get("language") or "fr")
    kind = readers.kind_of(filename)
    try:
        if kind == "rdf":
            built = _rdf(store, report, filename, content)
        else:
            built = _tabular(store, report, kind, content, the_mapping, batch, lang, progress)
    except readers.ReadError as err:
        return _refuse(report, err.where, None, err.message, started, code="unreadable")
    except MappingError as err:
        return _refuse(report, "header", None, str(err), started, code="missing-column")
    report.created, report.merged = len(built.created), len(built.merged)
    report.triples = len(built.triples)
    if report.errors and mode == "reject":
        report.status = "rejected"
        report.message = f"refused: {len(report.errors)} problem(s); nothing was written"
    elif dry_run:
        report.status = "dry-run"
        report.message = "dry run: nothing was written"
    else:
        flags = flag_triples(store, batch, report)
        batch.records, batch.created, batch.merged = report.records, report.created, report.merged
        batch.skipped, batch.warnings = report.skipped, len(report.warnings)
        batch.label = f"import of {report.source}"
        flags.append(
            (ox.NamedNode(batch.iri(store)), _REJECTED_COUNT, ox.Literal(str(report.skipped), datatype=_INTEGER))
        )
        report.graph = _write(store, batch, built, flags)
        report.batch = batch.id
        report.status = "imported"
        report.message = f"imported as batch {batch.id}"
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _write(store: Store, batch: Batch, built: Built, flags: list[FlagTriple]) -> str:
    """The batch's triples in its own graph and its record and flags in the meta graph, one
    transaction (what :func:`graph.batches.write_batch` does, from the pyoxigraph terms already made)."""
    graph, meta = ox.NamedNode(batch.graph(store)), ox.NamedNode(store.meta_graph)
    quads = [ox.Quad(s, p, o, graph) for s, p, o in built.triples]
    quads.extend(batches.record_quads(store, batch))
    quads.extend(ox.Quad(s, p, o, meta) for s, p, o in flags)
    store.add(quads)
    return graph.value


def _refuse(
    report: ImportReport, where: str, column: str | None, message: str, started: float, *, code: str = "invalid"
) -> ImportReport:
    report.issues.append(Issue("error", code, where, column, message))
    report.status = "rejected"
    report.message = f"refused: {message}"
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _tabular(
    store: Store,
    report: ImportReport,
    kind: str,
    content: bytes,
    mapping: Mapping,
    batch: Batch,
    lang: str,
    progress: Progress | None,
) -> Built:
    if kind == "json":
        table = readers.read_json(content)
    else:
        table = readers.read_csv(
            content, separator=mapping.options.get("separator"), encoding=mapping.options.get("encoding")
        )
    report.encoding, report.separator = table.encoding, table.separator
    the_plan = plan(mapping, table.headers)
    report.ignored_columns = the_plan.ignored
    report.records = len(table.rows)
    gaz = gazetteer()
    existing = load_existing(store)
    resolver = Resolver(store.base, existing, gaz)
    prepared: list[Prepared] = []
    bad_rows: set[str] = set()
    total = len(table.rows)
    for n, row in enumerate(table.rows, 1):
        item, issues = prepare_row(row, the_plan, resolver, existing)
        report.issues.extend(issues)
        if item is None:
            bad_rows.add(row.origin)
        else:
            prepared.append(item)
        if progress and (n % 500 == 0 or n == total):
            progress(n, total)
    source = URIRef(f"{store.base}source/{mint.slug(report.source)}")
    shacl_bad: set[str] = set()
    for _ in range(3):
        good = [p for p in prepared if p.origin not in shacl_bad]
        built = _build(resolver, source, report.source, lang, good)
        problems = check_batch(store, built, the_plan)
        new_bad = {i.where for i in problems if i.severity == "error"} - shacl_bad
        if report.on_error == "reject" or not new_bad:
            break
        shacl_bad |= new_bad
    report.issues.extend(problems)
    for item in good:
        for note in item.notes:
            report.issues.append(
                Issue(
                    "warning",
                    note.code,
                    item.origin,
                    the_plan.column_of(note.field),
                    note.message,
                    stated=note.stated,
                    corrected=str(note.corrected) if note.corrected else None,
                    node=str(note.about),
                )
            )
    bad_rows |= {i.where for i in report.issues if i.severity == "error"}
    report.skipped = len(bad_rows) if report.on_error == "skip" else 0
    report.imported = len([p for p in good if p.origin not in bad_rows])
    report.issues.sort(key=lambda i: (_order(i.where), i.severity != "error"))
    return built


def _order(where: str) -> tuple[int, str]:
    digits = "".join(ch for ch in where if ch.isdigit())
    return (int(digits) if digits else 0, where)


def _build(resolver: Resolver, source: URIRef, title: str, lang: str, rows: list[Prepared]) -> Built:
    builder = Builder(resolver, source, title, lang)
    for item in rows:
        builder.record(item.record, item.a, item.b, item.origin, item.themes, item.instrument)
    return builder.out


# -- RDF files -------------------------------------------------------------------------------
def _rdf(store: Store, report: ImportReport, filename: str, content: bytes) -> Built:
    triples = readers.read_rdf(content, filename, store.base)
    built = Built()
    subjects: set[str] = set()
    typed: set[str] = set()
    rdf_type = ox.NamedNode(str(RDF.type))
    for t in triples:
        s, p = t.subject, t.predicate
        built.triples.add(s, p, t.object)
        if isinstance(s, ox.NamedNode):
            subjects.add(s.value)
            built.origins[s.value] = [s.value]
            if p == rdf_type:
                typed.add(s.value)
    existing = known(store, subjects)
    for subject in subjects:
        if subject in existing:
            built.merged.add(subject)
        elif subject in typed:
            built.created.add(subject)
    report.records = len(subjects)
    problems = check_batch(store, built, None)
    report.issues.extend(problems)
    report.imported = report.records - len({i.where for i in problems if i.severity == "error"})
    return built
