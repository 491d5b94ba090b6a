"""Which part of the network a projection covers: :class:`Filters`, parsed from what a person typed.

A filter value that cannot mean anything raises :class:`FilterError`, a
:class:`graph.errors.ParameterError` naming the filter, so the API and the CLI show it as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graph.errors import ParameterError
from graph.namespaces import AUTHORITY_KIND, THEME


class FilterError(ParameterError):
    """A filter value that cannot mean anything; ``parameter`` names the filter."""


@dataclass(frozen=True)
class Filters:
    """Which part of the network to project; empty means everything.

    ``country`` and ``kind`` keep a partnership or project when at least one of its member
    authorities matches (so ``country=("SN",)`` gives every partnership with a Senegalese
    authority, French side included). ``theme`` keeps an item having the theme or a narrower
    one. ``year`` keeps items active in that year (see :meth:`Item.active_in`).
    """

    country: tuple[str, ...] = ()
    theme: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    year: int | None = None

    @classmethod
    def of(
        cls,
        country: Iterable[str] | str | None = None,
        theme: Iterable[str] | str | None = None,
        kind: Iterable[str] | str | None = None,
        year: int | str | None = None,
    ) -> Filters:
        """Normalised filters from what a person typed: ISO codes or country IRIs, theme slugs
        or IRIs, kind slugs or IRIs, a year; comma-separated lists are accepted.

        Raises
        ------
        FilterError
            Naming the filter whose value is not understood.
        """
        return cls(
            country=tuple(sorted({_country(v) for v in _values(country)})),
            theme=tuple(sorted({_theme(v) for v in _values(theme)})),
            kind=tuple(sorted({_kind(v) for v in _values(kind)})),
            year=_year(year),
        )

    def key(self) -> tuple[Any, ...]:
        """A hashable key for caches."""
        return (self.country, self.theme, self.kind, self.year)

    def as_dict(self) -> dict[str, Any]:
        """The filters as JSON-ready data (empty ones left out)."""
        data: dict[str, Any] = {"country": list(self.country), "theme": list(self.theme), "kind": list(self.kind)}
        data["year"] = self.year
        return {k: v for k, v in data.items() if v not in ([], None)}


NO_FILTERS = Filters()
"""The whole network."""


def _values(value: Iterable[str] | str | None) -> list[str]:
    if value is None:
        return []
    raw = [value] if isinstance(value, str) else list(value)
    return [part.strip() for v in raw for part in str(v).split(",") if part.strip()]


def _country(value: str) -> str:
    code = value.rstrip("/").rsplit("/", 1)[-1] if "/" in value else value
    if not re.fullmatch(r"[A-Za-z]{2}", code):
        raise FilterError("country", f"{value!r} is not an ISO 3166-1 alpha-2 code (e.g. FR, SN) or a country IRI")
    return code.upper()


def _theme(value: str) -> str:
    if value.startswith(str(THEME)):
        return value
    if "://" in value:
        raise FilterError("theme", f"{value!r} is not a theme of {THEME}")
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", value):
        raise FilterError("theme", f"{value!r} is not a theme slug (lower case letters, digits and '-')")
    return str(THEME) + value


def _kind(value: str) -> str:
    slug = value[len(str(AUTHORITY_KIND)) :] if value.startswith(str(AUTHORITY_KIND)) else value
    if not re.fullmatch(r"[a-z][a-z\-]*", slug):
        raise FilterError("kind", f"{value!r} is not a kind of authority (commune, departement, region, …)")
    return slug


def _year(value: int | str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise FilterError("year", f"{value!r} is not a year") from None
    if not 1000 <= year <= 9999:
        raise FilterError("year", f"{year} is not a four-digit year")
    return year
