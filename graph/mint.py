"""Deterministic data IRIs: the same record always mints the same IRI, so a second import
of it lands on the same nodes (and merges) instead of duplicating them.

The conventions (relative to the store's base): ``place/{geonamesId}`` for a place the
gazetteer knows, ``place/{iso2}/{slug}`` for one it does not; ``country/{iso2}``;
``authority/{iso2}/{slug}``; ``partnership/{slug}`` of the two authority keys sorted (a
partnership is undirected); ``project/{slug}``, ``funding/{slug}``, ``grant/{slug}``.
"""

from __future__ import annotations

from rdflib import URIRef

from graph.text import fold


def slug(text: str) -> str:
    """Lowercase ASCII-folded ``text``, every run of other characters one ``-``."""
    return fold(text).replace(" ", "-") or "x"


def place(base: str, *, geonames_id: int | None = None, iso2: str = "", name: str = "") -> URIRef:
    if geonames_id is not None:
        return URIRef(f"{base}place/{geonames_id}")
    return URIRef(f"{base}place/{iso2.lower()}/{slug(name)}")


def country(base: str, iso2: str) -> URIRef:
    return URIRef(f"{base}country/{iso2.lower()}")


def authority_key(iso2: str, name: str) -> str:
    """``{iso2}/{slug}``: what names an authority, and what partnerships are minted from."""
    return f"{iso2.lower()}/{slug(name)}"


def authority(base: str, iso2: str, name: str) -> URIRef:
    return URIRef(f"{base}authority/{authority_key(iso2, name)}")


def partnership(base: str, key_a: str, key_b: str) -> URIRef:
    """The partnership of two authority keys, whichever order they come in."""
    first, second = sorted((key_a, key_b))
    return URIRef(f"{base}partnership/{slug(first)}--{slug(second)}")


def project(base: str, title: str) -> URIRef:
    return URIRef(f"{base}project/{slug(title)}")


def funding(base: str, name: str) -> URIRef:
    return URIRef(f"{base}funding/{slug(name)}")


def grant(base: str, project_title: str, instrument: str) -> URIRef:
    return URIRef(f"{base}grant/{slug(project_title)}--{slug(instrument)}")


def geometry(place_iri: URIRef) -> URIRef:
    """The geometry sub-node of a place: a fragment of it."""
    return URIRef(f"{place_iri}#geometry")


def participation(project_iri: URIRef, authority_key_: str) -> URIRef:
    return URIRef(f"{project_iri}#participation-{slug(authority_key_)}")
