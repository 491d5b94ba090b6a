"""Competency questions 1–11 and 14, answered on the seed graph through the store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph import queries
from graph.store import Store, open_store

DEF = "https://w3id.org/coopgraph/def/"
CQ_NAMES = [
    "cq01_partners_by_country", "cq02_projects_of_authority", "cq03_authority_places",
    "cq04_authority_spokespersons", "cq05_funding_instruments", "cq06_know_how_exchanges",
    "cq07_event_participants", "cq08_report_authors", "cq09_person_affiliations", "cq10_labels",
    "cq11_partnerships_by_period", "cq14_statement_provenance",
]  # fmt: skip


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    s.init()
    yield s
    s.close()


def iri(store: Store, path: str) -> URIRef:
    return URIRef(store.base + path)


def short(store: Store, node: Node | None) -> str | None:
    """An IRI without the data base or the def/ root, a literal as its lexical form."""
    if node is None:
        return None
    return str(node).removeprefix(store.base).removeprefix(DEF)


def py(node: Node) -> Any:
    """The Python value of a literal."""
    assert isinstance(node, Literal), node
    return node.toPython()


def column(store: Store, rows: list[dict[str, Node]], name: str) -> set[str | None]:
    return {short(store, row.get(name)) for row in rows}


# -- the query files --------------------------------------------------------------------------


UNSORTED = {"cq14_statement_provenance"}


@pytest.mark.parametrize("name", CQ_NAMES)
def test_query_file_has_a_header_and_its_params_are_projected(name: str) -> None:
    query = queries.load(name)
    assert query.text.startswith(f"# {name} — ")
    assert query.description.endswith("?")
    assert "lang" in query.params
    select = query.text[query.text.index("SELECT") : query.text.index("WHERE")]
    for param in query.params:
        # pyoxigraph binds a parameter only if the SELECT projects it
        assert re.search(rf"\?{param}\b", select), param
    # sorted answers, but for a question that may list every statement of the store: there the
    # sort alone held every row in memory (cq14 unbound at Atlas 1x: 30 s and 625 MB, 3 s and
    # 61 MB streamed), and its header says in which order the rows come
    assert "ORDER BY" in query.text or name in UNSORTED, name
    prefixes = set(re.findall(r"^PREFIX (\w+):", query.text, re.MULTILINE))
    used = set(re.findall(r"\b([a-z]+):[A-Za-z]", query.text.split("\n", len(prefixes) + 20)[-1]))
    assert used - {"urn"} <= prefixes


@pytest.mark.parametrize("name", CQ_NAMES)
def test_query_runs_without_parameters_and_in_english(store: Store, name: str) -> None:
    french = store.select(name)
    english = store.select(name, lang=Literal("en"))
    assert french and len(english) == len(french)
    assert all(row["lang"] == Literal("en") for row in english)


# -- CQ1 --------------------------------------------------------------------------------------


def test_cq01_ecuador_gives_lille_and_quito_since_1994(store: Store) -> None:
    rows = store.select("cq01_partners_by_country", country=iri(store, "country/ec"))
    assert len(rows) == 1
    row = rows[0]
    assert short(store, row["frenchAuthority"]) == "authority/fr/metropole-europeenne-de-lille"
    assert row["frenchAuthorityLabel"] == Literal("Métropole européenne de Lille", lang="fr")
    assert short(store, row["partner"]) == "authority/ec/district-metropolitain-de-quito"
    assert row["partnerLabel"] == Literal("District métropolitain de Quito", lang="fr")
    assert row["countryLabel"] == Literal("Équateur", lang="fr")
    assert py(row["sinceYear"]) == 1994
    assert str(row["agreementDate"]) == "1994-04-15"
    assert py(row["firstContactYear"]) == 1989
    assert short(store, row["status"]) == "status/implementation"
    assert short(store, row["theme"]) == "theme/ville-intelligente"


def test_cq01_senegal_gives_besancon_and_dakar_in_english(store: Store) -> None:
    rows = store.select("cq01_partners_by_country", country=iri(store, "country/sn"), lang=Literal("en"))
    assert [(short(store, r["frenchAuthority"]), short(store, r["partner"])) for r in rows] == [
        ("authority/fr/besancon", "authority/sn/dakar")
    ]
    assert rows[0]["countryLabel"] == Literal("Senegal", lang="en")
    assert rows[0]["partnershipLabel"] == Literal("Besançon – Dakar cooperation", lang="en")
    assert "sinceYear" not in rows[0], "the article gives no date for Besançon–Dakar"


def test_cq01_peru_has_no_partner_and_every_country_lists_both(store: Store) -> None:
    assert store.select("cq01_partners_by_country", country=iri(store, "country/pe")) == []
    rows = store.select("cq01_partners_by_country")
    assert column(store, rows, "country") == {"country/ec", "country/sn"}


# -- CQ2 --------------------------------------------------------------------------------------


def test_cq02_projects_of_the_metropole_europeenne_de_lille(store: Store) -> None:
    rows = store.select(
        "cq02_projects_of_authority", authority=iri(store, "authority/fr/metropole-europeenne-de-lille")
    )
    assert [(short(store, r["project"]), short(store, r["partner"]), short(store, r["status"])) for r in rows] == [
        (
            "project/lille-quito-ville-intelligente-partagee",
            "authority/ec/district-metropolitain-de-quito",
            "status/implementation",
        )
    ]
    assert rows[0]["statusLabel"] == Literal("Mise en œuvre", lang="fr")
    assert short(store, rows[0]["partnerCountry"]) == "country/ec"
    assert (
        short(store, rows[0]["partnership"])
        == "partnership/metropole-europeenne-de-lille-district-metropolitain-de-quito"
    )


def test_cq02_other_authorities(store: Store) -> None:
    rows = store.select("cq02_projects_of_authority", authority=iri(store, "authority/sn/dakar"))
    assert column(store, rows, "partner") == {"authority/fr/besancon"}
    assert store.select("cq02_projects_of_authority", authority=iri(store, "authority/fr/albi")) == []


# -- CQ3 --------------------------------------------------------------------------------------


def test_cq03_places_governed_and_their_countries(store: Store) -> None:
    rows = store.select("cq03_authority_places")
    governed = {short(store, r["authority"]): (short(store, r["place"]), short(store, r["country"])) for r in rows}
    assert governed == {
        "authority/fr/metropole-europeenne-de-lille": ("place/2998324", "country/fr"),
        "authority/ec/district-metropolitain-de-quito": ("place/3652462", "country/ec"),
        "authority/fr/besancon": ("place/3033123", "country/fr"),
        "authority/sn/dakar": ("place/2253354", "country/sn"),
        "authority/fr/albi": ("place/3038261", "country/fr"),
        "authority/fr/fleury-sur-orne": ("place/3018275", "country/fr"),
    }
    mel = next(r for r in rows if short(store, r["authority"]) == "authority/fr/metropole-europeenne-de-lille")
    assert mel["placeLabel"] == Literal("Lille", lang="fr") and mel["kindLabel"] == Literal(
        "intercommunalité", lang="fr"
    )
    assert py(mel["lat"]) == Decimal("50.63391") and mel["geonamesId"] == Literal("2998324")


def test_cq03_by_country_in_english(store: Store) -> None:
    rows = store.select("cq03_authority_places", country=iri(store, "country/ec"), lang=Literal("en"))
    assert [(short(store, r["authority"]), str(r["countryLabel"]), str(r["kindLabel"])) for r in rows] == [
        ("authority/ec/district-metropolitain-de-quito", "Ecuador", "foreign local government")
    ]


def test_cq03_one_authority_with_and_without_a_country(store: Store) -> None:
    """Bound ?authority (a detail page) and a ?country its place is not in: no row, not the
    authority with its place dropped or another country put in."""
    lille = iri(store, "authority/fr/metropole-europeenne-de-lille")
    rows = store.select("cq03_authority_places", authority=lille)
    assert [(short(store, r["place"]), short(store, r["country"]), str(r["isoCode"])) for r in rows] == [
        ("place/2998324", "country/fr", "FR")
    ]
    assert store.select("cq03_authority_places", authority=lille, country=iri(store, "country/ec")) == []
    rows = store.select("cq03_authority_places", authority=lille, country=iri(store, "country/fr"))
    assert [short(store, r["place"]) for r in rows] == ["place/2998324"]


# -- CQ4 --------------------------------------------------------------------------------------


def test_cq04_who_speaks_for_each_authority(store: Store) -> None:
    rows = store.select("cq04_authority_spokespersons")
    speakers = {(short(store, r["authority"]), str(r["personName"]), short(store, r.get("presented"))) for r in rows}
    assert speakers == {
        ("authority/fr/metropole-europeenne-de-lille", "Akim Oural", "project/lille-quito-ville-intelligente-partagee"),
        ("authority/fr/besancon", "Myriam El Yassa", "project/besancon-dakar-ville-intelligente-partagee"),
    }
    oural = next(r for r in rows if str(r["personName"]) == "Akim Oural")
    assert "Schéma d'Aménagement Numérique" in str(oural["mandate"])
    assert short(store, oural["role"]) == "person-role/councillor"


# -- CQ5 --------------------------------------------------------------------------------------


def test_cq05_funding_instruments_and_their_operators(store: Store) -> None:
    rows = store.select("cq05_funding_instruments")
    operators = {short(store, r["instrument"]): short(store, r["operator"]) for r in rows}
    assert operators == {"funding/ficol": "organisation/afd", "funding/appels-a-projets-daect": "organisation/daect"}
    ficol = next(r for r in rows if short(store, r["instrument"]) == "funding/ficol")
    assert (py(ficol["minAmount"]), py(ficol["maxAmount"])) == (Decimal(200000), Decimal(1500000))
    assert py(ficol["cofinancingShare"]) == Decimal("0.3")
    daect = next(r for r in rows if short(store, r["instrument"]) == "funding/appels-a-projets-daect")
    assert short(store, daect["operatorParent"]) == "organisation/ministere-de-l-europe-et-des-affaires-etrangeres"
    assert column(store, rows, "project") == {None}, "the sources name no project funded by either"


# -- CQ6 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["ville-intelligente", "technologies-information-communication", "economie-durable"])
def test_cq06_digital_know_how_shared_by_albi_and_fleury_sur_orne(store: Store, theme: str) -> None:
    rows = store.select("cq06_know_how_exchanges", theme=URIRef(f"{DEF}theme/{theme}"))
    assert column(store, rows, "sharer") == {"authority/fr/albi", "authority/fr/fleury-sur-orne"}
    assert column(store, rows, "exchangeTheme") == {"theme/ville-intelligente"}
    assert column(store, rows, "through") == {"event/rencontre-ville-intelligente-partagee-2018-09"}
    assert column(store, rows, "receiver") == {None}, "the article does not say who received it"


def test_cq06_no_exchange_on_water(store: Store) -> None:
    assert store.select("cq06_know_how_exchanges", theme=URIRef(f"{DEF}theme/eau-assainissement")) == []


# -- CQ7 --------------------------------------------------------------------------------------


def test_cq07_the_september_2018_meeting(store: Store) -> None:
    rows = store.select(
        "cq07_event_participants", event=iri(store, "event/rencontre-ville-intelligente-partagee-2018-09")
    )
    assert column(store, rows, "organiser") == {"organisation/villes-internet"}
    assert column(store, rows, "host") == {"organisation/mnt"}
    assert column(store, rows, "location") == {"place/2988507"}
    assert column(store, rows, "date") == {"2018-09"}
    assert {str(r["participantLabel"]) for r in rows} == {
        "Akim Oural", "Emmanuel Eveno", "Florence Durand-Tornare", "Mathieu Vidal", "Jean-Michel Zabiegala",
        "Pierre-Arnaud Barthel", "Hélène Hampartzoumian", "Myriam El Yassa", "Albi", "Fleury-sur-Orne",
    }  # fmt: skip
    presented = {(str(r["participantLabel"]), short(store, r.get("presented"))) for r in rows}
    assert {
        ("Jean-Michel Zabiegala", "funding/ficol"),
        ("Pierre-Arnaud Barthel", "document/guide-smart-city-afd"),
        ("Hélène Hampartzoumian", "funding/appels-a-projets-daect"),
        ("Akim Oural", "project/lille-quito-ville-intelligente-partagee"),
        ("Myriam El Yassa", "project/besancon-dakar-ville-intelligente-partagee"),
        ("Emmanuel Eveno", "document/vers-un-modele-francais-des-villes-intelligentes-partagees"),
    } <= presented
    albi = [r for r in rows if str(r["participantLabel"]) == "Albi"]
    assert len(albi) == 1 and "numérique" in str(albi[0]["presentationDescription"])


# -- CQ8 --------------------------------------------------------------------------------------


def test_cq08_the_four_authors_and_the_hand_over_to_lemoyne(store: Store) -> None:
    rows = store.select("cq08_report_authors")
    assert [str(r["authorName"]) for r in rows] == [
        "Akim Oural",
        "Emmanuel Eveno",
        "Florence Durand-Tornare",
        "Mathieu Vidal",
    ]
    for row in rows:
        assert str(row["handedToName"]) == "Jean-Baptiste Lemoyne"
        assert str(row["handedOnDate"]) == "2018-07-03"
        assert str(row["date"]) == "2018-06-27"
        assert py(row["pages"]) == 200
        assert str(row["title"]) == "Vers un modèle français des villes intelligentes partagées"
        assert short(store, row["addressedTo"]) == "organisation/ministere-de-l-europe-et-des-affaires-etrangeres"
        assert short(store, row["commissionedBy"]) == "organisation/ministere-de-l-europe-et-des-affaires-etrangeres"
        assert str(row["commissionedOn"]) == "2017-01"


# -- CQ9 --------------------------------------------------------------------------------------


def test_cq09_affiliations_and_roles(store: Store) -> None:
    rows = store.select("cq09_person_affiliations", person=iri(store, "person/emmanuel-eveno"), lang=Literal("en"))
    roles = {(str(r["organisationLabel"]), str(r["roleLabel"]), short(store, r.get("parent"))) for r in rows}
    assert roles == {
        ("University of Toulouse-Jean Jaurès", "professor", None),
        ("LISST-Cieu", "laboratory director", "organisation/lisst"),
        ("Villes Internet", "president", None),
    }
    everyone = store.select("cq09_person_affiliations")
    assert len({r["person"] for r in everyone}) == 9
    daect = next(r for r in everyone if short(store, r["organisation"]) == "organisation/daect")
    assert str(daect["personName"]) == "Hélène Hampartzoumian"
    assert short(store, daect["parent"]) == "organisation/ministere-de-l-europe-et-des-affaires-etrangeres"


# -- CQ10 -------------------------------------------------------------------------------------


def test_cq10_labels_who_awards_them_and_their_status(store: Store) -> None:
    rows = store.select("cq10_labels")
    statuses = {short(store, r["label"]): short(store, r["labelStatus"]) for r in rows}
    assert statuses == {
        "label/villes-internet": "label-status/existing",
        "label/french-tech": "label-status/existing",
        "label/french-cite": "label-status/proposed",
    }
    villes = next(r for r in rows if short(store, r["label"]) == "label/villes-internet")
    assert short(store, villes["awardedBy"]) == "organisation/villes-internet"
    assert str(villes["since"]) == "1999"
    assert column(store, rows, "authority") == {None}, "the sources name no holder or candidate"


# -- CQ11 -------------------------------------------------------------------------------------


def _states(store: Store, rows: list[dict[str, Node]]) -> dict[str | None, str]:
    return {short(store, r["partnership"]): str(r["state"]) for r in rows}


LILLE_QUITO = "partnership/metropole-europeenne-de-lille-district-metropolitain-de-quito"


def test_cq11_both_partnerships_are_ongoing(store: Store) -> None:
    rows = store.select("cq11_partnerships_by_period")
    assert _states(store, rows) == {LILLE_QUITO: "ongoing", "partnership/besancon-dakar": "ongoing"}
    lille = next(r for r in rows if short(store, r["partnership"]) == LILLE_QUITO)
    assert py(lille["startYear"]) == 1994 and "endYear" not in lille


def test_cq11_year_ranges(store: Store) -> None:
    rows = store.select("cq11_partnerships_by_period", fromYear=2018, toYear=2018)
    assert _states(store, rows) == {LILLE_QUITO: "ongoing", "partnership/besancon-dakar": "unknown"}
    rows = store.select("cq11_partnerships_by_period", fromYear=1990, toYear=1993)
    assert _states(store, rows) == {"partnership/besancon-dakar": "unknown"}, "Lille–Quito starts in 1994"


@pytest.fixture
def writable() -> Iterator[Store]:
    s = open_store(":memory:")
    s.init()
    yield s
    s.close()


def test_cq11_falls_back_on_the_projects_of_a_partnership(writable: Store) -> None:
    """The importer puts dates and status on a partnership's project when there is one."""
    writable.update("""
        PREFIX coop: <https://w3id.org/coopgraph/def#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { GRAPH <graph/test> {
            <partnership/albi-x> a coop:Partnership ; rdfs:label "Albi – X"@fr ;
                coop:frenchPartner <authority/fr/albi> ; coop:foreignPartner <authority/sn/dakar> .
            <project/albi-x> a coop:Project ; coop:partOfPartnership <partnership/albi-x> ;
                coop:startYear 2001 ; coop:endDate "2005-06-30"^^xsd:date ;
                coop:status <https://w3id.org/coopgraph/def/status/closed> .
        } }""")
    for (from_year, to_year), expected in {
        (2003, 2004): "ongoing",
        (2003, 2010): "ended",
        (2006, 2010): None,
        (1990, 2000): None,
    }.items():
        rows = writable.select("cq11_partnerships_by_period", fromYear=from_year, toYear=to_year)
        states = _states(writable, rows)
        assert states.get("partnership/albi-x") == expected, (from_year, to_year, states)
    row = next(
        r
        for r in writable.select("cq11_partnerships_by_period")
        if short(writable, r["partnership"]) == "partnership/albi-x"
    )
    assert (py(row["startYear"]), py(row["endYear"]), str(row["state"])) == (2001, 2005, "ended")
    cq1 = writable.select("cq01_partners_by_country", country=iri(writable, "country/sn"))
    assert {short(writable, r["partnership"]): r.get("sinceYear") for r in cq1} == {
        "partnership/besancon-dakar": None,
        "partnership/albi-x": Literal(2001),
    }


