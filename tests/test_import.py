"""The importer: readers, refusals that leave the store untouched, re-import, undo, skip, dry run."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from graph import batches
from graph.gazetteer import fold
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


DAMAGED: list[tuple[str, bytes, str]] = [
    (
        "encoding.csv",
        GOOD.encode("utf-8") + "Autre;Besançon;Sénégal;Dakar;;;\n".encode("cp1252"),
        "line 3 bad encoding",
    ),
    ("missing.csv", "titre;collectivité française;statut\nX;Lille;En cours\n".encode(), "missing required column"),
    ("broken.ttl", b"@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", "line 3"),
    (
        "dates.csv",
        (HEADER + "P;Lille;Équateur;Quito;En cours;2020;01/01/2019\n").encode(),
        "row 2 before the start year",
    ),
    ("country.csv", (HEADER + "P;Lille;Atlantis;Quito;En cours;2020;\n").encode(), "row 2 unknown country 'Atlantis'"),
]


@pytest.mark.parametrize(("name", "content", "expected"), DAMAGED, ids=[d[0] for d in DAMAGED])
def test_damaged_files_refused_with_reasons(empty_store: Store, name: str, content: bytes, expected: str) -> None:
    """Each damage is refused with where and why, and the store keeps exactly its quads."""
    assert import_file(empty_store, "good.csv", GOOD.encode()).status == "imported"
    before = _quads(empty_store)
    report = import_file(empty_store, name, content)
    assert report.status == "rejected", report.as_dict()
    place, _, why = expected.partition(" ") if expected.startswith(("row", "line")) else ("", "", expected)
    if place:
        place = " ".join(expected.split(" ")[:2])
        why = " ".join(expected.split(" ")[2:])
    assert any(e.where.startswith(place) and why in e.message for e in report.errors), [e.text() for e in report.errors]
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
        "SELECT ?a ?id WHERE { ?a <https://w3id.org/coopgraph/def#governs>/"
        "<https://w3id.org/coopgraph/def#geonamesId> ?id } ORDER BY ?id"
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


_UK_PARTS = {"england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "united kingdom": "GB"}


def _iso_of(cell: str) -> str | None:
    """The country of a twin-town country cell, by plain facts: the UK's nations are GB, the
    Republic of Ireland is IE, "England, United Kingdom" is its first part; else pycountry."""
    import pycountry

    for part in (p.strip() for p in cell.split(",")):
        key = part.lower()
        if key in _UK_PARTS:
            return _UK_PARTS[key]
        if key == "republic of ireland":
            return "IE"
        try:
            return str(pycountry.countries.lookup(part).alpha_2)
        except LookupError:
            continue
    return None


def _expected_cq16(rows: list[dict[str, str]]) -> tuple[Counter[str], Counter[str]]:
    """From the CSV alone: twins per French town (distinct partner names), and distinct
    (French town, foreign town) pairs per partner country."""
    twins: dict[str, set[str]] = defaultdict(set)
    pairs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in rows:
        sides = [(r["city1"], r["country1"]), (r["city2"], r["country2"])]
        for (town, country), (other, other_country) in (sides, sides[::-1]):
            if country.strip() == "France" and fold(town) != fold(other):
                twins[fold(town)].add(fold(other))
                iso = _iso_of(other_country)
                if iso and iso != "FR":
                    pairs[iso].add((fold(town), fold(other)))
    return Counter({k: len(v) for k, v in twins.items()}), Counter({k: len(v) for k, v in pairs.items()})


@pytest.mark.slow
def test_twin_town_file_imports_whole() -> None:
    if not TWIN.is_file():
        pytest.skip(f"{TWIN} is absent (the twin-town data set lives outside the repository)")
    from graph.store import open_store

    with TWIN.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    # Rows whose two cells name the same town in the same country cannot be a partnership.
    selfish = {
        f"row {n}"
        for n, r in enumerate(rows, 2)
        if fold(r["city1"]) == fold(r["city2"]) and fold(r["country1"]) == fold(r["country2"])
    }
    store = open_store(":memory:")
    mapping = Path(__file__).resolve().parents[1] / "mappings" / "twin_cities.yaml"
    report = import_file(store, TWIN.name, TWIN.read_bytes(), mapping=mapping)
    assert report.status == "imported", report.message
    assert report.records == len(rows)
    assert report.imported + report.skipped == report.records
    skipped = {i.where for i in report.errors}
    assert len(skipped) == report.skipped
    assert selfish <= skipped
    assert {i.code for i in report.errors if i.where in selfish} == {"self-partnership"}
    for issue in report.issues:
        assert issue.where.startswith("row ") and issue.message
    # Each unresolved or flagged row is listed in the report and recorded as a flag.
    listed = {i.where for i in report.warnings}
    assert {i.code for i in report.warnings} >= {"unresolved-place", "city-country-mismatch"}
    flags = store.select("cq15_import_flags")
    assert {str(f["where"]).split(",")[0] for f in flags} == listed | skipped
    # Names are English (the mapping says so).
    assert store.ask(
        "ASK { ?a a <https://w3id.org/coopgraph/def#LocalAuthority> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Nice"@en }'
    )
    # CQ16 on the imported data, against the same answers counted from the CSV with plain Python.
    # The graph counts places where the CSV counts names (two spellings of one town are one
    # place), so the counts agree within a few percent and the rankings agree at the top.
    cities, countries = _expected_cq16(rows)
    _, answers = store.select_values("cq16_twin_towns_france")
    got_cities = [(fold(label or ""), int(n or 0)) for kind, _, label, n in answers if kind == "city"]
    got_countries = [(iri or "").rsplit("/", 1)[-1].upper() for kind, iri, _, _ in answers if kind == "country"]
    got_country_n = {(iri or "").rsplit("/", 1)[-1].upper(): int(n or 0) for k, iri, _, n in answers if k == "country"}
    top_cities = [name for name, _ in cities.most_common(5)]
    assert [name for name, _ in got_cities[:5]] == top_cities
    for name, n in got_cities[:5]:
        assert abs(n - cities[name]) <= max(1, cities[name] // 20), (name, n, cities[name])
    assert got_countries[:5] == [iso for iso, _ in countries.most_common(5)]
    for iso, n in countries.most_common(5):
        assert abs(got_country_n[iso] - n) <= n // 8, (iso, got_country_n[iso], n)


def test_json_records_import_and_errors_carry_pointers(empty_store: Store) -> None:
    records = [
        {"title": "Eau pour tous", "French authority": "Lille", "partner country": "Ecuador",
         "partner authority": "Quito", "themes": [], "start year": 2015, "end date": "2020-12-31"},
        {"French authority": "Besançon", "partner country": "Atlantis", "partner authority": "Dakar"},
    ]  # fmt: skip
    content = json.dumps(records).encode()
    refused = import_file(empty_store, "records.json", content)
    assert refused.status == "rejected" and refused.errors[0].where == "/1"
    assert _quads(empty_store) == set()
    report = import_file(empty_store, "records.json", content, on_error="skip")
    assert report.status == "imported" and report.imported == 1 and report.skipped == 1
    assert empty_store.ask(
        'ASK { ?p a <https://w3id.org/coopgraph/def#Project> ; <http://purl.org/dc/terms/title> "Eau pour tous"@fr }'
    )


def _rdf_batch(base: str) -> list[ox.Quad]:
    """A valid batch in RDF: what the importer made of GOOD in another store."""
    from graph.store import open_store

    with open_store(":memory:", base=base) as other:
        report = import_file(other, "good.csv", GOOD.encode())
        return list(other.quads(report.graph))


@pytest.mark.parametrize(("suffix", "fmt"), [(".nt", ox.RdfFormat.N_TRIPLES), (".jsonld", ox.RdfFormat.JSON_LD)])
def test_rdf_files_import_validated(empty_store: Store, suffix: str, fmt: ox.RdfFormat) -> None:
    quads = _rdf_batch(empty_store.base)
    content = ox.serialize([q.triple for q in quads], format=fmt)
    assert content is not None
    report = import_file(empty_store, "batch" + suffix, content)
    assert report.status == "imported", [i.text() for i in report.issues]
    assert {q.triple for q in empty_store.quads(report.graph)} == {q.triple for q in quads}
    # The same partnership without its members is refused by the shapes, naming the node (once
    # the first batch is undone: else the graph's own statements of the members complete it).
    batches.undo(empty_store, report.batch or "")
    broken = [q.triple for q in quads if "hasMember" not in q.predicate.value]
    refused = import_file(empty_store, "broken" + suffix, ox.serialize(broken, format=fmt) or b"")
    assert refused.status == "rejected"
    assert any("/partnership/" in e.where and "member" in e.message for e in refused.errors)
