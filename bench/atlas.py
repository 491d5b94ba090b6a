"""The shape of the *Atlas français de la coopération décentralisée*, as the benchmark data copies it.

Its sizes at scale 1 and its skews (which countries, themes, statuses and kinds of authority
come up how often), the records the generator builds (:class:`AtlasData`), and the names the
generated files and batch carry. :mod:`bench.generate` draws the data; :mod:`bench.atlas_rdf`
and :mod:`bench.atlas_csv` write it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

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


def batch_id(scale: float, seed: int) -> str:
    """The batch id of the generated graph: ``bench-{scale}x-s{seed}``."""
    return f"bench-{scale_tag(scale)}x-s{seed}"


def scale_tag(scale: float) -> str:
    """``scale`` as it appears in file and batch names (``0.01`` → ``0_01``)."""
    return f"{scale:g}".replace(".", "_")
