"""The generated Atlas as RDF: every quad in its batch graph, in exactly the fixed vocabulary;
written as N-Quads (with the graph) or Turtle (the same triples, house prefixes)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from bench.atlas import INSTRUMENTS, AtlasData, batch_id, scale_tag
from bench.places import country_names, seed_places
from graph.namespaces import AUTHORITY_KIND, COOP, DEFAULT_BASE, GEO, PREFIXES, STATUS, THEME, WGS

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
DCT_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
DCT_DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
ORG_HAS_MEMBER = ox.NamedNode("http://www.w3.org/ns/org#hasMember")


def quads(data: AtlasData, base: str = DEFAULT_BASE) -> Iterator[ox.Quad]:
    """Every quad of ``data`` in its batch graph, using exactly the fixed vocabulary."""
    graph = ox.NamedNode(f"{base}graph/batch/{batch_id(data.scale, data.seed)}")
    source = ox.NamedNode(f"{base}source/bench-atlas-{scale_tag(data.scale)}x-s{data.seed}")

    def iri(path: str) -> ox.NamedNode:
        return ox.NamedNode(base + path)

    def coop(name: str) -> ox.NamedNode:
        return ox.NamedNode(str(COOP) + name)

    def lit(value: object, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
        if lang:
            return ox.Literal(str(value), language=lang)
        if datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))
        return ox.Literal(str(value))

    def q(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, p, o, graph)

    yield q(source, RDF_TYPE, ox.NamedNode("http://purl.org/dc/terms/BibliographicResource"))
    yield q(source, RDFS_LABEL, lit(f"Synthetic Atlas-shaped data, scale {data.scale:g}, seed {data.seed}"))
    names = country_names()
    for iso in ["FR", *data.countries]:
        c = iri(f"country/{iso.lower()}")
        fr_name, en_name = names.get(iso, (iso, iso))
        yield q(c, RDF_TYPE, coop("Country"))
        yield q(c, coop("isoCode"), lit(iso))
        yield q(c, RDFS_LABEL, lit(fr_name, lang="fr"))
        yield q(c, RDFS_LABEL, lit(en_name, lang="en"))
        yield q(c, SKOS_PREF, lit(fr_name, lang="fr"))
        yield q(c, SKOS_PREF, lit(en_name, lang="en"))

    seen_places: set[int] = set(seed_places())  # the seed describes these: only point at them
    for a in [*data.french, *data.foreign]:
        city = a.city
        place = iri(f"place/{city.geonames_id}")
        if city.geonames_id not in seen_places:
            seen_places.add(city.geonames_id)
            geometry = iri(f"place/{city.geonames_id}#geometry")
            point = f"POINT({city.long:.5f} {city.lat:.5f})"
            lat, long = lit(f"{city.lat:.5f}", "decimal"), lit(f"{city.long:.5f}", "decimal")
            yield q(place, RDF_TYPE, coop("Place"))
            yield q(place, RDFS_LABEL, lit(city.name))
            yield q(place, coop("geonamesId"), lit(city.geonames_id))
            yield q(place, coop("inCountry"), iri(f"country/{city.country.lower()}"))
            yield q(place, ox.NamedNode(str(WGS) + "lat"), lat)
            yield q(place, ox.NamedNode(str(WGS) + "long"), long)
            yield q(place, ox.NamedNode(str(GEO) + "hasGeometry"), geometry)
            yield q(
                geometry,
                ox.NamedNode(str(GEO) + "asWKT"),
                ox.Literal(point, datatype=ox.NamedNode(str(GEO) + "wktLiteral")),
            )
            yield q(place, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), ox.NamedNode(
                f"https://sws.geonames.org/{city.geonames_id}/"
            ))  # fmt: skip
        s = iri(a.key)
        yield q(s, RDF_TYPE, coop("LocalAuthority"))
        yield q(s, coop("authorityKind"), ox.NamedNode(str(AUTHORITY_KIND) + a.kind))
        yield q(s, coop("governs"), place)
        yield q(s, RDFS_LABEL, lit(a.name))
        yield q(s, SKOS_PREF, lit(a.name, lang="fr"))
        yield q(s, DCT_SOURCE, source)

    for slug, label in INSTRUMENTS:
        f = iri(f"funding/{slug}")
        yield q(f, RDF_TYPE, coop("FundingInstrument"))
        yield q(f, RDFS_LABEL, lit(label, lang="fr"))

    for ps in data.partnerships:
        s = iri(ps.key)
        yield q(s, RDF_TYPE, coop("Partnership"))
        yield q(s, RDFS_LABEL, lit(f"{ps.french.name} – {ps.foreign.name}"))
        yield q(s, coop("frenchPartner"), iri(ps.french.key))
        yield q(s, coop("foreignPartner"), iri(ps.foreign.key))
        yield q(s, ORG_HAS_MEMBER, iri(ps.french.key))
        yield q(s, ORG_HAS_MEMBER, iri(ps.foreign.key))
        yield q(s, coop("agreementDate"), lit(f"{ps.agreement_year}-01-01", "date"))
        yield q(s, coop("startYear"), lit(ps.start_year, "integer"))
        yield q(s, coop("status"), ox.NamedNode(str(STATUS) + ps.status))
        if ps.end_date:
            yield q(s, coop("endDate"), lit(ps.end_date.isoformat(), "date"))
            yield q(s, coop("endYear"), lit(ps.end_date.year, "integer"))
        for t in ps.themes:
            yield q(s, coop("theme"), ox.NamedNode(str(THEME) + t))
        yield q(s, DCT_SOURCE, source)

    for p in data.projects:
        s = iri(p.key)
        yield q(s, RDF_TYPE, coop("Project"))
        yield q(s, DCT_TITLE, lit(p.title, lang="fr"))
        yield q(s, RDFS_LABEL, lit(p.title, lang="fr"))
        yield q(s, coop("partOfPartnership"), iri(p.partnership.key))
        yield q(s, coop("involves"), iri(p.partnership.french.key))
        yield q(s, coop("involves"), iri(p.partnership.foreign.key))
        for t in p.themes:
            yield q(s, coop("theme"), ox.NamedNode(str(THEME) + t))
        yield q(s, coop("status"), ox.NamedNode(str(STATUS) + p.status))
        yield q(s, coop("startYear"), lit(p.start_year, "integer"))
        if p.end_date:
            yield q(s, coop("endDate"), lit(p.end_date.isoformat(), "date"))
        yield q(s, coop("budget"), lit(p.budget, "decimal"))
        yield q(s, coop("fundedBy"), iri(f"funding/{p.instrument}"))
        yield q(s, DCT_SOURCE, source)


def write_quads(quads: Iterable[ox.Quad], path: Path) -> int:
    """Write ``quads`` as N-Quads to ``path`` in one streaming pass; returns how many there were."""
    count = 0

    def counted() -> Iterator[ox.Quad]:
        nonlocal count
        for quad in quads:
            count += 1
            yield quad

    with path.open("wb") as out:
        ox.serialize(counted(), out, ox.RdfFormat.N_QUADS)
    return count


def write_nquads(data: AtlasData, path: Path, base: str = DEFAULT_BASE) -> int:
    """Write ``data`` as N-Quads into its batch graph; returns the number of quads."""
    return write_quads(quads(data, base), path)


def write_turtle(data: AtlasData, path: Path, base: str = DEFAULT_BASE) -> None:
    """Write the same triples as Turtle (no graph name), with the house prefixes."""
    with path.open("wb") as out:
        ox.serialize(
            (quad.triple for quad in quads(data, base)),
            out,
            ox.RdfFormat.TURTLE,
            prefixes=PREFIXES | {"id": base},
        )
