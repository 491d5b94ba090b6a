"""What the map shows: the filters of its query string, checked, and the partnerships they keep."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from graph.errors import ParameterError
from graph.render_index import KIND_NS, STATUS_NS, THEME_NS, MapIndex, Partnership, fold, local_name


class FilterError(ParameterError):
    """A filter value that cannot be understood; ``parameter`` names which."""


@dataclass(frozen=True)
class Filters:
    """What the map shows: every field left ``None`` matches everything."""

    country: str | None = None
    """ISO 3166-1 alpha-2 code of a country one of the partners is in."""
    theme: str | None = None
    """A theme slug or IRI; narrower themes match too."""
    status: str | None = None
    """A status slug (``implementation``, ``closed``…) or IRI."""
    year_from: int | None = None
    year_to: int | None = None
    """Partnerships active at some point in [year_from, year_to] (start ≤ to, end ≥ from)."""
    kind: str | None = None
    """An authority-kind slug (``commune``, ``region``…): one of the partners is of that kind."""
    q: str | None = None
    """Text found (accents and case ignored) in the partnership's name or a partner's or place's name."""

    @classmethod
    def parse(cls, **raw: str | int | None) -> Filters:
        """Filters from query-string values, checked; a bad value raises :class:`FilterError`."""
        values: dict[str, Any] = {}
        for key in ("country", "theme", "status", "kind", "q"):
            value = raw.get(key)
            text = str(value).strip() if value is not None else ""
            values[key] = text or None
        if values["q"] is not None and not fold(values["q"]):
            # Names are searched folded to ASCII words; text that folds to nothing would match everything.
            raise FilterError("q", f"{values['q']!r} has no letter or digit to search for")
        if values["country"] is not None:
            if len(values["country"]) != 2 or not values["country"].isalpha():
                raise FilterError("country", f"expected a two-letter ISO code, got {values['country']!r}")
            values["country"] = values["country"].upper()
        if values["theme"] is not None and not values["theme"].startswith("http"):
            values["theme"] = THEME_NS + values["theme"]
        if values["status"] is not None:
            values["status"] = local_name(values["status"], STATUS_NS)
        if values["kind"] is not None:
            values["kind"] = local_name(values["kind"], KIND_NS)
        for key in ("year_from", "year_to"):
            value = raw.get(key)
            if value is None or str(value).strip() == "":
                values[key] = None
                continue
            try:
                values[key] = int(str(value).strip())
            except ValueError:
                raise FilterError(key, f"expected a year, got {value!r}") from None
        if values["year_from"] and values["year_to"] and values["year_from"] > values["year_to"]:
            raise FilterError("year_from", f"{values['year_from']} is after year_to {values['year_to']}")
        return cls(**values)

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())

    def matches(self, p: Partnership, index: MapIndex) -> bool:
        if self.status is not None and p.status != self.status:
            return False
        if self.theme is not None and self.theme not in p.themes:
            return False
        if self.year_from is not None and ((p.start is None and p.end is None) or (p.end or 9999) < self.year_from):
            return False
        if self.year_to is not None and (p.start is None or p.start > self.year_to):
            return False
        if self.q is not None and fold(self.q) not in p.search:
            return False
        if self.country is not None or self.kind is not None:
            auths = p.authorities()
            if self.kind is not None and not any(
                (a := index.authorities.get(x)) is not None and a.kind == self.kind for x in auths
            ):
                return False
            if self.country is not None and not any(
                (pl := index.place_of(x)) is not None and pl.iso == self.country for x in auths
            ):
                return False
        return True


NO_FILTERS = Filters()
"""The unfiltered view (a shared default argument)."""


def select(index: MapIndex, filters: Filters) -> list[Partnership]:
    """The partnerships ``filters`` keep."""
    if filters.is_empty():
        return index.partnerships
    return [p for p in index.partnerships if filters.matches(p, index)]
