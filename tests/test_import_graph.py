"""Imports that land on what the graph already holds: the seed's funding instruments (and one an
earlier batch brought), and authorities reconciled through the place they govern."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from graph import batches, queries
from graph.bindings import with_rows
from graph.ingest.context import known
from graph.ingest.pipeline import ImportReport, import_file
from graph.store import Store

COOP = "https://w3id.org/coopgraph/def#"
FUNDED = (
    "title;French authority;partner authority;partner country;funding instrument;amount\n"
    "Eau pour tous;Besançon;Dakar;Sénégal;FICOL;12000\n"
    "Déchets;Besançon;Dakar;Sénégal;Appels à projets de la DAECT;\n"
    "Numérique;Besançon;Dakar;Sénégal;DAECT calls for projects;\n"
)


def _imported(store: Store, name: str, content: str) -> ImportReport:
    """``content`` imported as the file ``name``, every row accepted."""
    report = import_file(store, name, content.encode("utf-8"))
    assert report.status == "imported", [i.text() for i in report.issues]
    return report


def _quads(store: Store) -> set[str]:
    return {str(q) for q in store.quads()}


def _instruments(store: Store) -> set[str]:
    _, rows = store.select_values(f"SELECT ?i WHERE {{ ?i a <{COOP}FundingInstrument> }}")
    return {r[0] or "" for r in rows}


def _pairs(store: Store, predicate: str) -> set[tuple[str, str]]:
    _, rows = store.select_values(f"SELECT ?s ?o WHERE {{ ?s <{COOP}{predicate}> ?o }}")
    return {(s or "", o or "") for s, o in rows}


def test_records_naming_the_seeds_instruments_import(seeded_store: Store) -> None:
    """FICOL (with an amount: a grant from it) and the DAECT calls by their French and English
    names link to the seed's instruments; no instrument is minted."""
    base = seeded_store.base
    before = _instruments(seeded_store)
    assert {f"{base}funding/ficol", f"{base}funding/appels-a-projets-daect"} <= before
    report = _imported(seeded_store, "funded.csv", FUNDED)
    assert report.imported == 3 and not report.errors
    assert _instruments(seeded_store) == before
    funded = _pairs(seeded_store, "fundedBy")
    (grant,) = [o for s, o in funded if s == f"{base}project/eau-pour-tous"]
    assert (grant, f"{base}funding/ficol") in _pairs(seeded_store, "fromInstrument")
    assert (f"{base}project/dechets", f"{base}funding/appels-a-projets-daect") in funded
    assert (f"{base}project/numerique", f"{base}funding/appels-a-projets-daect") in funded
    # The batch holds the links, not a second description of the instruments.
    in_batch = {str(q.subject) for q in seeded_store.quads(report.graph)}
    assert f"<{base}funding/ficol>" not in in_batch


def test_unknown_instrument_refuses_its_row(seeded_store: Store) -> None:
    """An instrument the graph does not hold is an error at its row and column (the importer
    does not mint instruments from a name: it could not say who operates them)."""
    before = _quads(seeded_store)
    content = FUNDED.splitlines()[0] + "\nEau pour tous;Besançon;Dakar;Sénégal;Fonds imaginaire;500\n"
    report = import_file(seeded_store, "unknown.csv", content.encode("utf-8"))
    assert report.status == "rejected"
    (error,) = report.errors
    assert error.code == "unknown-funding-instrument" and error.where == "row 2"
    assert error.column == "funding instrument" and "FICOL".lower() in error.message.lower()
    assert _quads(seeded_store) == before


def test_instrument_from_an_earlier_batch(seeded_store: Store) -> None:
    """An instrument an earlier (RDF) batch brought, operated by the seed's AFD, can be named by
    a later CSV batch; undoing the CSV batch leaves the instrument."""
    base = seeded_store.base
    turtle = f"""
        @prefix coop: <{COOP}> .
        @prefix dcterms: <http://purl.org/dc/terms/> .
        <{base}funding/fonds-test> a coop:FundingInstrument ;
            <http://www.w3.org/2000/01/rdf-schema#label> "Fonds test"@fr ;
            coop:operatedBy <{base}organisation/afd> ;
            dcterms:source <{base}source/test> .
    """
    first = import_file(seeded_store, "instrument.ttl", turtle.encode("utf-8"))
    assert first.status == "imported", [i.text() for i in first.issues]
    content = FUNDED.splitlines()[0] + "\nEau pour tous;Besançon;Dakar;Sénégal;Fonds test;\n"
    second = _imported(seeded_store, "uses.csv", content)
    assert (f"{base}project/eau-pour-tous", f"{base}funding/fonds-test") in _pairs(seeded_store, "fundedBy")
    batches.undo(seeded_store, second.batch or "")
    assert f"{base}funding/fonds-test" in _instruments(seeded_store)


