"""The model as data: the OWL ontology, the SKOS schemes, the SHACL shapes and the seed parse,
and every term carries what people and tools need (labels and comments in English and French,
prefLabels in both languages, schemes, mappings, messages)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from graph.namespaces import COOP, DEFAULT_BASE, VANN

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
SEED = ROOT / "graph" / "seed" / "seed.trig"
QUERIES = ROOT / "graph" / "queries"

DEF = "https://w3id.org/coopgraph/def/"
ONTOLOGY_IRI = URIRef("https://w3id.org/coopgraph/def")
SDG = "http://metadata.un.org/sdg/"


def _parse(name: str) -> Graph:
    return Graph().parse(ONTOLOGY / name, format="turtle")


@pytest.fixture(scope="module")
def coop() -> Graph:
    return _parse("coop.ttl")


@pytest.fixture(scope="module")
def schemes() -> Graph:
    return _parse("themes.ttl") + _parse("vocab.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse("shapes.ttl")


def _langs(graph: Graph, subject: Node, predicate: URIRef) -> list[str]:
    """The language tags of the literal values ("" for none)."""
    return [o.language or "" for o in graph.objects(subject, predicate) if isinstance(o, Literal)]


def _declared_terms(graph: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {s for k in kinds for s in graph.subjects(RDF.type, k) if isinstance(s, URIRef) and s.startswith(str(COOP))}


# -- the OWL ontology ---------------------------------------------------------------------------


def test_ontology_header(coop: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in coop
    version = coop.value(ONTOLOGY_IRI, OWL.versionIRI)
    info = coop.value(ONTOLOGY_IRI, OWL.versionInfo)
    assert version is not None and str(version).endswith(str(info))
    assert sorted(_langs(coop, ONTOLOGY_IRI, DCTERMS.title)) == ["en", "fr"]
    assert sorted(_langs(coop, ONTOLOGY_IRI, DCTERMS.description)) == ["en", "fr"]
    assert coop.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for prop in (DCTERMS.creator, DCTERMS.created, DCTERMS.modified):
        assert coop.value(ONTOLOGY_IRI, prop) is not None, prop
    assert coop.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("coop")
    assert coop.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri) == Literal(str(COOP))


def test_every_class_and_property_has_labels_and_comments_in_english_and_french(coop: Graph) -> None:
    terms = _declared_terms(coop)
    assert len(terms) > 60
    missing = [
        f"{term.removeprefix(str(COOP))} {prop.n3()} @{lang}"
        for term in sorted(terms)
        for prop in (RDFS.label, RDFS.comment)
        for lang in ("en", "fr")
        if _langs(coop, term, prop).count(lang) != 1
    ]
    assert not missing, missing


CORE_TERMS = {
    # fixed by the issue: others code against these local names
    "Country", "Place", "LocalAuthority", "Organisation", "Partnership", "Project", "Participation",
    "KnowHowExchange", "FundingInstrument", "Grant", "Event", "Presentation", "Report", "Label",
    "Flag", "ImportBatch",
    "isoCode", "inCountry", "geonamesId", "authorityKind", "governs", "organisationKind",
    "frenchPartner", "foreignPartner", "agreementDate", "startYear", "endDate", "endYear", "status",
    "theme", "partOfPartnership", "involves", "qualifiedParticipation", "participant", "role",
    "budget", "fundedBy", "sharedBy", "receivedBy", "through", "operatedBy", "minAmount",
    "maxAmount", "totalAmount", "cofinancingShare", "fromInstrument", "fundsProject", "amount",
    "hostedBy", "date", "atEvent", "presenter", "presents", "commissionedBy", "addressedTo",
    "handedTo", "handedOnDate", "awardedBy", "labelStatus", "heldBy", "aimsFor", "since", "mandate",
    "flagOf", "flagCode", "statedValue", "correctedValue", "checksum", "recordCount",
    "createdCount", "mergedCount", "warningCount", "graph",
}  # fmt: skip


def test_core_vocabulary_is_declared(coop: Graph) -> None:
    declared = {t.removeprefix(str(COOP)) for t in _declared_terms(coop)}
    assert CORE_TERMS - declared == set()


@pytest.mark.parametrize(
    ("term", "parents"),
    [
        ("Country", ["https://schema.org/Country"]),
        ("Place", ["https://schema.org/City", "http://www.opengis.net/ont/geosparql#Feature"]),
        (
            "LocalAuthority",
            ["http://www.w3.org/ns/org#FormalOrganization", "https://schema.org/GovernmentOrganization"],
        ),
        ("Organisation", ["http://www.w3.org/ns/org#FormalOrganization"]),
        ("Partnership", ["http://www.w3.org/ns/org#OrganizationalCollaboration"]),
        ("Project", ["https://schema.org/Project"]),
        ("FundingInstrument", ["https://schema.org/FundingScheme", "http://purl.org/cerif/frapo/FundingProgramme"]),
        ("Grant", ["https://schema.org/Grant"]),
        ("Event", ["https://schema.org/Event"]),
        ("Report", ["https://schema.org/Report", "http://xmlns.com/foaf/0.1/Document"]),
        ("ImportBatch", ["http://www.w3.org/ns/prov#Activity"]),
    ],
)
def test_classes_reuse_standard_vocabularies(coop: Graph, term: str, parents: list[str]) -> None:
    supers = {str(o) for o in coop.objects(COOP[term], RDFS.subClassOf)}
    assert set(parents) <= supers


def test_partner_properties_specialise_org_has_member(coop: Graph) -> None:
    has_member = URIRef("http://www.w3.org/ns/org#hasMember")
    for prop in ("frenchPartner", "foreignPartner"):
        assert (COOP[prop], RDFS.subPropertyOf, has_member) in coop


def _model_files() -> list[Path]:
    return [*ONTOLOGY.glob("*.ttl"), SEED, *QUERIES.glob("*.rq")]


def test_every_coop_term_used_in_model_seed_and_queries_is_declared(coop: Graph) -> None:
    declared = {t.removeprefix(str(COOP)) for t in _declared_terms(coop)}
    used: dict[str, set[str]] = {}
    for path in _model_files():
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"(?<![\w/#])coop:([A-Za-z][\w]*)", text):
            used.setdefault(name, set()).add(path.name)
        for name in re.findall(r"https://w3id\.org/coopgraph/def#([A-Za-z]\w*)", text):
            used.setdefault(name, set()).add(path.name)
    undeclared = {name: sorted(files) for name, files in used.items() if name not in declared}
    assert not undeclared, undeclared


def test_one_schema_org_namespace_and_the_w3c_wgs84_namespace() -> None:
    for path in _model_files():
        text = path.read_text(encoding="utf-8")
        assert "http://schema.org/" not in text, path.name
        assert "https://www.w3.org/2003/01/geo" not in text, path.name


# -- SKOS schemes -----------------------------------------------------------------------------


def test_every_concept_has_french_and_english_preflabels_and_a_scheme(schemes: Graph) -> None:
    concepts = set(schemes.subjects(RDF.type, SKOS.Concept))
    scheme_iris = set(schemes.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(concepts) > 50
    problems = []
    for concept in sorted(concepts, key=str):
        if sorted(_langs(schemes, concept, SKOS.prefLabel)) != ["en", "fr"]:
            problems.append(f"{concept}: prefLabels {_langs(schemes, concept, SKOS.prefLabel)}")
        in_schemes = set(schemes.objects(concept, SKOS.inScheme))
        if not in_schemes or not in_schemes <= scheme_iris:
            problems.append(f"{concept}: schemes {in_schemes}")
        prefix = str(next(iter(in_schemes), "")) + "/"
        if not str(concept).startswith(prefix):
            problems.append(f"{concept}: not under its scheme {prefix}")
    for scheme in scheme_iris:
        if sorted(_langs(schemes, scheme, SKOS.prefLabel)) != ["en", "fr"]:
            problems.append(f"{scheme}: prefLabels")
    assert not problems, problems


def test_broader_and_narrower_agree_and_top_concepts_have_no_broader(schemes: Graph) -> None:
    broader = {(s, o) for s, o in schemes.subject_objects(SKOS.broader)}
    narrower = {(o, s) for s, o in schemes.subject_objects(SKOS.narrower)}
    assert broader == narrower
    for concept, scheme in schemes.subject_objects(SKOS.topConceptOf):
        assert (scheme, SKOS.hasTopConcept, concept) in schemes
        assert schemes.value(concept, SKOS.broader) is None


def _theme(slug: str) -> URIRef:
    return URIRef(f"{DEF}theme/{slug}")


def _langs_of(node: Node) -> str:
    return node.language or "" if isinstance(node, Literal) else ""


def _path_labels(schemes: Graph, concept: Node) -> list[str]:
    labels: list[str] = []
    node: Node | None = concept
    while node is not None:
        labels.insert(0, next(str(o) for o in schemes.objects(node, SKOS.prefLabel) if _langs_of(o) == "fr"))
        node = schemes.value(node, SKOS.broader)
    return labels


def test_themes_have_the_atlas_three_levels(schemes: Graph) -> None:
    assert _path_labels(schemes, _theme("technologies-information-communication")) == [
        "Economie durable",
        "Technologies de l'information et de la communication",
    ]
    assert _path_labels(schemes, _theme("gouvernance-democratie-locales")) == [
        "Politique, humanitaire et coopération transfrontalière",
        "Gouvernance locale et appui institutionnel",
        "Gouvernance et démocratie locales",
    ]
    themes = set(schemes.subjects(SKOS.inScheme, URIRef(f"{DEF}theme")))
    depths = {len(_path_labels(schemes, t)) for t in themes}
    assert depths == {1, 2, 3}


def test_themes_map_to_dac_sectors_and_sdg_goals(schemes: Graph) -> None:
    smart_city = _theme("ville-intelligente")
    assert Literal("22040") in set(schemes.objects(smart_city, COOP.dacSector))
    assert URIRef(SDG + "11") in set(schemes.objects(smart_city, SKOS.relatedMatch))
    themes = set(schemes.subjects(SKOS.inScheme, URIRef(f"{DEF}theme")))
    for theme in themes:
        dac = [str(o) for o in schemes.objects(theme, COOP.dacSector)]
        sdg = [str(o) for p in (SKOS.relatedMatch, SKOS.closeMatch, SKOS.exactMatch) for o in schemes.objects(theme, p)]
        assert dac or sdg, theme
        assert all(re.fullmatch(r"\d{5}", code) for code in dac), (theme, dac)
        assert all(re.fullmatch(re.escape(SDG) + r"([1-9]|1[0-7])", iri) for iri in sdg), (theme, sdg)
    codes = {str(o) for o in schemes.objects(None, COOP.dacSector)}
    assert {"43030", "14050", "22040", "15112", "15128", "15185", "15150", "41010", "43060", "16066"} <= codes


def test_status_scheme_follows_iati_and_the_atlas_words(schemes: Graph) -> None:
    notations = {
        slug: str(schemes.value(URIRef(f"{DEF}status/{slug}"), SKOS.notation))
        for slug in ("pipeline", "implementation", "finalisation", "closed", "cancelled", "suspended")
    }
    assert notations == {
        "pipeline": "1", "implementation": "2", "finalisation": "3",
        "closed": "4", "cancelled": "5", "suspended": "6",
    }  # fmt: skip
    alt = {o for o in schemes.objects(URIRef(f"{DEF}status/implementation"), SKOS.altLabel)}
    assert {Literal("En cours", lang="fr"), Literal("ongoing", lang="en")} <= alt
    alt = {o for o in schemes.objects(URIRef(f"{DEF}status/closed"), SKOS.altLabel)}
    assert {Literal("Terminé", lang="fr"), Literal("ended", lang="en")} <= alt


def test_role_authority_kind_and_organisation_kind_schemes(schemes: Graph) -> None:
    roles = {
        slug: str(schemes.value(URIRef(f"{DEF}role/{slug}"), SKOS.notation))
        for slug in ("funding", "accountable", "extending", "implementing")
    }
    assert roles == {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
    kinds = set(schemes.subjects(SKOS.inScheme, URIRef(f"{DEF}authority-kind")))
    assert {str(k).rsplit("/", 1)[1] for k in kinds} == {
        "commune",
        "departement",
        "region",
        "intercommunalite",
        "foreign-local-government",
    }
    alt = {str(o) for k in kinds for o in schemes.objects(k, SKOS.altLabel)}
    assert {"métropole", "conseil départemental", "conseil régional", "groupement"} <= alt
    org_kinds = {str(k).rsplit("/", 1)[1] for k in schemes.subjects(SKOS.inScheme, URIRef(f"{DEF}organisation-kind"))}
    assert {
        "ministry", "state-delegation", "national-commission", "development-agency", "association", "university",
        "laboratory", "mutual-insurer", "media", "media-group", "company", "network",
    } <= org_kinds  # fmt: skip


def test_person_roles_are_org_roles(schemes: Graph) -> None:
    roles = set(schemes.subjects(SKOS.inScheme, URIRef(f"{DEF}person-role")))
    assert roles and all((r, RDF.type, URIRef("http://www.w3.org/ns/org#Role")) in schemes for r in roles)


# -- SHACL shapes -----------------------------------------------------------------------------

RECORD_CLASSES = [
    "https://w3id.org/coopgraph/def#LocalAuthority", "https://w3id.org/coopgraph/def#Place",
    "https://w3id.org/coopgraph/def#Country", "https://w3id.org/coopgraph/def#Partnership",
    "https://w3id.org/coopgraph/def#Project", "https://w3id.org/coopgraph/def#Participation",
    "http://xmlns.com/foaf/0.1/Person", "http://www.w3.org/ns/org#Membership",
    "https://w3id.org/coopgraph/def#Organisation", "https://w3id.org/coopgraph/def#KnowHowExchange",
    "https://w3id.org/coopgraph/def#FundingInstrument", "https://w3id.org/coopgraph/def#Grant",
    "https://w3id.org/coopgraph/def#Event", "https://w3id.org/coopgraph/def#Presentation",
    "https://w3id.org/coopgraph/def#Report", "https://w3id.org/coopgraph/def#Document",
    "https://w3id.org/coopgraph/def#Label", "https://w3id.org/coopgraph/def#ImportBatch",
    "https://w3id.org/coopgraph/def#Flag", "https://w3id.org/coopgraph/def#SourceDocument",
    "http://www.opengis.net/ont/geosparql#Geometry",
]  # fmt: skip


def test_every_record_class_has_a_shape(shapes: Graph) -> None:
    targeted = {str(o) for o in shapes.objects(None, SH.targetClass)}
    assert set(RECORD_CLASSES) - targeted == set()


def test_every_constraint_says_what_is_wrong(shapes: Graph) -> None:
    """Every property shape, node-level constraint and SPARQL constraint has an English message;
    all but the SPARQL ones (pySHACL drops their language tag) also have a French one."""
    problems = []
    # property shapes of targeted node shapes (those nested in an sh:or report through the
    # message of the node shape that holds the sh:or)
    property_shapes = {
        ps for owner, ps in shapes.subject_objects(SH.property) if (owner, SH.targetClass, None) in shapes
    }
    for shape in property_shapes:
        langs = sorted(_langs(shapes, shape, SH.message))
        path = shapes.value(shape, SH.path)
        if langs != ["en", "fr"]:
            problems.append(f"property shape on {path}: {langs}")
        local = re.split(r"[#/]", str(path))[-1]
        for message in shapes.objects(shape, SH.message):
            if local not in str(message):
                problems.append(f"message for {path} does not name it: {message!r}")
    for constraint in shapes.objects(None, SH.sparql):
        if _langs(shapes, constraint, SH.message) != ["en"]:
            problems.append(f"SPARQL constraint {shapes.value(constraint, SH.select)!r}")
    for shape in shapes.subjects(SH.targetClass, None):
        if (shape, SH["or"], None) in shapes and sorted(_langs(shapes, shape, SH.message)) != ["en", "fr"]:
            problems.append(f"node shape {shape}")
    assert len(property_shapes) > 100
    assert not problems, problems


def test_start_is_checked_not_after_end(shapes: Graph) -> None:
    pairs = {(str(s_path), str(o)) for s in shapes.subjects(SH.lessThanOrEquals, None)
             for s_path in shapes.objects(s, SH.path) for o in shapes.objects(s, SH.lessThanOrEquals)}  # fmt: skip
    assert (str(COOP.agreementDate), str(COOP.endDate)) in pairs
    assert (str(COOP.startYear), str(COOP.endYear)) in pairs
    assert (str(COOP.minAmount), str(COOP.maxAmount)) in pairs


# -- the seed -----------------------------------------------------------------------------------


def test_seed_trig_parses_with_relative_iris_and_no_base() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert not re.search(r"^\s*@base|^\s*BASE\b", text, re.MULTILINE | re.IGNORECASE)
    dataset = Dataset()
    dataset.parse(SEED, format="trig", publicID=DEFAULT_BASE)
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {
        DEFAULT_BASE + n for n in ("graph/seed/article", "graph/seed/notes", "graph/seed/geonames", "graph/meta")
    }
    assert sum(len(g) for g in dataset.graphs()) > 600


def test_seed_resolves_against_any_base_and_has_no_blank_nodes() -> None:
    base = "http://example.org/coop/"
    quads = list(ox.parse(path=str(SEED), format=ox.RdfFormat.TRIG, base_iri=base))
    terms = [t for q in quads for t in (q.subject, q.object, q.graph_name)]
    assert not [t for t in terms if isinstance(t, ox.BlankNode)]
    ours = {
        t.value
        for t in terms
        if isinstance(t, ox.NamedNode)
        and not t.value.startswith(("http://www.w3.org", "https://w3id.org/coopgraph/def"))
    }
    assert f"{base}authority/fr/metropole-europeenne-de-lille" in ours
    assert not [iri for iri in ours if iri.startswith(DEFAULT_BASE)]
    assert all(isinstance(q.graph_name, ox.NamedNode) for q in quads), "every seed statement is in a named graph"


def test_ontology_files_have_no_blank_node_subjects_outside_shapes() -> None:
    for name in ("coop.ttl", "themes.ttl", "vocab.ttl"):
        graph = _parse(name)
        assert not [s for s in graph.subjects() if isinstance(s, BNode)], name
