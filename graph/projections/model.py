"""The tables every projection reads: authorities, partnerships and projects, know-how flows.

Plain frozen records, read once from the store by :func:`graph.projections.fetch.fetch`, so
the projections are pure functions of them (cached per store version, testable without a store).
They use ``__slots__`` (no ``__dict__``): at Atlas 10x there are 147,000 authorities and 236,000
items, whose IRIs are interned and whose identical theme sets are one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Authority:
    """A local authority as a node: what it is called, what it is, where it is."""

    iri: str
    label: str | None = None
    kind: str | None = None
    """The slug of its kind (``commune``, ``region``, ``foreign-local-government``…)."""
    country: str | None = None
    """ISO 3166-1 alpha-2 code of the country of the place it governs, upper case."""
    place: str | None = None
    place_label: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """A partnership or a project: the authorities it links, when, with what status and themes."""

    iri: str
    kind: Literal["partnership", "project"]
    members: tuple[str, ...]
    label: str | None = None
    start: int | None = None
    end: int | None = None
    status: str | None = None
    themes: frozenset[str] = frozenset()
    partnership: str | None = None
    """For a project, the partnership it is part of."""

    def active_in(self, year: int) -> bool:
        """Active in ``year``: started that year or before, and not ended before it.

        An item without a known start year is never counted as active: a snapshot shows what
        the data says existed then, not what may have.
        """
        return self.start is not None and self.start <= year and (self.end is None or self.end >= year)


@dataclass(frozen=True, slots=True)
class Flow:
    """A know-how exchange: who shared it, who received it, on which themes."""

    exchange: str
    source: str
    target: str
    source_label: str | None = None
    target_label: str | None = None
    themes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class NetworkData:
    """Everything the projections need, read from the store in a handful of queries."""

    base: str
    authorities: dict[str, Authority]
    items: tuple[Item, ...]
    flows: tuple[Flow, ...] = ()
    narrower: dict[str, frozenset[str]] = field(default_factory=dict)
    """Each theme and every theme under it (itself included)."""
