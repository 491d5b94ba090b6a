"""A small partnership network written into the store, and the projections read back from it.

The data set (``NETWORK_TTL``) is the one the network tests share: six French and foreign
cities, the Métropole européenne de Lille and the city of Lille governing the same place, five
partnerships, a project with three members inside one of them, two know-how exchanges, and a
two-level theme hierarchy. Each fact used by a test below is derived from it by hand in the
test's comment.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import network_answers
from graph.network_cache import ResultCache
from graph.projections import (
    Filters,
    authority_country_graph,
    authority_graph,
    authority_item_graph,
    fetch,
    knowhow_graph,
    place_graph,
    projected,
    snapshot,
)
from graph.store import Store

NETWORK_TTL = """
@prefix coop: <https://w3id.org/coopgraph/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix kind: <https://w3id.org/coopgraph/def/authority-kind/> .
@prefix status: <https://w3id.org/coopgraph/def/status/> .
@prefix theme: <https://w3id.org/coopgraph/def/theme/> .

theme:digital skos:broader theme:economy .
theme:smart-city skos:broader theme:digital .

<country/fr> a coop:Country ; coop:isoCode "FR" ; rdfs:label "France"@en .
<country/sn> a coop:Country ; coop:isoCode "SN" ; rdfs:label "Senegal"@en .
<country/ec> a coop:Country ; coop:isoCode "EC" ; rdfs:label "Ecuador"@en .
<country/ml> a coop:Country ; coop:isoCode "ML" ; rdfs:label "Mali"@en .

<place/2998324> a coop:Place ; rdfs:label "Lille" ; coop:inCountry <country/fr> ;
    wgs:lat "50.63297"^^xsd:decimal ; wgs:long "3.05858"^^xsd:decimal .
<place/3033123> a coop:Place ; rdfs:label "Besançon" ; coop:inCountry <country/fr> ;
    wgs:lat "47.24878"^^xsd:decimal ; wgs:long "6.01815"^^xsd:decimal .
<place/3038728> a coop:Place ; rdfs:label "Albi" ; coop:inCountry <country/fr> ;
    wgs:lat "43.92980"^^xsd:decimal ; wgs:long "2.14800"^^xsd:decimal .
<place/2253354> a coop:Place ; rdfs:label "Dakar" ; coop:inCountry <country/sn> ;
    wgs:lat "14.69370"^^xsd:decimal ; wgs:long "-17.44406"^^xsd:decimal .
<place/2246678> a coop:Place ; rdfs:label "Saint-Louis" ; coop:inCountry <country/sn> ;
    wgs:lat "16.01790"^^xsd:decimal ; wgs:long "-16.48960"^^xsd:decimal .
<place/3652462> a coop:Place ; rdfs:label "Quito" ; coop:inCountry <country/ec> ;
    wgs:lat "-0.22985"^^xsd:decimal ; wgs:long "-78.52495"^^xsd:decimal .
<place/2460596> a coop:Place ; rdfs:label "Bamako" ; coop:inCountry <country/ml> ;
    wgs:lat "12.65000"^^xsd:decimal ; wgs:long "-8.00000"^^xsd:decimal .

<authority/fr/lille> a coop:LocalAuthority ; rdfs:label "Ville de Lille" ;
    coop:authorityKind kind:commune ; coop:governs <place/2998324> .
<authority/fr/metropole-europeenne-de-lille> a coop:LocalAuthority ; rdfs:label "Métropole européenne de Lille" ;
    skos:altLabel "MEL" ; coop:authorityKind kind:intercommunalite ; coop:governs <place/2998324> .
<authority/fr/besancon> a coop:LocalAuthority ; rdfs:label "Ville de Besançon" ;
    coop:authorityKind kind:commune ; coop:governs <place/3033123> .
<authority/fr/albi> a coop:LocalAuthority ; rdfs:label "Ville d'Albi" ;
    coop:authorityKind kind:commune ; coop:governs <place/3038728> .
<authority/sn/dakar> a coop:LocalAuthority ; rdfs:label "Ville de Dakar" ;
    coop:authorityKind kind:foreign-local-government ; coop:governs <place/2253354> .
<authority/sn/saint-louis> a coop:LocalAuthority ; rdfs:label "Commune de Saint-Louis" ;
    coop:authorityKind kind:foreign-local-government ; coop:governs <place/2246678> .
