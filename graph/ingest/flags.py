"""The meta-graph record of an import's warnings and skipped rows, as ``coop:Flag`` nodes.

Flags are fragments of the batch's IRI (``{batch}#flag-N``, ``{batch}#rejected-N``) written with
its record, so undoing the batch removes them too; ``cq15_import_flags`` lists them.
"""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from graph.batches import Batch
from graph.ingest.report import ImportReport, Issue
from graph.namespaces import COOP
from graph.store import Store


def flag_triples(store: Store, batch: Batch, report: ImportReport) -> list[tuple[URIRef, URIRef, object]]:
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
        out += _one_flag(flag, b, issue, URIRef(issue.node) if issue.node else b)
    for n, (where, issues) in enumerate(rejected_rows.items(), 1):
        flag = URIRef(f"{b}#rejected-{n}")
        first = issues[0]
        merged = Issue(
            "error", "rejected-record", where, first.column, "; ".join(i.text() for i in issues), stated=first.stated
        )
        out += _one_flag(flag, b, merged, b)
    return out


def _one_flag(flag: URIRef, batch: URIRef, issue: Issue, about: URIRef) -> list[tuple[URIRef, URIRef, object]]:
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
