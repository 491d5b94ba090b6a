"""The meta-graph record of an import's warnings and skipped rows, as ``coop:Flag`` nodes.

Flags are fragments of the batch's IRI (``{batch}#flag-N``, ``{batch}#rejected-N``) written with
its record, so undoing the batch removes them too; ``cq15_import_flags`` lists them. They are
pyoxigraph terms, like the batch's triples (a large file has thousands of warnings).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF, RDFS

from graph.batches import Batch
from graph.ingest.report import ImportReport, Issue
from graph.namespaces import COOP
from graph.store import Store

FlagTriple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]

_TYPE = ox.NamedNode(str(RDF.type))
_COMMENT = ox.NamedNode(str(RDFS.comment))
_LABEL = ox.NamedNode(str(RDFS.label))
_GENERATED_BY = ox.NamedNode(str(PROV.wasGeneratedBy))
_FLAG = ox.NamedNode(str(COOP.Flag))
_FLAG_OF = ox.NamedNode(str(COOP.flagOf))
_FLAG_CODE = ox.NamedNode(str(COOP.flagCode))
_STATED = ox.NamedNode(str(COOP.statedValue))
_CORRECTED = ox.NamedNode(str(COOP.correctedValue))


def flag_triples(store: Store, batch: Batch, report: ImportReport) -> list[FlagTriple]:
    """The meta-graph record of each warning (``#flag-N``) and each skipped row (``#rejected-N``)."""
    b = ox.NamedNode(batch.iri(store))
    out: list[FlagTriple] = []
    rejected_rows: dict[str, list[Issue]] = {}
    n_flag = 0
    for issue in report.issues:
        if issue.severity == "error":
            rejected_rows.setdefault(issue.where, []).append(issue)
            continue
        n_flag += 1
        flag = ox.NamedNode(f"{b.value}#flag-{n_flag}")
        out += _one_flag(flag, b, issue, ox.NamedNode(issue.node) if issue.node else b)
    for n, (where, issues) in enumerate(rejected_rows.items(), 1):
        flag = ox.NamedNode(f"{b.value}#rejected-{n}")
        first = issues[0]
        merged = Issue(
            "error", "rejected-record", where, first.column, "; ".join(i.text() for i in issues), stated=first.stated
        )
        out += _one_flag(flag, b, merged, b)
    return out


def _one_flag(flag: ox.NamedNode, batch: ox.NamedNode, issue: Issue, about: ox.NamedNode) -> list[FlagTriple]:
    where = issue.where + (f", column {issue.column!r}" if issue.column else "")
    triples: list[FlagTriple] = [
        (flag, _TYPE, _FLAG),
        (flag, _GENERATED_BY, batch),
        (flag, _FLAG_OF, about),
        (flag, _FLAG_CODE, ox.Literal(issue.code)),
        (flag, _LABEL, ox.Literal(where)),
        (flag, _COMMENT, ox.Literal(issue.message, language="en")),
    ]
    if issue.stated:
        triples.append((flag, _STATED, ox.Literal(issue.stated)))
    if issue.corrected:
        triples.append((flag, _CORRECTED, ox.NamedNode(issue.corrected)))
    return triples
