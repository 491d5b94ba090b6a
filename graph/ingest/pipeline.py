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
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from graph import batches, mint
from graph.batches import Batch
from graph.gazetteer import Country, gazetteer
from graph.ingest import readers
from graph.ingest.mapping import Mapping, MappingError, Plan, load_mapping, plan
from graph.ingest.records import PilotRecord, build
from graph.ingest.resolve import Existing, Note, Resolver, Side, load_existing
from graph.ingest.to_rdf import PREDICATE_FIELDS, Builder, Built
from graph.namespaces import COOP
from graph.store import Store
from graph.terms import to_ox, to_rdflib

Progress = Callable[[int, int], None]


@dataclass
class Issue:
    """One problem or warning, where it is and what it means."""

    severity: str
    """``error`` (the row, or the file, cannot be imported) or ``warning`` (imported, flagged)."""
    code: str
    where: str
    column: str | None
    message: str
    stated: str | None = None
    corrected: str | None = None
    node: str | None = None

    def text(self) -> str:
        col = f", column {self.column!r}" if self.column else ""
        return f"{self.where}{col}: {self.message}"


@dataclass
class ImportReport:
    source: str
    checksum: str
    status: str = "pending"
    """``imported``, ``rejected``, ``dry-run``, ``already-imported``."""
    batch: str | None = None
    graph: str | None = None
    records: int = 0
    imported: int = 0
    created: int = 0
    merged: int = 0
    skipped: int = 0
    triples: int = 0
    on_error: str = "reject"
    dry_run: bool = False
    encoding: str | None = None
    separator: str | None = None
    mapping: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "dry-run", "already-imported") and not (
            self.status == "dry-run" and self.errors and self.on_error == "reject"
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = len(self.errors)
        data["warnings"] = len(self.warnings)
        data["ok"] = self.ok
        return data


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
        flags = _flags(store, batch, report)
        batch.records, batch.created, batch.merged = report.records, report.created, report.merged
        batch.skipped, batch.warnings = report.skipped, len(report.warnings)
        batch.label = f"import of {report.source}"
        b = URIRef(batch.iri(store))
        flags.append((b, COOP.rejectedCount, Literal(report.skipped)))
        report.graph = _write(store, batch, built, flags)
        report.batch = batch.id
        report.status = "imported"
        report.message = f"imported as batch {batch.id}"
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _write(store: Store, batch: Batch, built: Built, flags: list[tuple[URIRef, URIRef, object]]) -> str:
    """The batch's triples in its own graph and its record in the meta graph, one transaction
    (what :func:`graph.batches.write_batch` does, from the pyoxigraph terms already made)."""
    graph = ox.NamedNode(batch.graph(store))
    quads = [ox.Quad(s, p, o, graph) for s, p, o in built.ox_triples()]  # type: ignore[arg-type]
    quads.extend(batches.record_quads(store, batch, flags))
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


# -- tabular files ---------------------------------------------------------------------------
@dataclass
class _Prepared:
    origin: str
    record: PilotRecord
    a: Side
    b: Side
    themes: list[URIRef]
    instrument: URIRef | None
    notes: list[Note]


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
    prepared: list[_Prepared] = []
    bad_rows: set[str] = set()
    total = len(table.rows)
    for n, row in enumerate(table.rows, 1):
        item, issues = _prepare(row, the_plan, resolver, existing)
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
        problems = _validate(store, built, resolver, the_plan)
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


def _prepare(
    row: readers.Row, the_plan: Plan, resolver: Resolver, existing: Existing
) -> tuple[_Prepared | None, list[Issue]]:
    values, transforms = the_plan.apply(row.values)
    issues: list[Issue] = []
    record, errors = build(values)
    for e in errors:
        column = the_plan.column_of(e.field) if e.field else None
        issues.append(Issue("error", "invalid-value", row.origin, column, f"{e.field or 'record'}: {e.message}"))
    if record is None:
        return None, issues
    notes: list[Note] = []
    countries: dict[str, Country] = {}
    for fname in ("authority_country", "partner_country"):
        stated = getattr(record, fname)
        match = resolver.gaz.country(stated)
        if match is None:
            issues.append(
                Issue(
                    "error",
                    "unknown-country",
                    row.origin,
                    the_plan.column_of(fname),
                    f"unknown country {stated!r}: give an ISO code or the country's name in English or French",
                    stated=stated,
                )
            )
            continue
        countries[fname] = match.country
        if match.how == "approximate":
            iri = resolver.country_iri(match.country.iso2)
            notes.append(
                Note(
                    "country-approximate",
                    fname,
                    f"country {stated!r} is not a known name; read as {match.country.name_en} (closest spelling)",
                    iri,
                    stated=stated,
                    corrected=iri,
                )
            )
    for code, fname, stated, result in transforms:
        if fname in countries:
            iri = resolver.country_iri(countries[fname].iso2)
            notes.append(Note(code, fname, f"country {result!r} taken from the cell {stated!r}", iri, stated=stated))
    themes: list[URIRef] = []
    for label in record.themes:
        theme = resolver.theme(label)
        if theme is None:
            issues.append(
                Issue(
                    "error",
                    "unknown-theme",
                    row.origin,
                    the_plan.column_of("themes"),
                    f"unknown theme {label!r}: use a label of the theme scheme (ontology/themes.ttl)",
                    stated=label,
                )
            )
        else:
            themes.append(theme)
    instrument = None
    if record.funding_instrument:
        found = existing.funding.get(_fold(record.funding_instrument))
        if found is None:
            known = ", ".join(sorted({k for k in existing.funding})[:8]) or "none in the graph"
            issues.append(
                Issue(
                    "error",
                    "unknown-funding-instrument",
                    row.origin,
                    the_plan.column_of("funding_instrument"),
                    f"unknown funding instrument {record.funding_instrument!r} (known: {known})",
                    stated=record.funding_instrument,
                )
            )
        else:
            instrument = URIRef(found)
        if not record.title:
            issues.append(
                Issue(
                    "error",
                    "funding-without-project",
                    row.origin,
                    the_plan.column_of("funding_instrument"),
                    "a funding instrument needs a project title to fund",
                )
            )
    if issues or len(countries) < 2:
        return None, issues
    a, notes_a = resolver.side(
        record.authority, countries["authority_country"], record.authority_kind, record.authority_place, "authority"
    )
    b, notes_b = resolver.side(
        record.partner, countries["partner_country"], record.partner_kind, record.partner_place, "partner"
    )
    if a.authority == b.authority:
        issues.append(
            Issue(
                "error",
                "self-partnership",
                row.origin,
                the_plan.column_of("partner"),
                f"the partner {record.partner!r} is the authority itself",
            )
        )
        return None, issues
    return _Prepared(row.origin, record, a, b, themes, instrument, notes + notes_a + notes_b), issues


def _fold(text: str) -> str:
    from graph.gazetteer import fold

    return fold(text)


def _build(resolver: Resolver, source: URIRef, title: str, lang: str, rows: list[_Prepared]) -> Built:
    builder = Builder(resolver, source, title, lang)
    for item in rows:
        builder.record(item.record, item.a, item.b, item.origin, item.themes, item.instrument)
    return builder.out


# -- validation ------------------------------------------------------------------------------
def _validate(store: Store, built: Built, resolver: Resolver, the_plan: Plan | None) -> list[Issue]:
    """SHACL on the batch plus what the graph already states about the nodes it merges into."""
    from graph.ingest.validation import validate_batch

    data: set[tuple[Any, Any, Any]] = set(built.triples)
    for iri in built.merged:
        stated = store.construct("import_node", node=URIRef(iri))
        data.update(stated)
        for _, _, obj in stated:  # sub-nodes (…#geometry) are part of their owner's description
            if isinstance(obj, URIRef) and str(obj).startswith(iri + "#"):
                data.update(store.construct("import_node", node=obj))
    try:
        problems = validate_batch(data, ox_data=built.ox_triples() + _ox_of(data - built.triples))
    except FileNotFoundError:  # no shapes yet: the ontology is still being written
        return []
    issues = []
    for problem in problems:
        focus = problem.focus.split("#", 1)[0] if problem.focus not in built.origins else problem.focus
        origins = built.origins.get(focus) or built.origins.get(problem.focus) or [focus]
        fname = PREDICATE_FIELDS.get(URIRef(problem.path)) if problem.path else None
        fname = fname or built.node_field.get(focus)
        column = the_plan.column_of(fname) if (the_plan and fname) else None
        severity = "error" if problem.severity == "Violation" else "warning"
        value = f" (value {problem.value})" if problem.value else ""
        for origin in origins:
            issues.append(
                Issue(
                    severity, "shacl", origin, column, f"{problem.message}{value} [{problem.focus}]", node=problem.focus
                )
            )
    return issues


# -- RDF files -------------------------------------------------------------------------------
def _rdf(store: Store, report: ImportReport, filename: str, content: bytes) -> Built:
    triples = readers.read_rdf(content, filename, store.base)
    built = Built()
    subjects: set[str] = set()
    for t in triples:
        s, p, o = to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)
        built.triples.add((s, p, o))  # type: ignore[arg-type]
        if isinstance(s, URIRef):
            subjects.add(str(s))
            built.origins[str(s)] = [str(s)]
    typed = _TypedView(built)
    for subject in subjects:
        if store.ask("import_node_exists", node=URIRef(subject)):
            built.merged.add(subject)
        elif (URIRef(subject), RDF.type, None) in typed:
            built.created.add(subject)
    report.records = len(subjects)
    problems = _validate(store, built, None, None)  # type: ignore[arg-type]
    report.issues.extend(problems)
    report.imported = report.records - len({i.where for i in problems if i.severity == "error"})
    return built


