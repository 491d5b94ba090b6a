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
from collections.abc import Iterable

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