# -- CQ14 -------------------------------------------------------------------------------------


def test_cq14_quito_in_ecuador_comes_from_the_notes_and_geonames(store: Store) -> None:
    rows = store.select(
        "cq14_statement_provenance",
        subject=iri(store, "place/3652462"),
        predicate=URIRef("https://w3id.org/coopgraph/def#inCountry"),
        lang=Literal("en"),
    )
    assert {(short(store, r["object"]), short(store, r["graph"]), short(store, r["source"])) for r in rows} == {
        ("country/ec", "graph/seed/notes", "source/domain-notes"),
        ("country/ec", "graph/seed/geonames", "source/geonames"),
    }
    notes = next(r for r in rows if short(store, r["graph"]) == "graph/seed/notes")
    assert str(notes["sourceTitle"]) == "Domain notes: decentralised cooperation"
    assert str(notes["graphTitle"]).startswith("Seed graph: facts and corrections")
    assert "generatedAt" in notes


def test_cq14_an_author_named_by_the_article(store: Store) -> None:
    rows = store.select(
        "cq14_statement_provenance",
        subject=iri(store, "document/vers-un-modele-francais-des-villes-intelligentes-partagees"),
        object=iri(store, "person/mathieu-vidal"),
    )
    assert len(rows) == 1
    row = rows[0]
    assert short(store, row["graph"]) == "graph/seed/article"
    assert str(row["sourceIdentifier"]) == "000_fdddd02693264bb0"
    assert str(row["sourceDate"]) == "2018-10"
    rows = store.select(
        "cq14_statement_provenance",
        subject=iri(store, "document/vers-un-modele-francais-des-villes-intelligentes-partagees"),
        object=iri(store, "person/emmanuel-eveno"),
    )
    assert column(store, rows, "graph") == {"graph/seed/notes"}, "the article lost his name"


