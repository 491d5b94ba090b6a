"""Sub-collections that grow with the data: embedded as their first rows with a total, paged
through the rest.

Most lists a resource shows are bounded by the world (an authority governs one place, a
partnership has two members). Some grow with the data: the projects a funding instrument funds
(``fonds-propres`` funds 5,000 projects at 1×, ten times more at 10×: its detail was 11.7 MB
and the funding list 30 MB), the authorities holding or aiming for a label, the participants of
an event — and, for any resource, its incoming links and partnerships (:mod:`.details`).

Each growing facet is a :class:`Sublist`: a named query giving ``?member`` for a bound
``?iri`` (or for many, one ``VALUES`` row each). A detail embeds the first
:data:`SUBLIST_SIZE` members, a list item the first :data:`LIST_SUBLIST_SIZE`, each with
``{name}Total``; :func:`members` pages through all of them, in the same order (by IRI).

Rows are sorted here, not by ``ORDER BY`` (Oxigraph 0.5 decodes IRIs at each comparison), once
per store version, and kept in a small LRU (:func:`cached`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from graph.cache import ResultCache
from graph.resources.identifiers import check_iri
from graph.resources.kinds import KINDS, MAX_PAGE_SIZE, InvalidParameter, NotFound, Page
from graph.resources.labels import LabelIndex, label_index
from graph.resources.rows import select_rows, select_rows_for
from graph.resources.values import json_value
from graph.store import Store

SUBLIST_SIZE = 100
"""Members of a growing sub-collection a detail embeds (the rest: one page at a time)."""
LIST_SUBLIST_SIZE = 10
"""Members of a growing sub-collection each item of a list page embeds."""
SUBLIST_CACHE_SIZE = 64
"""Sorted sub-collections kept per store (the busiest resources: countries, themes, big cities)."""
CACHE_AFTER_SECONDS = 0.005
"""Results computed faster than this are not kept: recomputing them is cheaper than evicting
the large ones (a list page of 50 events would otherwise push France's 3,800 incoming links
out of the LRU)."""


def term_key(term: Any) -> tuple[int, str]:
    """Sort key of a term in SPARQL's order: unbound, blank nodes, IRIs, then literals."""
    if term is None:
        return (0, "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value)
    if isinstance(term, ox.NamedNode):
        return (2, term.value)
    return (3, term.value)


def sorted_rows(rows: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    """``rows`` sorted on the terms of columns ``names``, in SPARQL's order."""
    return sorted(rows, key=lambda row: tuple(term_key(row.get(n)) for n in names))


_CACHE = ResultCache(SUBLIST_CACHE_SIZE, CACHE_AFTER_SECONDS)


def cached(store: Store, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """What ``compute`` gives for ``key``, kept in a small LRU per store version (when it took
    more than :data:`CACHE_AFTER_SECONDS` to compute)."""
    return _CACHE.get(store, key, compute)


def check_page(page: int, size: int) -> int:
    """The offset of ``page`` of ``size`` rows; bad values are :class:`InvalidParameter`."""
    if not isinstance(page, int) or page < 1:
        raise InvalidParameter("page", f"expected an integer ≥ 1, got {page!r}")
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParameter("size", f"expected an integer from 1 to {MAX_PAGE_SIZE}, got {size!r}")
    return (page - 1) * size


@dataclass(frozen=True)
class Sublist:
    """A facet of a kind that grows with the data: its name in the JSON answer, the kind that has
    it, and the named query giving its ``?member`` rows for a bound ``?iri``."""

    name: str
    kind: str
    query: str
    title: str
    """What the members are, in words (for the API's documentation)."""


SUBLISTS: dict[str, Sublist] = {
    s.name: s
    for s in (
        Sublist("funds", "funding", "api_funded_projects",
                "the projects a funding instrument funds (directly or through a grant)"),
        Sublist("heldBy", "labels", "api_label_holders", "the local authorities holding a label"),
        Sublist("aimsFor", "labels", "api_label_aspirants", "the local authorities aiming for a label"),
        Sublist("participants", "events", "api_event_participants",
                "the people, organisations and authorities who took part in an event"),
    )
}  # fmt: skip
"""Every growing facet, by its name in the JSON answer."""


def sublists_of(kind: str) -> list[Sublist]:
    """The growing facets of the resources of ``kind`` (none for most kinds)."""
    return [s for s in SUBLISTS.values() if s.kind == kind]


def _sublist_named(name: str) -> Sublist:
    if name not in SUBLISTS:
        raise InvalidParameter("name", f"unknown sub-collection {name!r}; known: {', '.join(SUBLISTS)}")
    return SUBLISTS[name]


def _iris(terms: Iterable[Any]) -> Iterator[str]:
    return (t.value for t in terms if isinstance(t, ox.NamedNode))


def _sorted_members(rows: Iterable[dict[str, Any]]) -> list[Any]:
    return sorted({row["member"] for row in rows if "member" in row}, key=term_key)


def member_terms(store: Store, name: str, iri: str) -> list[Any]:
    """Every member of sub-collection ``name`` of ``iri``, sorted by IRI (kept per store version)."""
    sub = _sublist_named(name)
    ref = URIRef(check_iri("iri", iri))
    return cached(  # type: ignore[no-any-return]
        store, ("sublist", name, iri), lambda: _sorted_members(select_rows(store, sub.query, iri=ref))
    )


def _first_members(store: Store, sub: Sublist, iris: list[str], cap: int) -> dict[str, tuple[list[Any], int]]:
    """The first ``cap`` members and the total of ``sub`` for each of ``iris``: one query for a
    whole list page, only the first members kept."""

    def compute() -> dict[str, tuple[list[Any], int]]:
        by_iri: dict[str, list[dict[str, Any]]] = {iri: [] for iri in iris}
        for row in select_rows_for(store, sub.query, "iri", iris):
            by_iri[row["iri"].value].append(row)
        found = {}
        for iri, rows in by_iri.items():
            members = _sorted_members(rows)
            found[iri] = (members[:cap], len(members))
        return found

    return cached(store, ("first", sub.name, cap, tuple(iris)), compute)  # type: ignore[no-any-return]


def embed(store: Store, index: LabelIndex, kind: str, items: list[dict[str, Any]], cap: int, lang: str) -> None:
    """Add to each of ``items`` (list items or a detail, each with its ``iri``) the first ``cap``
    members of every growing facet of ``kind`` as ``{name}`` and their number as ``{name}Total``."""
    subs = sublists_of(kind)
    if not subs or not items:
        return
    iris = [item["iri"] for item in items]
    firsts = {sub.name: _first_members(store, sub, iris, cap) for sub in subs}
    index.need(_iris(t for found in firsts.values() for shown, _ in found.values() for t in shown))
    for item in items:
        for name, found in firsts.items():
            shown, total = found[item["iri"]]
            item[name] = [json_value(store, index, t, lang) for t in shown]
            item[f"{name}Total"] = total


def embed_detail(store: Store, index: LabelIndex, kind: str, detail: dict[str, Any], lang: str) -> None:
    """:func:`embed` for a detail: the first :data:`SUBLIST_SIZE` members, from the sorted members
    kept for paging (so the detail and the pages agree)."""
    subs = sublists_of(kind)
    terms = {sub.name: member_terms(store, sub.name, detail["iri"]) for sub in subs}
    index.need(_iris(t for found in terms.values() for t in found[:SUBLIST_SIZE]))
    for name, found in terms.items():
        detail[name] = [json_value(store, index, t, lang) for t in found[:SUBLIST_SIZE]]
        detail[f"{name}Total"] = len(found)


def owner_kind_check(store: Store, name: str, iri: str) -> None:
    """Raise :class:`NotFound` unless ``iri`` is a resource of the kind that has ``name``."""
    sub = _sublist_named(name)
    cls = KINDS[sub.kind].cls
    if not store.ask("api_is_a", iri=URIRef(check_iri("iri", iri)), **{"class": URIRef(cls)}):
        raise NotFound(f"{iri} is not one of the {KINDS[sub.kind].title.lower()}: it has no {name}")


def members(store: Store, name: str, iri: str, page: int = 1, size: int = SUBLIST_SIZE, lang: str = "fr") -> Page:
    """One page of the members of sub-collection ``name`` of ``iri``, in the order of a detail's
    ``{name}`` (by IRI)."""
    start = check_page(page, size)
    terms = member_terms(store, name, iri)
    shown = terms[start : start + size]
    index = label_index(store)
    index.need(_iris(shown))
    items = [json_value(store, index, t, lang) for t in shown]
    return Page(items=items, total=len(terms), page=page, size=size)
