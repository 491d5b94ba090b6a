"""One resource in full: its facets, statements both ways, partnerships, memberships and
provenance (where each statement comes from, and the flags recorded on it).

The queries come back unordered and are sorted here: Oxigraph 0.5 decodes IRIs from storage at
each comparison of an ``ORDER BY``, which cost 125 of the 139 ms of Paris's 569 incoming links.
Every query runs first; then the labels of every IRI the page shows are fetched in one go.

Two sub-collections can be large — the incoming links (a country: every place in it; a theme:
every project on it) and the partnerships (a country: every partnership of its authorities) —
so a detail embeds the first :data:`SUBLIST_SIZE` of each with their totals, and
:func:`incoming` and :func:`partnerships_of` page through the rest. Both are sorted once per
store version and kept in a small LRU (:func:`graph.resources.sublists.cached`): decoding 3,800
IRIs of France's incoming links from storage costs 150 ms however few of them are shown. The
facets of a kind that grow with the data (the projects of a funding instrument…) are embedded
the same way (:mod:`graph.resources.sublists`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from graph.resources.identifiers import check_iri, curie, iri_for
from graph.resources.kinds import NotFound, Page, kind_named
from graph.resources.labels import LabelIndex, label_index
from graph.resources.listing import iris_of_row, item_of
from graph.resources.rows import select_rows
from graph.resources.sublists import SUBLIST_SIZE, cached, check_page, embed_detail, sorted_rows
from graph.resources.values import json_row, json_value, link
from graph.store import Store


def _iris(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield from iris_of_row(row)


def get_resource(store: Store, kind: str, ident: str, lang: str = "fr") -> dict[str, Any]:
    """The resource ``ident`` (id or IRI) of ``kind``: its facets, labels, types, every statement
    about it (outgoing and incoming, with labels), its partnerships and its provenance.
    Raises :class:`NotFound` if it is not a resource of that kind."""
    spec = kind_named(kind)
    iri = iri_for(store, spec, ident)
    # The facets of a country are counts over its places (France: thousands): kept per store version.
    rows = cached(store, (spec.query, iri), lambda: select_rows(store, spec.query, keep_unbound=True, item=URIRef(iri)))
    if not rows:
        raise NotFound(f"no {spec.segment} {iri}")
    index = label_index(store)
    extra: dict[str, list[dict[str, Any]]] = {}
    if spec.name == "people":
        extra["memberships"] = _membership_rows(store, member=iri)
    if spec.name in ("organisations", "authorities"):
        extra["members"] = _membership_rows(store, organization=iri)
    if spec.name == "events":
        extra["presentations"] = sorted_rows(select_rows(store, "api_presentations", event=URIRef(iri)), "presentation")
    gathered = _about_rows(store, iri, SUBLIST_SIZE)
    index.need([*iris_of_row(rows[0]), *_iris(r for v in extra.values() for r in v), *_about_iris(gathered)])
    detail = item_of(store, index, rows[0], lang)
    detail["kind"] = spec.name
    embed_detail(store, index, spec.name, detail, lang)  # the facets that grow with the data: the first members
    detail.update(_about(store, index, iri, gathered, lang))
    for name, extra_rows in extra.items():
        detail[name] = [json_row(store, index, row, lang) for row in extra_rows]
    return detail


def _about_rows(store: Store, iri: str, size: int = 0) -> dict[str, list[dict[str, Any]]]:
    """The rows of every query :func:`about` shows, sorted; the first ``size`` incoming links and
    partnerships (all with ``size=0``)."""
    ref = URIRef(iri)
    incoming = incoming_rows(store, iri)
    partnerships = _partnership_rows(store, iri)
    return {
        "out": sorted_rows(select_rows(store, "api_out", iri=ref), "p", "o"),
        "in": incoming[:size] if size else incoming,
        "partnerships": partnerships[:size] if size else partnerships,
        "graphs": sorted_rows(select_rows(store, "api_provenance", iri=ref), "graph"),
        "sources": select_rows(store, "api_sources", iri=ref),
        "totals": [{"incoming": len(incoming), "partnerships": len(partnerships)}],
    }


def incoming_rows(store: Store, iri: str) -> list[dict[str, Any]]:
    """Every statement with ``iri`` as object, once per named graph holding it, sorted by
    property then subject."""
    return cached(store, ("in", iri), lambda: sorted_rows(select_rows(store, "api_in", iri=URIRef(iri)), "p", "s"))


def incoming_fragments(store: Store, iri: str) -> list[str]:
    """The fragment sub-nodes of ``iri``'s owner among the subjects linking to it (``event/1#p1``
    for ``event/1``), kept per store version like the rows they are read from: a hub's document
    would otherwise scan its thousands of incoming rows on every call."""
    owner = iri.split("#", 1)[0] + "#"

    def compute() -> list[str]:
        subjects = (row["s"].value for row in incoming_rows(store, iri) if isinstance(row["s"], ox.NamedNode))
        return [s for s in dict.fromkeys(subjects) if s.startswith(owner)]

    return cached(store, ("in-fragments", iri), compute)


def _partnership_rows(store: Store, iri: str) -> list[dict[str, Any]]:
    """The partnerships ``iri`` is part of (other than itself), sorted by IRI."""

    def compute() -> list[dict[str, Any]]:
        rows = select_rows(store, "api_partnerships_of", iri=URIRef(iri))
        return sorted_rows([r for r in rows if r["partnership"].value != iri], "partnership")

    return cached(store, ("partnerships", iri), compute)


def incoming(store: Store, iri: str, page: int = 1, size: int = SUBLIST_SIZE, lang: str = "fr") -> Page:
    """One page of the statements with ``iri`` as object (subject, property, graph), in the
    order of a detail's ``incoming``."""
    return _page(store, iri, page, size, incoming_rows, lambda index, row: _incoming_item(store, index, row, lang))


