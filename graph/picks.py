"""Which value wins when the graph states several: rules shared by the map index and the network.

Two sources may state different values of what should be one (a partnership's status, the place an
authority governs). A SPARQL ``SAMPLE`` keeps whichever row comes first, which follows the query
plan and the named graphs, so the answer could change with an Oxigraph version, a backend or an
unrelated rewrite. The map (:mod:`graph.render_index`) and the network projections
(:mod:`graph.projections.fetch`) pick with these functions instead, so both show the same values:

- a status: the furthest along a partnership's life (:data:`STATUS_ORDER`; statuses outside it come
  before all; between two of the same rank, the smaller IRI). Statements carry no date and statuses
  only move forward, so the later state is the better guess;
- a place among those an authority governs: the smallest IRI among the drawable ones (typed
  ``coop:Place`` with coordinates), else the smallest IRI (:func:`place_key`);
- a place's coordinates: the smallest ``wgs:lat`` and smallest ``wgs:long``, else the smallest WKT
  point (:func:`wkt_point`); its country: the smallest IRI, and that country's smallest ISO code,
  else the code in its IRI (:func:`iso_of`);
- an authority's kind: the smallest IRI; start year: the earliest; end year: the latest (the
  queries take these with ``MIN``/``MAX``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from graph.namespaces import STATUS

STATUS_NS = str(STATUS)
STATUS_ORDER = ("pipeline", "implementation", "suspended", "finalisation", "cancelled", "closed")
"""Statuses in the order a partnership goes through them: of several statuses, the last one wins."""
_STATUS_RANK = {name: i for i, name in enumerate(STATUS_ORDER)}
_WKT_POINT = re.compile(r"POINT\s*\(\s*(-?[0-9.eE+-]+)\s+(-?[0-9.eE+-]+)\s*\)", re.IGNORECASE)


def _status_rank(iri: str) -> int:
    name = iri[len(STATUS_NS) :] if iri.startswith(STATUS_NS) else iri
    return _STATUS_RANK.get(name, -1)


def later_status(new: str, current: str) -> bool:
    """Whether status ``new`` is further along a partnership's life than ``current`` (unknown
    statuses come first; between two of the same rank, the smaller IRI wins)."""
    rank_new, rank_current = _status_rank(new), _status_rank(current)
    return rank_new > rank_current or (rank_new == rank_current and new < current)


def pick_status(statuses: Iterable[str]) -> str | None:
    """The status IRI that wins among ``statuses`` (see :func:`later_status`), or None if there is none."""
    best: str | None = None
    for status in statuses:
        if status and (best is None or later_status(status, best)):
            best = status
    return best


def place_key(iri: str, drawable: bool) -> tuple[bool, str]:
    """Sort key of a governed place: drawable places (typed, with coordinates) first, then by IRI."""
    return (not drawable, iri)


def wkt_point(wkt: str) -> tuple[float, float] | None:
    """(lat, lon) of a WKT point (which writes longitude first), or None if it is not a point."""
    match = _WKT_POINT.search(wkt)
    if match is None:
        return None
    try:
        return float(match.group(2)), float(match.group(1))
    except ValueError:
        return None


def iso_of(country: str | None) -> str | None:
    """The ISO code in a country IRI (``…/country/fr`` → ``FR``), for a country without ``coop:isoCode``."""
    if country and "/country/" in country:
        return country.rsplit("/", 1)[-1].upper()
    return None


@dataclass
class PlaceFacts:
    """What ``map_place_facts`` states of places, each value picked by the rules above: the
    places typed ``coop:Place``, the smallest ``wgs:lat`` and ``wgs:long`` and the smallest
    country IRI of each, and the smallest ISO code of everything that states one (countries)."""

    typed: set[str] = field(default_factory=set)
    lat: dict[str, float] = field(default_factory=dict)
    lon: dict[str, float] = field(default_factory=dict)
    country: dict[str, str] = field(default_factory=dict)
    iso: dict[str, str] = field(default_factory=dict)


def place_facts(rows: Iterable[tuple[str | None, ...]], only: Container[str] | None = None) -> PlaceFacts:
    """Fold the ``(subject, key, value)`` rows of ``map_place_facts`` into :class:`PlaceFacts`,
    for every place or ``only`` those (ISO codes are kept for every subject: they are the
    countries'). IRIs are interned: the map and the network hold them by the hundred thousand."""
    facts = PlaceFacts()
    for s, key, value in rows:
        if s is None or (value is None and key != "place"):
            continue
        if key == "iso":
            if value is not None and (s not in facts.iso or value < facts.iso[s]):
                facts.iso[s] = value
        elif only is not None and s not in only:
            continue
        elif key == "place":
            facts.typed.add(sys.intern(s))
        elif key == "lat" or key == "long":
            number = _float(value)
            target = facts.lat if key == "lat" else facts.lon
            if number is not None and (s not in target or number < target[s]):
                target[sys.intern(s)] = number
        elif key == "country" and value is not None and (s not in facts.country or value < facts.country[s]):
            facts.country[sys.intern(s)] = sys.intern(value)
    return facts


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@dataclass
class AuthorityFacts:
    """What ``map_authority_facts`` states of local authorities: those typed
    ``coop:LocalAuthority``, the smallest kind IRI of each, and every place each governs."""

    typed: set[str] = field(default_factory=set)
    kind: dict[str, str] = field(default_factory=dict)
    governs: dict[str, list[str]] = field(default_factory=dict)


def authority_facts(rows: Iterable[tuple[str | None, ...]]) -> AuthorityFacts:
    """Fold the ``(subject, key, value)`` rows of ``map_authority_facts`` into :class:`AuthorityFacts`
    (IRIs interned); which governed place is an authority's is the reader's pick (:func:`place_key`)."""
    facts = AuthorityFacts()
    for s, key, value in rows:
        if s is None:
            continue
        if key == "authority":
            facts.typed.add(sys.intern(s))
        elif value is None:
            continue
        elif key == "kind":
            if s not in facts.kind or value < facts.kind[s]:
                facts.kind[sys.intern(s)] = sys.intern(value)
        elif key == "governs":
            facts.governs.setdefault(sys.intern(s), []).append(sys.intern(value))
    return facts
