"""The label index: every label of every resource, folded for search, cached per store version.

SPARQL has no accent folding, and a small in-memory index folds accents once ("besancon"
finds Besançon) instead of a ``REPLACE`` chain evaluated on every row of every search. The
same index gives every resource its display label in the language asked for.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.resources.rows import solution_rows
from graph.store import Store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
DC_TITLE = "http://purl.org/dc/terms/title"
_LABEL_RANK = {SKOS_PREF: 0, RDFS_LABEL: 1, FOAF_NAME: 2, DC_TITLE: 3, SKOS_ALT: 9}


@dataclass
class LabelIndex:
    """Every label of every resource, their accent-folded keys, and every resource's types."""

    labels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    """IRI → [(text, language, property)]."""
    types: dict[str, set[str]] = field(default_factory=dict)
    keys: list[tuple[str, str, str]] = field(default_factory=list)
    """(folded key, IRI, text) for search."""
    concepts: dict[str, str] = field(default_factory=dict)
    """Concept IRI → scheme IRI."""


_CACHE: weakref.WeakKeyDictionary[Store, tuple[int, LabelIndex]] = weakref.WeakKeyDictionary()


def fold(text: str) -> str:
    """``text`` without accents, case or punctuation: the search key ("Besançon" → "besancon")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.casefold()).split())


def label_index(store: Store) -> LabelIndex:
    """The label index of ``store``, rebuilt when the store's version moved."""
    cached = _CACHE.get(store)
    if cached is not None and cached[0] == store.version:
        return cached[1]
    version = store.version
    index = LabelIndex()
    for s, p, lit in solution_rows(store, "api_labels"):
        if not isinstance(s, ox.NamedNode) or not isinstance(lit, ox.Literal):
            continue
        index.labels.setdefault(s.value, []).append((lit.value, lit.language or "", p.value))  # type: ignore[union-attr]
        key = fold(lit.value)
        if key:
            index.keys.append((key, s.value, lit.value))
    for s, t in solution_rows(store, "api_types"):
        if isinstance(s, ox.NamedNode) and isinstance(t, ox.NamedNode):
            index.types.setdefault(s.value, set()).add(t.value)
    for c, scheme in solution_rows(store, "api_concepts"):
        if isinstance(c, ox.NamedNode) and isinstance(scheme, ox.NamedNode):
            index.concepts[c.value] = scheme.value
    _CACHE[store] = (version, index)
    return index


def label_of(index: LabelIndex, iri: str, lang: str = "fr") -> str | None:
    """The best display label of ``iri``: preferred over alternate, ``lang`` over others."""
    candidates = index.labels.get(iri)
    if not candidates:
        return None

    def rank(item: tuple[str, str, str]) -> tuple[int, int, str]:
        text, language, prop = item
        lang_rank = 0 if language == lang else 1 if language == "" else 2 if language in ("en", "fr") else 3
        return (_LABEL_RANK.get(prop, 5), lang_rank, text)

    return min(candidates, key=rank)[0]
