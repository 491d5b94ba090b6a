"""The values each map filter offers, with labels and how many partnerships have them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.render_index import KIND_NS, STATUS_NS, THEME_NS, MapIndex, fold, local_name


def build_facets(index: MapIndex, lang: str = "fr") -> dict[str, Any]:
    """Countries, themes (with their depth), statuses, authority kinds and the span of years."""
    countries: Counter[str] = Counter()
    country_iri: dict[str, str | None] = {}
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    years: list[int] = []
    for p in index.partnerships:
        isos, ks = set(), set()
        for auth in p.authorities():
            place = index.place_of(auth)
            if place and place.iso:
                isos.add(place.iso)
                country_iri.setdefault(place.iso, place.country)
            kind = index.authorities.get(auth)
            if kind and kind.kind:
                ks.add(kind.kind)
        countries.update(isos)
        kinds.update(ks)
        themes.update(p.themes)
        if p.status:
            statuses[p.status] += 1
        years.extend(y for y in (p.start, p.end) if y)
    return {
        "countries": sorted(
            (
                {
                    "code": iso,
                    "label": index.name(country_iri.get(iso), lang) if country_iri.get(iso) else iso,
                    "count": n,
                }
                for iso, n in countries.items()
            ),
            key=lambda x: fold(x["label"]),
        ),
        "themes": sorted(
            (
                {
                    "code": local_name(t, THEME_NS),
                    "label": index.name(t, lang),
                    "depth": _depth(t, index.theme_parents),
                    "count": n,
                }
                for t, n in themes.items()
            ),
            key=lambda x: fold(x["label"]),
        ),
        "statuses": [
            {"code": s, "label": index.name(STATUS_NS + s, lang), "count": n} for s, n in sorted(statuses.items())
        ],
        "kinds": [{"code": k, "label": index.name(KIND_NS + k, lang), "count": n} for k, n in sorted(kinds.items())],
        "years": [min(years), max(years)] if years else None,
        "partnerships": len(index.partnerships),
    }


def _depth(theme: str, parents: dict[str, set[str]]) -> int:
    depth, current = 0, theme
    while parents.get(current) and depth < 10:
        current = sorted(parents[current])[0]
        depth += 1
    return depth