<authority/ec/quito> a coop:LocalAuthority ; rdfs:label "Distrito Metropolitano de Quito" ;
    coop:authorityKind kind:foreign-local-government ; coop:governs <place/3652462> .
<authority/ml/bamako> a coop:LocalAuthority ; rdfs:label "District de Bamako" ;
    coop:authorityKind kind:foreign-local-government ; coop:governs <place/2460596> .

<partnership/lille-quito> a coop:Partnership ; rdfs:label "Lille – Quito" ;
    coop:frenchPartner <authority/fr/metropole-europeenne-de-lille> ; coop:foreignPartner <authority/ec/quito> ;
    org:hasMember <authority/fr/metropole-europeenne-de-lille> , <authority/ec/quito> ;
    coop:startYear 1994 ; coop:agreementDate "1994-04-15"^^xsd:date ;
    coop:status status:implementation ; coop:theme theme:smart-city .
<partnership/lille-bamako> a coop:Partnership ; rdfs:label "Lille – Bamako" ;
    org:hasMember <authority/fr/metropole-europeenne-de-lille> , <authority/ml/bamako> ;
    coop:startYear 2001 ; coop:endYear 2008 ; coop:status status:closed .
<partnership/albi-bamako> a coop:Partnership ; rdfs:label "Albi – Bamako" ;
    org:hasMember <authority/fr/albi> , <authority/ml/bamako> ;
    coop:startYear 2005 ; coop:status status:implementation .
<partnership/albi-dakar> a coop:Partnership ; rdfs:label "Albi – Dakar" ;
    org:hasMember <authority/fr/albi> , <authority/sn/dakar> ;
    coop:agreementDate "2015-03-01"^^xsd:date ; coop:theme theme:digital .
<partnership/besancon-dakar> a coop:Partnership ; rdfs:label "Besançon – Dakar" ;
    org:hasMember <authority/fr/besancon> , <authority/sn/dakar> ;
    coop:startYear 2010 ; coop:endDate "2016-12-31"^^xsd:date ; coop:status status:closed ; coop:theme theme:water .

<project/water-senegal> a coop:Project ; dcterms:title "Eau potable au Sénégal" ;
    coop:partOfPartnership <partnership/besancon-dakar> ;
    coop:involves <authority/fr/besancon> , <authority/sn/dakar> , <authority/sn/saint-louis> ;
    coop:startYear 2012 ; coop:status status:closed ; coop:theme theme:water .

<exchange/lille-quito-digital> a coop:KnowHowExchange ; coop:sharedBy <authority/fr/metropole-europeenne-de-lille> ;
    coop:receivedBy <authority/ec/quito> ; coop:theme theme:smart-city .
<exchange/albi-dakar-digital> a coop:KnowHowExchange ; coop:sharedBy <authority/fr/albi> ;
    coop:receivedBy <authority/sn/dakar> ; coop:theme theme:digital .
"""

ID = "https://w3id.org/coopgraph/id/"
MEL, LILLE, QUITO = (
    ID + "authority/fr/metropole-europeenne-de-lille",
    ID + "authority/fr/lille",
    ID + "authority/ec/quito",
)
ALBI, BESANCON, BAMAKO = ID + "authority/fr/albi", ID + "authority/fr/besancon", ID + "authority/ml/bamako"
DAKAR, SAINT_LOUIS = ID + "authority/sn/dakar", ID + "authority/sn/saint-louis"


def write_turtle(store: Store, text: str, graph: str = "test/network") -> None:
    """Parse ``text`` (relative IRIs against the store's base) into one named graph of ``store``."""
    target = ox.NamedNode(store.graph(graph))
    triples = ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=store.base)
    store.add(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)


@pytest.fixture
def network_store(empty_store: Store) -> Store:
    write_turtle(empty_store, NETWORK_TTL)
    return empty_store


