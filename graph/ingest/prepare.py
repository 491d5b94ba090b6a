"""One row of a tabular file, checked and resolved: its countries, themes and funding
instrument known, its two sides (authority and partner) found in the graph or minted.

A row that cannot be imported comes back as ``None`` with its errors, each naming the row and
the file's column; an accepted row carries the notes (warnings) its resolution made.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from graph.gazetteer import Country, fold
from graph.ingest import readers
from graph.ingest.mapping import Plan
from graph.ingest.records import PilotRecord, build
from graph.ingest.report import Issue
from graph.ingest.resolve import Existing, Note, Resolver, Side


@dataclass
class Prepared:
    """A row ready to become RDF: the record, its resolved sides and terms, and its notes."""

    origin: str
    record: PilotRecord
    a: Side
    b: Side
    themes: list[URIRef]
    instrument: URIRef | None
    notes: list[Note]


def prepare_row(
    row: readers.Row, the_plan: Plan, resolver: Resolver, existing: Existing
) -> tuple[Prepared | None, list[Issue]]:
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
        found = existing.funding.get(fold(record.funding_instrument))
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
    return Prepared(row.origin, record, a, b, themes, instrument, notes + notes_a + notes_b), issues