def test_cq14_a_statement_from_an_import_batch(writable: Store) -> None:
    writable.update("""
        PREFIX coop: <https://w3id.org/coopgraph/def#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA {
            GRAPH <graph/batch/b1> { <authority/fr/albi> rdfs:label "Albi (Tarn)"@fr }
            GRAPH <graph/meta> {
                <batch/b1> a coop:ImportBatch ; coop:graph <graph/batch/b1> ;
                    prov:startedAtTime "2026-01-02T03:04:05Z"^^xsd:dateTime ; prov:used "atlas.csv" .
            }
        }""")
    rows = writable.select(
        "cq14_statement_provenance",
        subject=iri(writable, "authority/fr/albi"),
        object=Literal("Albi (Tarn)", lang="fr"),
    )
    assert [(short(writable, r["graph"]), short(writable, r["batch"]), str(r["source"])) for r in rows] == [
        ("graph/batch/b1", "batch/b1", "atlas.csv")
    ]
    assert py(rows[0]["batchStarted"]).isoformat() == "2026-01-02T03:04:05+00:00"


def test_cq14_unbound_lists_each_statement_of_each_graph_once(writable: Store) -> None:
    """Asked with nothing bound, one row per quad of the store, even where a graph's title and
    record are stated in two graphs (each is read once, not once per graph stating it)."""
    graph = iri(writable, "graph/seed/notes")
    title = writable.select(
        "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?t WHERE { ?g dcterms:title ?t }", g=graph
    )[0]["t"]
    writable.update(
        f"""PREFIX dcterms: <http://purl.org/dc/terms/>
        INSERT DATA {{ GRAPH <graph/batch/b2> {{ <{graph}> dcterms:title {title.n3()} }} }}"""
    )
    rows = writable.select("cq14_statement_provenance")
    quads = {(q.subject.value, q.predicate.value, str(q.object), q.graph_name.value) for q in writable.quads()}
    keys = [(str(r["subject"]), str(r["predicate"]), r["object"].n3(), str(r["graph"])) for r in rows]
    assert len(keys) == len(set(keys)) == len(quads)
    notes = [r for r in rows if r["graph"] == graph]
    assert notes and {str(r["graphTitle"]) for r in notes} == {str(title)}
