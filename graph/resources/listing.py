"""Lists of resources: one query per kind returns every match with its facets; pagination and
ordering happen here.

Optional filters are ``FILTER(!BOUND(?param) || …)`` at the top level of each list query, so an
unbound parameter matches everything. LIMIT and OFFSET cannot be bound as terms, and sorting
by display label needs the language preference, so both are done over the rows.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

import pyoxigraph as ox

from graph import queries
from graph.cache import ResultCache
from graph.resources.filters import parse_filters
from graph.resources.kinds import MAX_PAGE_SIZE, InvalidParameter, Page, kind_named
from graph.resources.labels import LabelIndex, fold, label_index, label_rank
from graph.resources.rows import select_rows, select_rows_for, solution_rows
from graph.resources.sublists import LIST_SUBLIST_SIZE, embed
from graph.resources.values import json_value, link
from graph.store import Store


def iris_of_row(row: dict[str, Any]) -> Iterator[str]:
    """Every IRI a row shows: its IRI values and the IRIs of its ``*_list`` columns."""
    for name, term in row.items():
        if isinstance(term, ox.NamedNode):
            yield term.value
        elif name.endswith("_list") and isinstance(term, ox.Literal):
            yield from term.value.split()


def item_of(store: Store, index: LabelIndex, row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A row of a list query as the API shows it: ``item`` as a link, ``*_list`` columns (IRIs
    joined by spaces) as lists of links, every other column as a JSON value."""
    iri = row["item"].value
    item = link(store, index, iri, lang)
    for name, term in row.items():
        if name == "item":
            continue
        if name.endswith("_list"):
            text = term.value if isinstance(term, ox.Literal) else ""
            item[name[: -len("_list")]] = [link(store, index, i, lang) for i in sorted(set(text.split()))]
        else:
            item[name] = json_value(store, index, term, lang)
    return item


def _sort_key(item: dict[str, Any]) -> tuple[str, str]:
    return (fold(item.get("label") or "") or "\uffff", item["iri"])


def list_resources(
    store: Store,
    kind: str,
    filters: Mapping[str, str | None] | None = None,
    page: int = 1,
    size: int = 50,
    lang: str = "fr",
) -> Page:
    """One page of the resources of ``kind`` matching ``filters`` (text values, validated here),
    ordered by label, with the total number of matches.

    Kinds with an order query (``api_order_{kind}``: the matching items and their labels, no
    facets) are ordered first — kept in a small LRU per store version, filters and language —
    and the list query then runs for the items of the page only (a ``VALUES`` block): its
    aggregates over every item took seconds at Atlas scale. Small kinds run the list query whole.
    The facets that grow with the data (:mod:`graph.resources.sublists`) are never embedded whole:
    each item shows their first :data:`LIST_SUBLIST_SIZE` members and their total.
    """
    spec = kind_named(kind)
    if not isinstance(page, int) or page < 1:
        raise InvalidParameter("page", f"expected an integer ≥ 1, got {page!r}")
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParameter("size", f"expected an integer from 1 to {MAX_PAGE_SIZE}, got {size!r}")
    terms = parse_filters(store, spec, filters or {})
    index = label_index(store)
    start = (page - 1) * size
    if f"api_order_{spec.name}" not in queries.names():
        rows = select_rows(store, spec.query, keep_unbound=True, **terms)
        index.need(i for row in rows for i in iris_of_row(row))
        items = sorted((item_of(store, index, row, lang) for row in rows), key=_sort_key)
        shown_items = items[start : start + size]
        embed(store, index, spec.name, shown_items, LIST_SUBLIST_SIZE, lang)
        return Page(items=shown_items, total=len(items), page=page, size=size)
    order = _order(store, spec.name, terms, lang)
    shown = order[start : start + size]
    # The filters were applied by the order query: the list query only adds the facets of the page.
    rows = _page_rows(store, spec.query, shown)
    by_iri = {row["item"].value: row for row in rows}
    names = _columns(spec.query)
    index.need([*shown, *(i for row in rows for i in iris_of_row(row))])
    page_items = [item_of(store, index, {n: by_iri[iri].get(n) for n in names}, lang) for iri in shown if iri in by_iri]
    embed(store, index, spec.name, page_items, LIST_SUBLIST_SIZE, lang)
    return Page(items=page_items, total=len(order), page=page, size=size)


