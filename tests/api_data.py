"""A small, known graph for the REST and linked-data tests (the ontology plus the data below).

The tests count and name what this data holds, so their expectations are derived from it
rather than from the seed graph, which other work may still change.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.paths import ontology_dir
from graph.store import Store

DATA = """
@prefix coop: <https://w3id.org/coopgraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix theme: <https://w3id.org/coopgraph/def/theme/> .
@prefix status: <https://w3id.org/coopgraph/def/status/> .
@prefix akind: <https://w3id.org/coopgraph/def/authority-kind/> .
@prefix okind: <https://w3id.org/coopgraph/def/organisation-kind/> .
@prefix prole: <https://w3id.org/coopgraph/def/person-role/> .

<graph/seed/test> {
  <country/fr> a coop:Country ; coop:isoCode "FR" ; rdfs:label "France"@fr , "France"@en .
  <country/sn> a coop:Country ; coop:isoCode "SN" ; rdfs:label "Sénégal"@fr , "Senegal"@en .
  <country/ec> a coop:Country ; coop:isoCode "EC" ; rdfs:label "Équateur"@fr , "Ecuador"@en .

  <place/3033123> a coop:Place ; rdfs:label "Besançon"@fr ; coop:inCountry <country/fr> ;
      coop:geonamesId "3033123" ; wgs:lat "47.24"^^xsd:decimal ; wgs:long "6.02"^^xsd:decimal ;
      geo:hasGeometry <place/3033123#geometry> .
  <place/3033123#geometry> geo:asWKT "POINT(6.02 47.24)"^^geo:wktLiteral .
  <place/2253354> a coop:Place ; rdfs:label "Dakar"@fr ; coop:inCountry <country/sn> .
  <place/2998324> a coop:Place ; rdfs:label "Lille"@fr ; coop:inCountry <country/fr> .
  <place/3652462> a coop:Place ; rdfs:label "Quito"@fr ; coop:inCountry <country/ec> .

  <authority/fr/besancon> a coop:LocalAuthority ; rdfs:label "Ville de Besançon"@fr ;
      skos:altLabel "Besançon"@fr ; coop:authorityKind akind:commune ; coop:governs <place/3033123> ;
      dcterms:source <source/article> .
  <authority/sn/dakar> a coop:LocalAuthority ; rdfs:label "Ville de Dakar"@fr ;
      coop:authorityKind akind:foreign-local-government ; coop:governs <place/2253354> .
  <authority/fr/mel> a coop:LocalAuthority ; rdfs:label "Métropole européenne de Lille"@fr ;
      skos:altLabel "MEL"@fr ; coop:authorityKind akind:intercommunalite ; coop:governs <place/2998324> .
  <authority/ec/quito> a coop:LocalAuthority ; rdfs:label "District métropolitain de Quito"@fr ;
      coop:authorityKind akind:foreign-local-government ; coop:governs <place/3652462> .

  <partnership/besancon-dakar> a coop:Partnership ; rdfs:label "Besançon – Dakar"@fr ;
      org:hasMember <authority/fr/besancon> , <authority/sn/dakar> ;
      coop:frenchPartner <authority/fr/besancon> ; coop:foreignPartner <authority/sn/dakar> ;
      coop:status status:implementation ; coop:startYear 2005 ; coop:theme theme:ville-intelligente .
  <partnership/lille-quito> a coop:Partnership ; rdfs:label "Lille – Quito"@fr ;
      org:hasMember <authority/fr/mel> , <authority/ec/quito> ;
      coop:frenchPartner <authority/fr/mel> ; coop:foreignPartner <authority/ec/quito> ;
      coop:status status:closed ; coop:agreementDate "1994-04-15"^^xsd:date ; coop:endYear 2010 ;
      coop:theme theme:eau-assainissement .

  <project/quito-digital> a coop:Project ; dcterms:title "Quito numérique"@fr ;
      coop:partOfPartnership <partnership/lille-quito> ; coop:involves <authority/fr/mel> , <authority/ec/quito> ;
      coop:status status:implementation ; coop:startYear 2016 ; coop:theme theme:ville-intelligente ;
      coop:budget "250000"^^xsd:decimal ; coop:fundedBy <funding/ficol> .
  <project/dakar-water> a coop:Project ; dcterms:title "Eau à Dakar"@fr ;
      coop:involves <authority/fr/besancon> ; coop:status status:closed ; coop:startYear 2001 ; coop:endYear 2004 ;
      coop:theme theme:eau-assainissement .

  <organisation/afd> a coop:Organisation ; rdfs:label "Agence française de développement"@fr ;
      skos:altLabel "AFD" ; coop:organisationKind okind:development-agency .
  <organisation/villes-internet> a coop:Organisation ; rdfs:label "Villes Internet"@fr ;
      coop:organisationKind okind:association .
  <funding/ficol> a coop:FundingInstrument ; rdfs:label "FICOL"@fr ; coop:operatedBy <organisation/afd> .

  <person/myriam-el-yassa> a foaf:Person ; foaf:name "Myriam El Yassa" .
  <person/akim-oural> a foaf:Person ; foaf:name "Akim Oural" .
  <membership/myriam-besancon> a org:Membership ; org:member <person/myriam-el-yassa> ;
      org:organization <authority/fr/besancon> ; org:role prole:councillor .

  <exchange/digital-dakar> a coop:KnowHowExchange ; rdfs:label "Numérique Besançon → Dakar"@fr ;
      coop:sharedBy <authority/fr/besancon> ; coop:receivedBy <authority/sn/dakar> ;
      coop:theme theme:ville-intelligente .

  <event/2018-meeting> a coop:Event ; rdfs:label "Rencontre Villes Internet 2018"@fr ;
      coop:date "2018-09-27"^^xsd:date ; schema:organizer <organisation/villes-internet> ;
      coop:participant <person/myriam-el-yassa> , <person/akim-oural> .
  <event/2018-meeting#p1> a coop:Presentation ; coop:atEvent <event/2018-meeting> ;
      coop:presenter <person/myriam-el-yassa> ; coop:presents <partnership/besancon-dakar> .

  <document/report-2018> a coop:Report ; dcterms:title "Vers un modèle français de villes intelligentes partagées"@fr ;
      dcterms:creator <person/akim-oural> ; coop:handedOnDate "2018-07-03"^^xsd:date .
  <label/villes-internet> a coop:Label ; rdfs:label "Label Villes Internet"@fr ;
      coop:awardedBy <organisation/villes-internet> ; coop:heldBy <authority/fr/besancon> .

  <source/article> a coop:SourceDocument ; rdfs:label "Article de 2018"@fr .
}

<graph/batch/b1> {
  <authority/fr/evil> a coop:LocalAuthority ; rdfs:label "<script>alert('x')</script>"@fr ;
      coop:authorityKind akind:commune .
}

<graph/meta> {
  <batch/b1> a coop:ImportBatch , prov:Activity ; rdfs:label "import of evil.csv" ;
      coop:graph <graph/batch/b1> ; prov:used "evil.csv" ;
      prov:startedAtTime "2024-01-02T03:04:05Z"^^xsd:dateTime .
  <graph/batch/b1> prov:wasGeneratedBy <batch/b1> .
}
"""

AUTHORITIES = 5
"""Local authorities in DATA (four real, one hostile label)."""


def load(store: Store) -> None:
    """Load the ontology (its own graph) and DATA into ``store``."""
    quads: list[ox.Quad] = []
    onto = ox.NamedNode(store.graph("ontology"))
    for path in sorted(ontology_dir().glob("*.ttl")):
        if path.stem == "shapes":
            continue
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=store.base):
            quads.append(ox.Quad(q.subject, q.predicate, q.object, onto))
    quads.extend(ox.parse(DATA, format=ox.RdfFormat.TRIG, base_iri=store.base))
    store.add(quads)