def _ox_of(triples: set[tuple[Any, Any, Any]]) -> list[tuple[Any, Any, Any]]:
    return [(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]


class _TypedView:
    """``(s, rdf:type, None) in view``: does the batch type ``s``?"""

    def __init__(self, built: Built) -> None:
        self.typed = {str(s) for s, p, _ in built.triples if p == RDF.type}

    def __contains__(self, triple: tuple[object, object, object]) -> bool:
        return str(triple[0]) in self.typed


# -- flags -----------------------------------------------------------------------------------
def _flags(store: Store, batch: Batch, report: ImportReport) -> list[tuple[URIRef, URIRef, object]]:
    """The meta-graph record of each warning (``#flag-N``) and each skipped row (``#rejected-N``)."""
    b = URIRef(batch.iri(store))
    out: list[tuple[URIRef, URIRef, object]] = []
    rejected_rows: dict[str, list[Issue]] = {}
    n_flag = 0
    for issue in report.issues:
        if issue.severity == "error":
            rejected_rows.setdefault(issue.where, []).append(issue)
            continue
        n_flag += 1
        flag = URIRef(f"{b}#flag-{n_flag}")
        out += _flag_triples(flag, b, issue, URIRef(issue.node) if issue.node else b)
    for n, (where, issues) in enumerate(rejected_rows.items(), 1):
        flag = URIRef(f"{b}#rejected-{n}")
        first = issues[0]
        merged = Issue(
            "error", "rejected-record", where, first.column, "; ".join(i.text() for i in issues), stated=first.stated
        )
        out += _flag_triples(flag, b, merged, b)
    return out


def _flag_triples(flag: URIRef, batch: URIRef, issue: Issue, about: URIRef) -> list[tuple[URIRef, URIRef, object]]:
    where = issue.where + (f", column {issue.column!r}" if issue.column else "")
    triples: list[tuple[URIRef, URIRef, object]] = [
        (flag, RDF.type, COOP.Flag),
        (flag, PROV.wasGeneratedBy, batch),
        (flag, COOP.flagOf, about),
        (flag, COOP.flagCode, Literal(issue.code)),
        (flag, RDFS.label, Literal(where)),
        (flag, RDFS.comment, Literal(issue.message, lang="en")),
    ]
    if issue.stated:
        triples.append((flag, COOP.statedValue, Literal(issue.stated)))
    if issue.corrected:
        triples.append((flag, COOP.correctedValue, URIRef(issue.corrected)))
    return triples
