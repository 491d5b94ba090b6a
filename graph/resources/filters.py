"""Filter values of a list request, from text to checked RDF terms.

Each value is validated here and bound as a term, never pasted into a query; a bad value
raises :class:`InvalidParameter` naming the parameter and saying what it accepts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rdflib import URIRef

from graph.namespaces import COOP_DEF
from graph.resources.identifiers import check_iri, country_iri
from graph.resources.kinds import InvalidParameter, Kind
from graph.resources.labels import fold, label_index
from graph.store import Store


def parse_filters(store: Store, kind: Kind, raw: Mapping[str, str | None]) -> dict[str, Any]:
    """The filter values of ``raw`` (text, as received) as RDF terms, each checked; unknown
    filters and bad values raise :class:`InvalidParameter` naming the parameter."""
    terms: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None or value == "":
            continue
        if name not in kind.filters:
            allowed = ", ".join(kind.filters) or "none"
            raise InvalidParameter(name, f"{kind.name} cannot be filtered by {name!r} (filters: {allowed})")
        terms[name] = _filter_term(store, kind, name, value)
    if "year_from" in terms and "year_to" in terms and int(terms["year_from"]) > int(terms["year_to"]):
        raise InvalidParameter("year_from", f"year_from ({terms['year_from']}) is after year_to ({terms['year_to']})")
    return terms


def _filter_term(store: Store, kind: Kind, name: str, value: str) -> Any:
    value = value.strip()
    if name in ("year_from", "year_to"):
        if not re.fullmatch(r"-?\d{1,4}", value):
            raise InvalidParameter(name, f"expected a year (an integer), got {value!r}")
        return int(value)
    if name == "country":
        if re.fullmatch(r"[A-Za-z]{2}", value):
            return country_iri(store, name, value)
        if re.match(r"https?://", value):
            return URIRef(check_iri(name, value))
        raise InvalidParameter(name, f"expected an ISO 3166-1 alpha-2 code (EC, SN) or a country IRI, got {value!r}")
    if name in ("theme", "broader"):
        return URIRef(_concept(store, name, "theme", value, by_label=True))
    if name == "status":
        return URIRef(_concept(store, name, "status", value))
    if name == "kind":
        return URIRef(_concept(store, name, kind.kind_scheme or "", value))
    if name in ("authority", "organisation"):
        if re.match(r"https?://", value):
            return URIRef(check_iri(name, value))
        if not re.fullmatch(r"[a-z0-9\-]+/[A-Za-z0-9._~\-/]+", value) or ".." in value:
            raise InvalidParameter(name, f"expected an id such as authority/fr/besancon or an IRI, got {value!r}")
        return URIRef(check_iri(name, store.base + value))
    raise InvalidParameter(name, "unknown filter")  # pragma: no cover - guarded by Kind.filters


def _concept(store: Store, parameter: str, scheme: str, value: str, *, by_label: bool = False) -> str:
    """The concept of ``scheme`` named by slug, IRI or (``by_label``) one of its labels."""
    index = label_index(store)
    scheme_iri = COOP_DEF + scheme
    members = sorted(c for c, s in index.concepts.items() if s == scheme_iri)
    if value in members:
        return value
    slug = value.lower()
    if COOP_DEF + f"{scheme}/{slug}" in members:
        return COOP_DEF + f"{scheme}/{slug}"
    if by_label:
        key = fold(value)
        index.need(members)
        hits = sorted({c for c in members for text, _, _ in index.labels_of(c) if fold(text) == key})
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            slugs = ", ".join(h.rsplit("/", 1)[-1] for h in hits)
            raise InvalidParameter(parameter, f"{value!r} names several concepts ({slugs}): give a slug")
    known = ", ".join(m.rsplit("/", 1)[-1] for m in members) or "none loaded"
    raise InvalidParameter(parameter, f"unknown {scheme} {value!r}; known: {known}")