def test_partner_reconciled_with_the_authority_governing_its_place(seeded_store: Store) -> None:
    """ "Quito" (Ecuador) is the seed's District métropolitain de Quito, which governs Quito: the
    seed's partnership is reused, nothing is created, and importing again changes nothing."""
    base = seeded_store.base
    content = (
        "French authority;authority kind;partner authority;partner country\n"
        "Métropole européenne de Lille;intercommunalité;Quito;Équateur\n"
    )
    report = _imported(seeded_store, "quito.csv", content)
    assert report.created == 0 and report.merged >= 3
    subjects = {q.subject.value for q in seeded_store.quads(report.graph)}
    assert f"{base}authority/ec/district-metropolitain-de-quito" in subjects
    assert f"{base}partnership/metropole-europeenne-de-lille-district-metropolitain-de-quito" in subjects
    assert not any(s.startswith(f"{base}authority/ec/quito") for s in subjects)
    after = _quads(seeded_store)
    assert import_file(seeded_store, "quito.csv", content.encode()).status == "already-imported"
    assert _imported(seeded_store, "quito-copy.csv", content + "\n").created == 0
    assert {q for q in _quads(seeded_store) - after if "/batch/" not in q and "/graph/meta" not in q} == set()


def test_french_authority_reconciled_by_place(seeded_store: Store) -> None:
    """A French authority named otherwise but governing the seed's Besançon is Besançon."""
    base = seeded_store.base
    content = (
        "French authority;French authority place;partner authority;partner country\n"
        "Mairie de Besançon;Besançon;Dakar;Sénégal\n"
    )
    assert _imported(seeded_store, "besancon.csv", content).created == 0
    assert (f"{base}partnership/besancon-dakar", f"{base}authority/fr/besancon") in {
        (s, o) for s, o in _members(seeded_store)
    }
    mairie, besancon = f"{base}authority/fr/mairie-de-besancon", f"{base}authority/fr/besancon"
    assert known(seeded_store, [mairie, besancon]) == {besancon}


def _members(store: Store) -> set[tuple[str, str]]:
    _, rows = store.select_values("SELECT ?p ?a WHERE { ?p <http://www.w3.org/ns/org#hasMember> ?a }")
    return {(p or "", a or "") for p, a in rows}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("", "authority/fr/lille"), ("intercommunalité", "authority/fr/metropole-europeenne-de-lille")],
)
def test_kind_decides_between_commune_and_intercommunalite(seeded_store: Store, kind: str, expected: str) -> None:
    """The MEL governs Lille, but a record "Lille" is a commune unless it says otherwise: only
    an intercommunalité named "Lille" is the MEL."""
    base = seeded_store.base
    content = f"French authority;authority kind;partner authority;partner country\nLille;{kind};Dakar;Sénégal\n"
    report = _imported(seeded_store, "lille.csv", content)
    members = {a for _, a in _members(seeded_store) if a.startswith(f"{base}authority/fr/")}
    assert f"{base}{expected}" in members
    minted = f"{base}authority/fr/lille" in members
    assert minted == (kind == "")
    assert report.created == (1 if minted else 0) + 1  # and the new Lille–Dakar partnership


def test_with_rows_binds_each_node_as_data(seeded_store: Store) -> None:
    """One VALUES row per node at the top of the outermost WHERE group; an IRI that would end
    the block is refused, not printed."""
    base = seeded_store.base
    text = with_rows(queries.load("import_node_types").text, "node", ["https://e.org/a", "https://e.org/b"])
    assert "WHERE { VALUES ?node { <https://e.org/a> <https://e.org/b> }" in " ".join(text.split())
    with pytest.raises(ValueError):
        with_rows(queries.load("import_node_types").text, "node", ["https://e.org/x> } ?s ?p ?o {"])
    with pytest.raises(ValueError, match="WHERE"):
        with_rows("SELECT * {}", "node", ["https://e.org/a"])
    ficol, nowhere = f"{base}funding/ficol", f"{base}funding/nowhere"
    _, rows = seeded_store.select_values(with_rows(queries.load("import_node_types").text, "node", [ficol, nowhere]))
    assert {(node, cls) for node, cls in rows} == {(ficol, f"{COOP}FundingInstrument")}


def test_context_types_satisfy_sh_class_without_being_validated() -> None:
    """A project funded by a node the batch does not describe: refused on its own, accepted once
    the graph's class of that node is given as context, which is not itself validated (it has
    no label here, which the FundingInstrument shape would refuse)."""
    from rdflib import Literal
    from rdflib.namespace import DCTERMS, RDF, RDFS

    from graph.ingest.validation import validate_batch

    project, instrument = URIRef("https://e.org/project/p"), URIRef("https://e.org/funding/f")
    data = {
        (project, RDF.type, URIRef(f"{COOP}Project")),
        (project, RDFS.label, Literal("P", lang="fr")),
        (project, DCTERMS.source, URIRef("https://e.org/source/s")),
        (project, URIRef(f"{COOP}fundedBy"), instrument),
    }
    alone = sorted(str(p.path) for p in validate_batch(set(data)) if p.severity == "Violation")
    assert f"{COOP}fundedBy" in alone  # (and coop:involves, which this project lacks)
    context = {instrument: {URIRef(f"{COOP}FundingInstrument")}}
    with_context = validate_batch(set(data), context_types=context)
    assert sorted(str(p.path) for p in with_context if p.severity == "Violation") == [
        path for path in alone if path != f"{COOP}fundedBy"
    ]
    assert all(p.focus != str(instrument) for p in with_context)