def test_fetch_reads_every_table(network_store: Store) -> None:
    data = fetch(network_store)
    assert set(data.authorities) == {MEL, LILLE, QUITO, ALBI, BESANCON, BAMAKO, DAKAR, SAINT_LOUIS}
    mel = data.authorities[MEL]
    assert (mel.country, mel.kind, mel.place_label) == ("FR", "intercommunalite", "Lille")
    assert mel.lat == pytest.approx(50.63297) and mel.lon == pytest.approx(3.05858)
    items = {i.iri.removeprefix(ID): i for i in data.items}
    assert sorted(items) == [
        "partnership/albi-bamako",
        "partnership/albi-dakar",
        "partnership/besancon-dakar",
        "partnership/lille-bamako",
        "partnership/lille-quito",
        "project/water-senegal",
    ]
    # a start year from the agreement date, an end year from the end date
    assert items["partnership/albi-dakar"].start == 2015
    assert items["partnership/besancon-dakar"].end == 2016
    assert items["partnership/lille-quito"].status == "implementation"
    assert items["project/water-senegal"].members == (BESANCON, DAKAR, SAINT_LOUIS)
    assert items["project/water-senegal"].partnership == ID + "partnership/besancon-dakar"
    assert len(data.flows) == 2
    economy = "https://w3id.org/coopgraph/def/theme/economy"
    assert data.narrower[economy] == {economy, economy[:-7] + "digital", economy[:-7] + "smart-city"}


def test_authority_graph(network_store: Store) -> None:
    g = authority_graph(fetch(network_store))
    # all eight authorities, Ville de Lille isolated; five partnerships + the project's 3 pairs
    assert g.number_of_nodes() == 8 and list(nx_isolates(g)) == [LILLE]
    assert g.number_of_edges() == 7
    # Besançon–Dakar: the partnership and the project inside it
    edge = g.edges[BESANCON, DAKAR]
    assert edge["weight"] == 2
    assert edge["partnerships"] == (ID + "partnership/besancon-dakar",)
    assert edge["projects"] == (ID + "project/water-senegal",)
    assert (edge["start"], edge["end"]) == (2010, 2016)
    assert g.edges[DAKAR, SAINT_LOUIS]["weight"] == 1
    assert g.nodes[QUITO] == {
        "type": "authority",
        "label": "Distrito Metropolitano de Quito",
        "kind": "foreign-local-government",
        "country": "EC",
        "place": ID + "place/3652462",
        "place_label": "Quito",
        "lat": pytest.approx(-0.22985),
        "lon": pytest.approx(-78.52495),
    }


def nx_isolates(g):  # type: ignore[no-untyped-def]
    import networkx as nx

    return sorted(nx.isolates(g))


def test_filters(network_store: Store) -> None:
    data = fetch(network_store)
    # country SN: Albi–Dakar, Besançon–Dakar and the project; members of those only
    sn = authority_graph(data, Filters.of(country="sn"))
    assert set(sn) == {ALBI, BESANCON, DAKAR, SAINT_LOUIS}
    # theme economy reaches smart-city (Lille–Quito) and digital (Albi–Dakar) through skos:broader
    economy = authority_graph(data, Filters.of(theme="economy"))
    assert {tuple(sorted(e)) for e in economy.edges} == {tuple(sorted((MEL, QUITO))), tuple(sorted((ALBI, DAKAR)))}
    # kind intercommunalite: the MEL's two partnerships
    assert set(authority_graph(data, Filters.of(kind="intercommunalite"))) == {MEL, QUITO, BAMAKO}
    # 2009: Lille–Bamako ended in 2008; Albi–Dakar starts in 2015; Besançon–Dakar from 2010
    y2009 = snapshot(data, 2009)
    assert {tuple(sorted(e)) for e in y2009.edges} == {tuple(sorted((MEL, QUITO))), tuple(sorted((ALBI, BAMAKO)))}
    y2012 = snapshot(data, 2012)
    assert y2012.edges[BESANCON, DAKAR]["weight"] == 2 and y2012.has_edge(DAKAR, SAINT_LOUIS)
    # 2017: the partnership Besançon–Dakar ended in 2016, its project (no end year) still runs
    y2017 = snapshot(data, 2017)
    assert y2017.edges[ALBI, DAKAR]["weight"] == 1
    assert y2017.edges[BESANCON, DAKAR]["partnerships"] == () and y2017.edges[BESANCON, DAKAR]["weight"] == 1
    with pytest.raises(ValueError, match="country"):
        Filters.of(country="France")
    with pytest.raises(ValueError, match="year"):
        Filters.of(year="soon")


