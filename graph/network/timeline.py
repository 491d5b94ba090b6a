"""Activity over time: partnerships (or projects) active, new and ended in each year."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from graph.projections import NetworkData


def evolution(data: NetworkData, years: Iterable[int] | None = None, kind: str = "partnership") -> list[dict[str, Any]]:
    """Partnerships active and new in each year, overall and by country.

    Parameters
    ----------
    data : NetworkData
        The projection tables (an analysis of time needs each partnership's own dates, which
        the aggregated edges of a graph no longer hold).
    years : iterable of int, optional
        Default: from the earliest start year to the latest start or end year.
    kind : str, optional
        ``"partnership"`` (default) or ``"project"``.

    Returns
    -------
    list of dict
        One row per year: ``year``, ``active``, ``new`` (started that year), ``ended`` (ended
        that year), ``by_country`` (ISO code → ``{"active", "new"}``, a partnership counting
        once for each country of its members).

    Notes
    -----
    Items without a start year cannot be placed in time and are not counted (see
    :meth:`graph.projections.Item.active_in`).
    """
    items = [i for i in data.items if i.kind == kind and i.start is not None]
    if years is None:
        if not items:
            return []
        first = min(i.start for i in items if i.start is not None)
        last = max(max(i.start or first, i.end or first) for i in items)
        years = range(first, last + 1)
    country_of = {a.iri: a.country for a in data.authorities.values()}
    rows = []
    for year in years:
        active = [i for i in items if i.active_in(year)]
        by_country: dict[str, Counter[str]] = defaultdict(Counter)
        for i in active:
            for c in {country_of.get(m) for m in i.members} - {None}:
                by_country[str(c)]["active"] += 1
                if i.start == year:
                    by_country[str(c)]["new"] += 1
        rows.append(
            {
                "year": year,
                "active": len(active),
                "new": sum(1 for i in active if i.start == year),
                "ended": sum(1 for i in items if i.end == year),
                "by_country": {c: {"active": n["active"], "new": n["new"]} for c, n in sorted(by_country.items())},
            }
        )
    return rows
