"""The importer: readers, refusals that leave the store untouched, re-import, undo, skip, dry run."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from graph import batches
from graph.ingest import readers
from graph.ingest.pipeline import import_file
from graph.store import Store

HEADER = "titre;collectivité française;pays partenaire;collectivité partenaire;statut;année de début;date de fin\n"
GOOD = HEADER + "Eau pour tous;Lille;Équateur;Quito;En cours;2015;31/12/2020\n"


def _quads(store: Store) -> set[str]:
    return {str(q) for q in store.quads()}


def test_csv_cp1252_semicolon_reads_right() -> None:
    table = readers.read_csv(GOOD.encode("cp1252"))
    assert table.encoding == "cp1252" and table.separator == ";"
    assert table.rows[0].values["collectivité française"] == "Lille"
    assert table.rows[0].values["pays partenaire"] == "Équateur"


def test_csv_bom_tab_and_quoted_newline() -> None:
    text = 'title\tFrench authority\tpartner country\tpartner authority\n"two\nlines"\tLille\tEC\tQuito\n'
    table = readers.read_csv(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert table.encoding == "utf-8-sig" and table.separator == "\t"
    assert table.headers[0] == "title"
    assert table.rows[0].values["title"] == "two\nlines"
    assert table.rows[0].origin == "row 2"


def test_json_errors_carry_a_pointer() -> None:
    with pytest.raises(readers.ReadError) as err:
        readers.read_json(b'[{"title": "x"}, 3]')
    assert err.value.where == "/1"


def test_bad_encoding_refused_and_store_untouched(empty_store: Store) -> None:
    before = _quads(empty_store)
    content = GOOD.encode("utf-8") + "Autre;Besançon;Sénégal;Dakar;;;\n".encode("cp1252")
    report = import_file(empty_store, "bad.csv", content)
    assert report.status == "rejected"
    assert "bad encoding" in report.errors[0].message and report.errors[0].where == "line 3"
    assert _quads(empty_store) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.csv", "titre;collectivité française;statut\nX;Lille;En cours\n", "missing required column"),
        ("broken.ttl", "@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", "line 3"),
        ("dates.csv", HEADER + "P;Lille;Équateur;Quito;En cours;2020;01/01/2019\n", "before the start year"),
        ("country.csv", HEADER + "P;Lille;Atlantis;Quito;En cours;2020;\n", "unknown country 'Atlantis'"),
    ],
)
def test_damaged_files_refused_with_reasons(empty_store: Store, name: str, content: str, expected: str) -> None:
    before = _quads(empty_store)
    report = import_file(empty_store, name, content.encode("utf-8"))
    assert report.status == "rejected", report.as_dict()
    assert any(expected in (e.where + " " + e.message) for e in report.errors), [e.text() for e in report.errors]
    assert _quads(empty_store) == before


def test_unknown_country_names_its_row_and_column(empty_store: Store) -> None:
    report = import_file(empty_store, "c.csv", (HEADER + "P;Lille;Atlantis;Quito;;;\n").encode())
    (error,) = report.errors
    assert error.where == "row 2" and error.column == "pays partenaire"


def test_import_reimport_undo(empty_store: Store) -> None:
    before = _quads(empty_store)
    report = import_file(empty_store, "good.csv", GOOD.encode("utf-8"))
    assert report.status == "imported", [i.text() for i in report.issues]
    assert report.created > 0 and report.imported == 1
    after = _quads(empty_store)
    again = import_file(empty_store, "good.csv", GOOD.encode("utf-8"))
    assert again.status == "already-imported" and again.batch == report.batch
    assert _quads(empty_store) == after
    base = empty_store.base
    assert empty_store.ask("ASK { ?p <http://www.w3.org/ns/org#hasMember> ?a }")
    assert (URIRef(f"{base}place/2998324"), None) is not None
    rows = empty_store.select_values('SELECT ?s WHERE { ?s <https://w3id.org/coopgraph/def#geonamesId> "2998324" }')
    assert rows[1] == [(f"{base}place/2998324",)]
    batches.undo(empty_store, report.batch or "")
    assert _quads(empty_store) == before


def test_second_file_with_same_records_merges(empty_store: Store) -> None:
    first = import_file(empty_store, "a.csv", GOOD.encode("utf-8"))
    second = import_file(empty_store, "b.csv", (GOOD + "\n").encode("cp1252"))
    assert first.status == second.status == "imported"
    assert second.created == 0  # every entity lands on the IRI the first file minted
    assert second.merged >= 5


def test_quito_in_peru_is_flagged_not_fixed(empty_store: Store) -> None:
    content = (HEADER + "P;Lille;Pérou;Quito;En cours;2015;\n").encode("utf-8")
    report = import_file(empty_store, "peru.csv", content)
    assert report.status == "imported"
    (flag,) = [w for w in report.warnings if w.code == "city-country-mismatch"]
    assert flag.where == "row 2" and flag.corrected and flag.corrected.endswith("country/ec")
    rows = empty_store.select("cq15_import_flags", batch=URIRef(f"{empty_store.base}batch/{report.batch}"))
    codes = {str(r["code"]) for r in rows}
    assert "city-country-mismatch" in codes
    mismatch = next(r for r in rows if str(r["code"]) == "city-country-mismatch")
    assert str(mismatch["stated"]) == "Peru" and str(mismatch["where"]).startswith("row 2")


def test_lille_resolved_by_country(empty_store: Store) -> None:
    content = (
        "collectivité française;pays de la collectivité;collectivité partenaire;pays partenaire\n"
        "Lille;Belgique;Quito;Équateur\nLille;France;Quito;Équateur\n"
    ).encode()
    report = import_file(empty_store, "lille.csv", content)
    assert report.status == "imported", [i.text() for i in report.issues]
    _, rows = empty_store.select_values(
        "SELECT ?a ?id WHERE { ?a <https://w3id.org/coopgraph/def#governs>/<https://w3id.org/coopgraph/def#geonamesId> ?id } ORDER BY ?id"
    )
    assert {(a.rsplit("/", 2)[-2], i) for a, i in rows if "lille" in (a or "")} == {
        ("be", "2792360"),
        ("fr", "2998324"),
    }


def test_on_error_skip_imports_good_rows_and_records_rejects(empty_store: Store) -> None:
    content = (GOOD + "Autre;Besançon;Atlantis;Dakar;;;\n").encode("utf-8")
    refused = import_file(empty_store, "mixed.csv", content)
    assert refused.status == "rejected"
    report = import_file(empty_store, "mixed.csv", content, on_error="skip")
    assert report.status == "imported" and report.skipped == 1 and report.imported == 1
    rows = empty_store.select("cq15_import_flags", batch=URIRef(f"{empty_store.base}batch/{report.batch}"))
    rejected = [r for r in rows if str(r["code"]) == "rejected-record"]
    assert len(rejected) == 1 and "Atlantis" in str(rejected[0]["why"])
    batches.undo(empty_store, report.batch or "")
    assert not empty_store.select("cq15_import_flags")


def test_dry_run_writes_nothing(empty_store: Store) -> None:
    before = _quads(empty_store)
    report = import_file(empty_store, "good.csv", GOOD.encode("utf-8"), dry_run=True)
    assert report.status == "dry-run" and report.triples > 0
    assert _quads(empty_store) == before


TWIN = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "twin_cities_raw.csv"


@pytest.mark.slow
def test_twin_town_file_imports_whole() -> None:
    if not TWIN.is_file():
        pytest.skip(f"{TWIN} is absent (the twin-town data set lives outside the repository)")
    from graph.store import open_store

    store = open_store(":memory:")
    mapping = Path(__file__).resolve().parents[1] / "mappings" / "twin_cities.yaml"
    report = import_file(store, TWIN.name, TWIN.read_bytes(), mapping=mapping)
    assert report.status == "imported", report.message
    assert report.records == 26114
    assert report.imported + report.skipped == report.records
    assert report.skipped < 20
    for issue in report.issues:
        assert issue.where.startswith("row ") and issue.message
    listed = {i.where for i in report.issues if i.code in ("unresolved-place", "city-country-mismatch")}
    flags = store.select("cq15_import_flags")
    assert {str(f["where"]).split(",")[0] for f in flags} >= listed