def test_place_and_bipartite_projections(network_store: Store) -> None:
    data = fetch(network_store)
    places = place_graph(data)
    lille, quito = ID + "place/2998324", ID + "place/3652462"
    assert places.nodes[lille]["authorities"] == [LILLE, MEL]
    assert places.nodes[lille]["label"] == "Lille" and places.edges[lille, quito]["weight"] == 1
    assert places.number_of_edges() == 7
    bip = authority_item_graph(data, items="partnerships")
    assert {d["bipartite"] for _, d in bip.nodes(data=True)} == {0, 1}
    assert bip.number_of_edges() == 10  # five partnerships × two members
    onto_authorities = projected(bip, 0)
    assert onto_authorities.edges[ALBI, BAMAKO]["weight"] == 1
    countries = authority_country_graph(data)
    sn = ID + "country/sn"
    # Dakar's partners: Albi, Besançon (FR) twice (partnership + project), Saint-Louis (SN) once
    assert countries.edges[DAKAR, ID + "country/fr"]["weight"] == 3
    assert countries.edges[DAKAR, sn]["weight"] == 1 and countries.edges[BESANCON, sn]["weight"] == 2
    by_country = projected(countries, 1)
    assert by_country.has_edge(ID + "country/fr", sn)


def test_knowhow_graph(network_store: Store) -> None:
    g = knowhow_graph(fetch(network_store))
    assert g.is_directed() and set(g.edges) == {(MEL, QUITO), (ALBI, DAKAR)}
    assert g.edges[MEL, QUITO]["themes"] == ("https://w3id.org/coopgraph/def/theme/smart-city",)
    assert set(knowhow_graph(fetch(network_store), Filters.of(theme="smart-city")).edges) == {(MEL, QUITO)}


def test_answers_are_cached_until_a_write(network_store: Store) -> None:
    cache = ResultCache()
    first = network_answers.summary(network_store, cache=cache)
    assert network_answers.summary(network_store, cache=cache) is first
    assert first["nodes"] == 8 and first["edges"] == 7
    write_turtle(
        network_store,
        """@prefix coop: <https://w3id.org/coopgraph/def#> . @prefix org: <http://www.w3.org/ns/org#> .
        <partnership/lille-dakar> a coop:Partnership ;
            org:hasMember <authority/fr/lille> , <authority/sn/dakar> .""",
    )
    again = network_answers.summary(network_store, cache=cache)
    assert again is not first and again["edges"] == 8 and again["isolates"] == 0


def test_names_resolve_accent_insensitively(network_store: Store) -> None:
    g = network_answers.projection(network_store, "authority", cache=ResultCache())
    cache = ResultCache()
    assert network_answers.resolve(network_store, "ville de besancon", g, cache=cache) == BESANCON
    assert network_answers.resolve(network_store, "Besançon", g, cache=cache) == BESANCON  # the place's name
    assert network_answers.resolve(network_store, "mel", g, cache=cache) == MEL  # an altLabel
    assert network_answers.resolve(network_store, QUITO, g, cache=cache) == QUITO
    with pytest.raises(network_answers.AmbiguousName) as err:
        network_answers.resolve(network_store, "Lille", g, cache=cache)  # the city and the métropole
    assert {c["id"] for c in err.value.candidates} == {LILLE, MEL}
    with pytest.raises(KeyError, match="Paris"):
        network_answers.resolve(network_store, "Paris", g, cache=cache)
    places = network_answers.projection(network_store, "place", cache=cache)
    assert network_answers.resolve(network_store, "Lille", places, cache=cache) == ID + "place/2998324"


def test_an_iri_means_the_authority_of_a_place_or_the_place_of_an_authority(network_store: Store) -> None:
    cache = ResultCache()
    g = network_answers.projection(network_store, "authority", cache=cache)
    places = network_answers.projection(network_store, "place", cache=cache)
    resolve = network_answers.resolve
    assert resolve(network_store, ID + "place/3033123", g, cache=cache) == BESANCON  # governed by Besançon alone
    with pytest.raises(network_answers.AmbiguousName) as err:
        resolve(network_store, ID + "place/2998324", g, cache=cache)  # governed by Lille and the MEL
    assert {c["id"] for c in err.value.candidates} == {LILLE, MEL}
    assert resolve(network_store, BESANCON, places, cache=cache) == ID + "place/3033123"
    assert resolve(network_store, " " + MEL + " ", places, cache=cache) == ID + "place/2998324"
    for nowhere in (ID + "place/0", "http://example.org/not an iri", ID + "authority/fr/paris"):
        with pytest.raises(network_answers.UnknownName):
            resolve(network_store, nowhere, g, cache=cache)
    with pytest.raises(network_answers.UnknownName, match="empty name"):
        resolve(network_store, " !! ", g, cache=cache)