ORDER_CACHE_SIZE = 32
"""Orders of lists (each one IRI per matching item) and rows of pages kept per store."""
_ORDERS = ResultCache(ORDER_CACHE_SIZE)


class PackedIris(Sequence[str]):
    """IRIs in a given order, packed in one UTF-8 byte string with an array of offsets.

    Why: an order of the whole Atlas 10× (147,000 authorities, 127,000 projects …) as a list
    held a string object of about 100 bytes per IRI, allocated among the scratch of the query
    that found it, so the allocator could give little of that scratch back; packed, an IRI costs
    its length plus 8 bytes, and the list and its strings are freed whole. Pages slice it.
    """

    __slots__ = ("_ends", "_text")

    def __init__(self, iris: Iterable[str]) -> None:
        encoded = [iri.encode("utf-8") for iri in iris]
        self._text = b"".join(encoded)
        self._ends = array("q", itertools.accumulate(len(e) for e in encoded))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, at: int) -> str: ...
    @overload
    def __getitem__(self, at: slice) -> list[str]: ...
    def __getitem__(self, at: int | slice) -> str | list[str]:
        if isinstance(at, slice):
            return [self._one(i) for i in range(*at.indices(len(self)))]
        if not -len(self) <= at < len(self):
            raise IndexError(at)
        return self._one(at % len(self))

    def _one(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._text[start : self._ends[i]].decode("utf-8")


def _order(store: Store, kind: str, terms: dict[str, Any], lang: str) -> PackedIris:
    """The IRIs of the items of ``kind`` matching ``terms``, ordered by display label then IRI."""
    key = (kind, lang, tuple(sorted((k, str(v)) for k, v in terms.items())))
    return _ORDERS.get(store, key, lambda: PackedIris(_compute_order(store, kind, terms, lang)))


_UNLABELLED = (9, 9, "")
"""The rank of an item without a label: after every label (:func:`label_rank`), text empty."""


def _compute_order(store: Store, kind: str, terms: dict[str, Any], lang: str) -> list[str]:
    """Each item's best label is kept as its rows stream by, not every label of every item: at
    Atlas 10× the order of the 127,000 projects kept every label as a tuple of three strings and
    peaked 67 MB higher (335 against 268 MB in process; the authorities' order 324 against 265)."""
    best: dict[str, tuple[int, int, str]] = {}
    query = f"api_order_{kind}"
    if "country" in terms and f"{query}_in_country" in queries.names():
        query += "_in_country"  # the same items, walked from the country (see the query)
    for item, p, lit in solution_rows(store, query, **terms):
        iri = item.value
        current = best.get(iri, _UNLABELLED)
        if isinstance(lit, ox.Literal) and p is not None:
            rank = label_rank(lit.value, lit.language or "", p.value, lang)
            if rank < current:
                best[iri] = rank
                continue
        if current is _UNLABELLED:
            best[iri] = current
    return sorted(best, key=lambda iri: (fold(best[iri][2]) or "\uffff", iri))


def _page_rows(store: Store, query: str, shown: list[str]) -> list[dict[str, Any]]:
    """The rows of list query ``query`` for the items of one page, kept in the order LRU: some
    facets are aggregates over much of the store (a country's places and authorities: 0.5 s for
    the first page of countries at 1×), the same on every call until the store changes."""
    if not shown:
        return []
    return _ORDERS.get(store, (query, "page", tuple(shown)), lambda: select_rows_for(store, query, "item", shown))


def _columns(query: str) -> list[str]:
    """The projected variables of a named list query, in order (``?item`` first)."""
    head = queries.load(query).text.split("WHERE", 1)[0]
    return re.findall(r"(?:AS\s+|SELECT\s+)\?(\w+)", head)


def matching_iris(store: Store, kind: str, filters: Mapping[str, str | None] | None = None) -> list[str]:
    """Every IRI of ``kind`` matching ``filters`` (for exports)."""
    spec = kind_named(kind)
    terms = parse_filters(store, spec, filters or {})
    return sorted(row["item"].value for row in select_rows(store, spec.query, **terms))
