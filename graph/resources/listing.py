"""Lists of resources: one query per kind returns every match with its facets; pagination and
ordering happen here.

Optional filters are ``FILTER(!BOUND(?param) || …)`` at the top level of each list query, so an
unbound parameter matches everything. LIMIT and OFFSET cannot be bound as terms, and sorting
by display label needs the language preference, so both are done over the rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from graph.resources.filters import parse_filters
from graph.resources.kinds import MAX_PAGE_SIZE, InvalidParameter, Page, kind_named
from graph.resources.labels import LabelIndex, fold, label_index
from graph.resources.rows import select_rows
from graph.resources.values import json_value, link
from graph.store import Store


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
    ordered by label, with the total number of matches."""
    spec = kind_named(kind)
    if not isinstance(page, int) or page < 1:
        raise InvalidParameter("page", f"expected an integer ≥ 1, got {page!r}")
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParameter("size", f"expected an integer from 1 to {MAX_PAGE_SIZE}, got {size!r}")
    terms = parse_filters(store, spec, filters or {})
    index = label_index(store)
    rows = select_rows(store, spec.query, keep_unbound=True, **terms)
    items = sorted((item_of(store, index, row, lang) for row in rows), key=_sort_key)
    start = (page - 1) * size
    return Page(items=items[start : start + size], total=len(items), page=page, size=size)


def matching_iris(store: Store, kind: str, filters: Mapping[str, str | None] | None = None) -> list[str]:
    """Every IRI of ``kind`` matching ``filters`` (for exports)."""
    spec = kind_named(kind)
    terms = parse_filters(store, spec, filters or {})
    return sorted(row["item"].value for row in select_rows(store, spec.query, **terms))