def test_a_partial_name_is_used_only_without_an_exact_one(network_store: Store) -> None:
    cache = ResultCache()
    g = network_answers.projection(network_store, "authority", cache=cache)
    assert network_answers.resolve(network_store, "saint lou", g, cache=cache) == SAINT_LOUIS  # part of a name
    assert network_answers.resolve(network_store, "Quito", g, cache=cache) == QUITO


# -- values stated twice: the same picks as the map, on every backend ------------------------------

SECOND_SOURCE_TTL = """
@prefix coop: <https://w3id.org/coopgraph/def#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix kind: <https://w3id.org/coopgraph/def/authority-kind/> .
@prefix status: <https://w3id.org/coopgraph/def/status/> .

<partnership/besancon-dakar> coop:status status:closed , status:pipeline ;
    coop:startYear 2015 , 2012 ; coop:endYear 2020 , 2022 .

<authority/fr/besancon> coop:authorityKind kind:departement ;
    coop:governs <place/0999999> , <place/1000000> , <place/1000001> .
<place/0999999> a coop:Place ; coop:inCountry <country/sn> ; geo:hasGeometry <place/0999999#geometry> .
<place/0999999#geometry> geo:asWKT "POINT(21 11)"^^geo:wktLiteral , "POINT(20 10.25)"^^geo:wktLiteral .
<place/1000000> coop:inCountry <country/fr> .
<place/1000001> a coop:Place ; coop:inCountry <country/fr> ;
    wgs:lat "1.5"^^xsd:decimal ; wgs:long "2.5"^^xsd:decimal .

<place/2253354> wgs:lat "14.5"^^xsd:decimal .
"""


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["implementation", "closed", "pipeline"], "closed"),
        (["cancelled", "finalisation", "suspended"], "cancelled"),
        (["closed", "cancelled"], "closed"),
        ([ID + "other-b", ID + "other-a"], ID + "other-a"),  # unknown statuses: the smallest IRI
        ([ID + "other", "pipeline"], "pipeline"),  # any known status beats an unknown one
        ([], None),
    ],
)
def test_pick_status_is_the_furthest_along(statuses: list[str], expected: str | None) -> None:
    from itertools import permutations

    from graph.namespaces import STATUS
    from graph.picks import pick_status

    def iri(name: str) -> str:
        return name if name.startswith("http") else str(STATUS) + name

    want = iri(expected) if expected else None
    for order in permutations([iri(s) for s in statuses]):
        assert pick_status(order) == want


def test_values_stated_twice_are_picked_as_the_map_does(seeded_store: Store) -> None:
    """A second graph states another status, years, kind, places and latitude. Each pick below is
    the documented rule (graph/picks.py), derived by hand from the seed and SECOND_SOURCE_TTL:

    - Besançon–Dakar: implementation (seed), closed, pipeline → closed; start 2012, 2015 → 2012;
      end 2020, 2022 → 2022;
    - Besançon governs place/3033123 (seed), 0999999, 1000000, 1000001: 1000000 is not a coop:Place
      and has no coordinates, the three others are drawable, 0999999 is the smallest; it has only
      WKT points, the smallest is (10.25, 20); its country is Senegal (SN); kinds commune (seed) and
      departement → commune;
    - Dakar's place states latitudes 14.69370 (seed) and 14.5 → 14.5.
    """
    from graph.render_index import build_index

    write_turtle(seeded_store, SECOND_SOURCE_TTL, graph="test/second-source")
    data = fetch(seeded_store)
    partnership = next(i for i in data.items if i.iri == ID + "partnership/besancon-dakar")
    assert (partnership.status, partnership.start, partnership.end) == ("closed", 2012, 2022)
    besancon, dakar = data.authorities[BESANCON], data.authorities[DAKAR]
    assert (besancon.place, besancon.kind, besancon.country) == (ID + "place/0999999", "commune", "SN")
    assert (besancon.lat, besancon.lon) == (10.25, 20.0)
    assert (dakar.place, dakar.lat, dakar.lon, dakar.country) == (ID + "place/2253354", 14.5, -17.44406, "SN")

    index = build_index(seeded_store)
    on_map = next(p for p in index.partnerships if p.iri == partnership.iri)
    assert (on_map.status, on_map.start, on_map.end) == (partnership.status, partnership.start, partnership.end)
    for authority in (besancon, dakar):
        place = index.place_of(authority.iri)
        assert place is not None
        assert index.authorities[authority.iri].kind == authority.kind
        assert (place.iri, place.lat, place.lon, place.iso) == (
            authority.place,
            authority.lat,
            authority.lon,
            authority.country,
        )
    # The projections carry the picks as node attributes.
    g = authority_graph(data)
    assert g.nodes[BESANCON]["country"] == "SN" and g.nodes[BESANCON]["lat"] == 10.25


