"""What every projection shares: the items a filter keeps, and the attributes of nodes and graphs.

Node and graph attributes hold plain values only (``str``, ``int``, ``float``, lists of
``str``); an unknown value is left out rather than stored as ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.projections.filters import Filters
from graph.projections.model import Authority, Item, NetworkData


def select(data: NetworkData, filters: Filters, kinds: Iterable[str] = ("partnership", "project")) -> list[Item]:
    """The partnerships and projects (``kinds``) the filters keep, in IRI order."""
    wanted_kinds = set(kinds)
    themes: set[str] = set()
    for theme in filters.theme:
        themes |= data.narrower.get(theme, frozenset({theme}))
    countries, kinds_of = set(filters.country), set(filters.kind)
    kept = []
    for item in data.items:
        if item.kind not in wanted_kinds:
            continue
        if themes and not (item.themes & themes):
            continue
        if filters.year is not None and not item.active_in(filters.year):
            continue
        if (countries or kinds_of) and not any(
            matches(data.authorities.get(m), countries, kinds_of) for m in item.members
        ):
            continue
        kept.append(item)
    return kept


def matches(authority: Authority | None, countries: set[str], kinds: set[str]) -> bool:
    """``authority`` is known and in one of ``countries`` and ``kinds`` (an empty set matches any)."""
    if authority is None:
        return False
    return (not countries or authority.country in countries) and (not kinds or authority.kind in kinds)


def is_filtered(filters: Filters) -> bool:
    """Any filter set: then only the members of kept items are nodes, not every authority."""
    return bool(filters.country or filters.theme or filters.kind or filters.year is not None)


def authority_attrs(a: Authority) -> dict[str, Any]:
    """The node attributes of an authority, unknown ones left out."""
    attrs = {
        "type": "authority",
        "label": a.label,
        "kind": a.kind,
        "country": a.country,
        "place": a.place,
        "place_label": a.place_label,
        "lat": a.lat,
        "lon": a.lon,
    }
    return {k: v for k, v in attrs.items() if v is not None}


def graph_attrs(filters: Filters) -> dict[str, Any]:
    """The filters as graph attributes (``filter_country``…), so an exported graph says what it covers."""
    return {f"filter_{k}": ",".join(map(str, v)) if isinstance(v, list) else v for k, v in filters.as_dict().items()}
