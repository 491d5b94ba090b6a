"""One resource in full: its facets, statements both ways, partnerships, memberships and
provenance (where each statement comes from, and the flags recorded on it)."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from graph.resources.identifiers import check_iri, curie, iri_for
from graph.resources.kinds import NotFound, kind_named
from graph.resources.labels import label_index
from graph.resources.listing import item_of
from graph.resources.rows import select_rows
from graph.resources.values import json_row, json_value, link
from graph.store import Store


def get_resource(store: Store, kind: str, ident: str, lang: str = "fr") -> dict[str, Any]:
    """The resource ``ident`` (id or IRI) of ``kind``: its facets, labels, types, every statement
    about it (outgoing and incoming, with labels), its partnerships and its provenance.
    Raises :class:`NotFound` if it is not a resource of that kind."""
    spec = kind_named(kind)
    iri = iri_for(store, spec, ident)
    rows = select_rows(store, spec.query, keep_unbound=True, item=URIRef(iri))
    if not rows:
        raise NotFound(f"no {spec.segment} {iri}")
    index = label_index(store)
    detail = item_of(store, index, rows[0], lang)
    detail["kind"] = spec.name
    detail.update(about(store, iri, lang))
    if spec.name == "people":
        detail["memberships"] = memberships(store, member=iri, lang=lang)
    if spec.name in ("organisations", "authorities"):
        detail["members"] = memberships(store, organization=iri, lang=lang)
    if spec.name == "events":
        detail["presentations"] = [
            json_row(store, index, row, lang) for row in select_rows(store, "api_presentations", event=URIRef(iri))
        ]
    return detail


def about(store: Store, iri: str, lang: str = "fr") -> dict[str, Any]:
    """What any page says of ``iri``: labels, types, statements both ways, partnerships, provenance."""
    index = label_index(store)
    ref = URIRef(iri)
    out = [
        {
            "property": link(store, index, row["p"].value, lang) | {"curie": curie(row["p"].value)},
            "value": json_value(store, index, row["o"], lang),
            "graph": row["g"].value,
        }
        for row in select_rows(store, "api_out", iri=ref)
    ]
    incoming = [
        {
            "subject": json_value(store, index, row["s"], lang),
            "property": link(store, index, row["p"].value, lang) | {"curie": curie(row["p"].value)},
            "graph": row["g"].value,
        }
        for row in select_rows(store, "api_in", iri=ref)
    ]
    partnerships = [
        link(store, index, r["partnership"].value, lang) for r in select_rows(store, "api_partnerships_of", iri=ref)
    ]
    return {
        "labels": [{"value": t, "lang": lg or None, "property": curie(p)} for t, lg, p in index.labels.get(iri, [])],
        "types": [link(store, index, t, lang) | {"curie": curie(t)} for t in sorted(index.types.get(iri, ()))],
        "statements": out,
        "incoming": incoming,
        "partnerships": [p for p in partnerships if p["iri"] != iri],
        "provenance": provenance(store, iri, lang),
    }


def exists(store: Store, iri: str) -> bool:
    """Does the graph say anything about ``iri``?"""
    return store.ask("api_exists", iri=URIRef(check_iri("iri", iri)))


def provenance(store: Store, iri: str, lang: str = "fr") -> dict[str, Any]:
    """Where the statements about ``iri`` come from: named graphs, import batches and dates,
    sources, and the flags recorded on it (CQ14)."""
    index = label_index(store)
    ref = URIRef(check_iri("iri", iri))
    graphs = [json_row(store, index, row, lang) for row in select_rows(store, "api_provenance", iri=ref)]
    sources: list[Any] = []
    flags: list[dict[str, Any]] = []
    for row in select_rows(store, "api_sources", iri=ref):
        if "source" in row:
            value = json_value(store, index, row["source"], lang)
            if value not in sources:
                sources.append(value)
        elif "flag" in row:
            flags.append(json_row(store, index, row, lang))
    return {"graphs": graphs, "sources": sources, "flags": flags}


def memberships(
    store: Store, *, member: str | None = None, organization: str | None = None, lang: str = "fr"
) -> list[dict[str, Any]]:
    """Memberships of a person (``member``) or in an organisation (``organization``): role, mandate, since."""
    index = label_index(store)
    pairs = (("member", member), ("organization", organization))
    bindings: dict[str, Any] = {k: URIRef(v) for k, v in pairs if v is not None}
    return [json_row(store, index, row, lang) for row in select_rows(store, "api_memberships", **bindings)]