# -- labels, places, statuses and members picked in Python from the streamed facts ----------------

LABELS_TTL = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .

<authority/fr/besancon> skos:prefLabel "Zz Besançon"@fr , "Besançon (ville)"@fr ; rdfs:label "Mairie de Besançon"@fr ;
    foaf:name "Aaa not a label of an authority" ; skos:altLabel "Aaa nor this one" .
<place/3033123> skos:prefLabel "Zz place" ; rdfs:label "Besançon-les-Bains"@fr .
<partnership/albi-dakar> rdfs:label "Albi et Dakar"@fr , "Zz Albi – Dakar" ;
    dcterms:title "Aaa not a partnership's label" .
<project/water-senegal> rdfs:label "Zz water" ; dcterms:title "Drinking water in Senegal"@en .
<authority/sn/dakar> foaf:name "Aaa Dakar" .
"""


def test_labels_are_the_smallest_of_their_kinds(network_store: Store) -> None:
    """Several labels in two graphs: the smallest text wins, among skos:prefLabel and rdfs:label for
    an authority and its place, rdfs:label for a partnership, dcterms:title and rdfs:label for a
    project, and those plus foaf:name for the ends of a know-how flow (from NETWORK_TTL and LABELS_TTL:
    "Besançon (ville)" < "Mairie…" < "Ville de Besançon" < "Zz…"; "Besançon" < "Besançon-les-Bains";
    "Albi et Dakar" < "Albi – Dakar" ("e" < "–"); "Drinking…" < "Eau…" < "Zz water"; "Aaa Dakar")."""
    write_turtle(network_store, LABELS_TTL, graph="test/labels")
    data = fetch(network_store)
    besancon = data.authorities[BESANCON]
    assert (besancon.label, besancon.place_label) == ("Besançon (ville)", "Besançon")
    items = {i.iri.removeprefix(ID): i for i in data.items}
    assert items["partnership/albi-dakar"].label == "Albi et Dakar"
    assert items["project/water-senegal"].label == "Drinking water in Senegal"
    assert items["partnership/besancon-dakar"].label == "Besançon – Dakar"
    assert data.authorities[DAKAR].label == "Ville de Dakar"  # foaf:name is not an authority's label
    flow = next(f for f in data.flows if f.target == DAKAR)
    assert (flow.source_label, flow.target_label) == ("Ville d'Albi", "Aaa Dakar")


TWO_PLACES_TTL = """
@prefix coop: <https://w3id.org/coopgraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .

<authority/fr/albi> coop:governs <place/0000001> .
<place/0000001> a coop:Place ; rdfs:label "Nowhere" ; coop:inCountry <country/ml> .
<authority/sn/dakar> coop:governs <place/0000002> .
<place/0000002> a coop:Place ; rdfs:label "Small" ; coop:inCountry <country/ec> ;
    wgs:lat "1.0"^^xsd:decimal , "-1.0"^^xsd:decimal ; wgs:long "2.0"^^xsd:decimal .
