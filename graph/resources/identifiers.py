"""Resource ids and IRIs: from the text a client sends to a checked IRI, and back to an id.

An id is an IRI's path under the store's base (``authority/fr/besancon``) or, for concepts,
under ``…/def/`` (``theme/ville-intelligente``). Every IRI built from client text goes
through pyoxigraph's parser, which refuses what could break out of a query or a page.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry
import pyoxigraph as ox
from rdflib import URIRef

from graph.namespaces import COOP_DEF, PREFIXES
from graph.resources.kinds import InvalidParameter, Kind
from graph.store import Store


def id_of(store: Store, iri: str) -> str | None:
    """The path of ``iri`` after the store's base (or after ``…/def/`` for concepts)."""
    if iri.startswith(store.base):
        return iri[len(store.base) :]
    if iri.startswith(COOP_DEF):
        return iri[len(COOP_DEF) :]
    return None


def iri_for(store: Store, kind: Kind, ident: str) -> str:
    """The IRI of resource ``ident`` of ``kind``: an id (with or without its kind segment) or a full IRI."""
    if re.match(r"https?://", ident):
        return check_iri("id", ident)
    if not re.fullmatch(r"[A-Za-z0-9._~\-/#%]+", ident) or ident.startswith("/") or ".." in ident:
        raise InvalidParameter("id", f"not a resource id: {ident!r} (expected e.g. {kind.segment}/…)")
    if not ident.startswith(kind.segment + "/"):
        ident = f"{kind.segment}/{ident}"
    root = COOP_DEF if kind.concept else store.base
    return check_iri("id", root + ident)


def check_iri(parameter: str, text: str) -> str:
    """``text`` checked as an absolute IRI (no spaces, ``<``, ``>``, quotes or newlines)."""
    if not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", text):
        raise InvalidParameter(parameter, f"not an absolute IRI: {text!r}")
    try:
        return ox.NamedNode(text).value
    except ValueError as err:
        raise InvalidParameter(parameter, f"not a valid IRI: {text!r} ({err})") from err


def country_iri(store: Store, parameter: str, code: str) -> URIRef:
    """The IRI of the country with ISO 3166-1 alpha-2 ``code`` (any case), which must exist."""
    if pycountry.countries.get(alpha_2=code.upper()) is None:
        raise InvalidParameter(parameter, f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return URIRef(f"{store.base}country/{code.lower()}")


@lru_cache(maxsize=4096)
def curie(iri: str) -> str:
    """``iri`` as prefix:local when a known prefix covers it (cached: pages repeat a few properties)."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_\-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