def partnerships_of(store: Store, iri: str, page: int = 1, size: int = SUBLIST_SIZE, lang: str = "fr") -> Page:
    """One page of the partnerships ``iri`` is part of (as member or partner, through a project,
    the place it is, or the places of a country), in the order of a detail's ``partnerships``."""
    return _page(
        store, iri, page, size, _partnership_rows, lambda index, row: link(store, index, row["partnership"].value, lang)
    )


def _page(
    store: Store,
    iri: str,
    page: int,
    size: int,
    rows_of: Callable[[Store, str], list[dict[str, Any]]],
    item: Callable[[LabelIndex, dict[str, Any]], dict[str, Any]],
) -> Page:
    """Page ``page`` of the (cached, sorted) rows ``rows_of`` gives for ``iri``, each shown by
    ``item`` with the labels of the page fetched in one go."""
    check_iri("iri", iri)
    start = check_page(page, size)
    rows = rows_of(store, iri)
    shown = rows[start : start + size]
    index = label_index(store)
    index.need(_iris(shown))
    return Page(items=[item(index, row) for row in shown], total=len(rows), page=page, size=size)


def _incoming_item(store: Store, index: LabelIndex, row: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "subject": json_value(store, index, row["s"], lang),
        "property": link(store, index, row["p"].value, lang) | {"curie": curie(row["p"].value)},
        "graph": row["g"].value,
    }


def _about_iris(gathered: dict[str, list[dict[str, Any]]]) -> Iterator[str]:
    yield from _iris(gathered["out"])
    yield from _iris(gathered["in"])
    yield from _iris(gathered["partnerships"])
    yield from _iris(gathered["graphs"])
    yield from _iris(gathered["sources"])


def about(store: Store, iri: str, lang: str = "fr", size: int = SUBLIST_SIZE) -> dict[str, Any]:
    """What any page says of ``iri``: labels, types, statements both ways, partnerships (the
    first ``size`` incoming links and partnerships, with their totals), provenance."""
    index = label_index(store)
    gathered = _about_rows(store, iri, size)
    index.need([iri, *_about_iris(gathered)])
    return _about(store, index, iri, gathered, lang)


def _about(
    store: Store, index: LabelIndex, iri: str, gathered: dict[str, list[dict[str, Any]]], lang: str
) -> dict[str, Any]:
    index.need([iri, *index.types_of(iri)])
    out = [
        {
            "property": link(store, index, row["p"].value, lang) | {"curie": curie(row["p"].value)},
            "value": json_value(store, index, row["o"], lang),
            "graph": row["g"].value,
        }
        for row in gathered["out"]
    ]
    incoming = [_incoming_item(store, index, row, lang) for row in gathered["in"]]
    partnerships = [link(store, index, r["partnership"].value, lang) for r in gathered["partnerships"]]
    totals = gathered["totals"][0]
    return {
        "labels": [{"value": t, "lang": lg or None, "property": curie(p)} for t, lg, p in index.labels_of(iri)],
        "types": [link(store, index, t, lang) | {"curie": curie(t)} for t in sorted(index.types_of(iri))],
        "statements": out,
        "incoming": incoming,
        "incomingTotal": totals["incoming"],
        "partnerships": partnerships,
        "partnershipsTotal": totals["partnerships"],
        "provenance": _provenance(store, index, gathered, lang),
    }


def exists(store: Store, iri: str) -> bool:
    """Does the graph say anything about ``iri``?"""
    return store.ask("api_exists", iri=URIRef(check_iri("iri", iri)))


def provenance(store: Store, iri: str, lang: str = "fr") -> dict[str, Any]:
    """Where the statements about ``iri`` come from: named graphs, import batches and dates,
    sources, and the flags recorded on it (CQ14)."""
    ref = URIRef(check_iri("iri", iri))
    gathered = {
        "graphs": sorted_rows(select_rows(store, "api_provenance", iri=ref), "graph"),
        "sources": select_rows(store, "api_sources", iri=ref),
    }
    index = label_index(store)
    index.need([*_iris(gathered["graphs"]), *_iris(gathered["sources"])])
    return _provenance(store, index, gathered, lang)


def _provenance(
    store: Store, index: LabelIndex, gathered: dict[str, list[dict[str, Any]]], lang: str
) -> dict[str, Any]:
    graphs = [json_row(store, index, row, lang) for row in gathered["graphs"]]
    sources: list[Any] = []
    flags: list[dict[str, Any]] = []
    for row in gathered["sources"]:
        if "source" in row:
            value = json_value(store, index, row["source"], lang)
            if value not in sources:
                sources.append(value)
        elif "flag" in row:
            flags.append(json_row(store, index, row, lang))
    return {"graphs": graphs, "sources": sources, "flags": flags}


def _membership_rows(
    store: Store, *, member: str | None = None, organization: str | None = None
) -> list[dict[str, Any]]:
    pairs = (("member", member), ("organization", organization))
    bindings: dict[str, Any] = {k: URIRef(v) for k, v in pairs if v is not None}
    return sorted_rows(select_rows(store, "api_memberships", **bindings), "member", "organization")


def memberships(
    store: Store, *, member: str | None = None, organization: str | None = None, lang: str = "fr"
) -> list[dict[str, Any]]:
    """Memberships of a person (``member``) or in an organisation (``organization``): role, mandate, since."""
    rows = _membership_rows(store, member=member, organization=organization)
    index = label_index(store)
    index.need(_iris(rows))
    return [json_row(store, index, row, lang) for row in rows]