"""


def test_an_authority_governing_two_places_keeps_the_smallest_drawable_one(network_store: Store) -> None:
    """Albi also governs place/0000001, a smaller IRI without coordinates: Albi stays at place/3038728
    (the drawable one), with that place's label, country and coordinates, not a mix. Dakar also
    governs place/0000002, drawable and smaller: it moves there whole (smallest latitude -1.0, EC)."""
    write_turtle(network_store, TWO_PLACES_TTL, graph="test/two-places")
    data = fetch(network_store)
    albi, dakar = data.authorities[ALBI], data.authorities[DAKAR]
    assert (albi.place, albi.place_label, albi.country) == (ID + "place/3038728", "Albi", "FR")
    assert (albi.lat, albi.lon) == (pytest.approx(43.92980), pytest.approx(2.14800))
    assert (dakar.place, dakar.place_label, dakar.country, dakar.lat, dakar.lon) == (
        ID + "place/0000002",
        "Small",
        "EC",
        -1.0,
        2.0,
    )


STATUS_TTL = """
@prefix coop: <https://w3id.org/coopgraph/def#> .
@prefix status: <https://w3id.org/coopgraph/def/status/> .

<partnership/albi-bamako> coop:status status:suspended .
<partnership/lille-bamako> coop:status status:pipeline .
<project/water-senegal> coop:status status:implementation .
"""


def test_a_status_stated_in_two_graphs_is_the_furthest_along(network_store: Store) -> None:
    """NETWORK_TTL states implementation, closed and closed; a second graph suspended, pipeline and
    implementation: suspended wins (not the smallest IRI), closed stays twice (not the largest)."""
    write_turtle(network_store, STATUS_TTL, graph="test/status")
    items = {i.iri.removeprefix(ID): i for i in fetch(network_store).items}
    assert items["partnership/albi-bamako"].status == "suspended"
    assert items["partnership/lille-bamako"].status == "closed"
    assert items["project/water-senegal"].status == "closed"


MEMBERS_TTL = """
@prefix coop: <https://w3id.org/coopgraph/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<project/albi-water> a coop:Project ; coop:qualifiedParticipation <project/albi-water#albi> , <project/albi-water#ngo> ;
    coop:involves <authority/sn/dakar> ; org:hasMember <authority/fr/lille> ;
    coop:agreementDate "2003-01-01"^^xsd:date ; coop:endDate "2009-06-30"^^xsd:date , "2011-01-31"^^xsd:date .
<project/albi-water#albi> coop:participant <authority/fr/albi> .
<project/albi-water#ngo> coop:participant <organisation/ngo> .
<partnership/albi-bamako> org:hasMember <organisation/ngo> ; coop:foreignPartner <authority/sn/saint-louis> .
"""


def test_members_are_typed_authorities_by_the_item_s_own_links(network_store: Store) -> None:
    """A project's members come from coop:involves and coop:qualifiedParticipation/coop:participant (not
    org:hasMember), a partnership's from org:hasMember, coop:frenchPartner and coop:foreignPartner; an
    organisation is no member. A project takes no start year from an agreement date; its end year is the
    latest end date's."""
    write_turtle(network_store, MEMBERS_TTL, graph="test/members")
    items = {i.iri.removeprefix(ID): i for i in fetch(network_store).items}
    project = items["project/albi-water"]
    assert project.members == (ALBI, DAKAR)
    assert (project.start, project.end, project.partnership) == (None, 2011, None)
    assert items["partnership/albi-bamako"].members == (ALBI, BAMAKO, SAINT_LOUIS)


def test_records_are_compact(network_store: Store) -> None:
    """Slotted records (no ``__dict__``) that ``dataclasses.replace`` and pickle still handle; a
    member is the very string of its authority's key, and items with the same themes share one set."""
    import dataclasses
    import pickle

    write_turtle(network_store, "<project/water-senegal> <https://w3id.org/coopgraph/def#theme> <x> .", "test/t")
    write_turtle(network_store, "<partnership/besancon-dakar> <https://w3id.org/coopgraph/def#theme> <x> .", "test/t2")
    data = fetch(network_store)
    for record in (data, data.authorities[ALBI], data.items[0], data.flows[0]):
        assert not hasattr(record, "__dict__"), type(record).__name__
    assert pickle.loads(pickle.dumps(data)) == data
    first = data.items[0]
    assert dataclasses.replace(first, label="x") == dataclasses.replace(first, label="x")
    assert dataclasses.replace(first, label="x").members is first.members
    keys = {a: a for a in data.authorities}
    assert all(m is keys[m] for i in data.items for m in i.members)
    items = {i.iri.removeprefix(ID): i for i in data.items}
    assert items["project/water-senegal"].themes is items["partnership/besancon-dakar"].themes
    assert isinstance(items["project/water-senegal"].members, tuple)
