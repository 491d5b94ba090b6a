"""Display labels and types of the resources a page shows, fetched for those IRIs only.

A page names a few hundred resources at most (a list page, the links of a detail). Their labels
and types come from one query per page (:func:`LabelIndex.need`, a ``VALUES`` block of the page's
IRIs), not from an index of the whole store: at ten times the Atlas such an index took minutes
to build and more than a GiB to hold. What is fetched is kept in a small per-store LRU, emptied
when the store's version moves, so the busiest resources (countries, themes, statuses) cost
nothing on the next page. Search folds accents in Python (:func:`fold`) over the candidates a
bound regular expression finds (see :mod:`graph.resources.text_search`).
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from collections import OrderedDict
from collections.abc import Iterable

import pyoxigraph as ox

from graph.resources.rows import select_rows_for, solution_rows
from graph.store import Store

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
DC_TITLE = "http://purl.org/dc/terms/title"
_LABEL_RANK = {SKOS_PREF: 0, RDFS_LABEL: 1, FOAF_NAME: 2, DC_TITLE: 3, SKOS_ALT: 9}

LRU_SIZE = 20_000
"""Resources whose labels and types are kept between requests, per store."""

Labels = list[tuple[str, str, str]]
"""[(text, language, property)] of one resource."""
_Entry = tuple[Labels, frozenset[str]]


class _Cache:
    """What was fetched for one store at one version: an LRU of IRI → (labels, types), and the
    concept schemes (a few hundred concepts from the ontology)."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self.concepts: dict[str, str] | None = None
        self.lock = threading.Lock()


_CACHES: weakref.WeakKeyDictionary[Store, _Cache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache(store: Store) -> _Cache:
    with _CACHES_LOCK:
        cache = _CACHES.get(store)
        if cache is None or cache.version != store.version:
            cache = _CACHES[store] = _Cache(store.version)
        return cache


class LabelIndex:
    """The labels and types of the resources one request shows: :meth:`need` fetches them for
    many IRIs in one query; :meth:`labels_of` and :meth:`types_of` fetch a missing one alone."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache = _cache(store)
        self._seen: dict[str, _Entry] = {}

    def need(self, iris: Iterable[str]) -> None:
        """Fetch the labels and types of every IRI of ``iris`` not known yet (one query per 400)."""
        cache = self._cache
        missing: list[str] = []
        with cache.lock:
            for iri in set(iris):
                if iri in self._seen:
                    continue
                entry = cache.entries.get(iri)
                if entry is None:
                    missing.append(iri)
                else:
                    cache.entries.move_to_end(iri)
                    self._seen[iri] = entry
        if not missing:
            return
        labels: dict[str, Labels] = {i: [] for i in missing}
        types: dict[str, set[str]] = {i: set() for i in missing}
        for row in select_rows_for(self.store, "api_labels_of", "s", missing):
            s, p, value = row["s"].value, row["p"].value, row["l"]
            if p == RDF_TYPE:
                types[s].add(value.value)
            elif isinstance(value, ox.Literal):
                labels[s].append((value.value, value.language or "", p))
        with cache.lock:
            for iri in missing:
                entry = (labels[iri], frozenset(types[iri]))
                self._seen[iri] = entry
                cache.entries[iri] = entry
            while len(cache.entries) > LRU_SIZE:
                cache.entries.popitem(last=False)

    def _entry(self, iri: str) -> _Entry:
        if iri not in self._seen:
            self.need((iri,))
        return self._seen[iri]

    def labels_of(self, iri: str) -> Labels:
        """Every label of ``iri``: [(text, language, property)]."""
        return self._entry(iri)[0]

    def types_of(self, iri: str) -> frozenset[str]:
        """The asserted types of ``iri``."""
        return self._entry(iri)[1]

    @property
    def concepts(self) -> dict[str, str]:
        """Concept IRI → scheme IRI, for every SKOS concept (cached per store version)."""
        cache = self._cache
        if cache.concepts is None:
            found: dict[str, str] = {}
            for c, scheme in solution_rows(self.store, "api_concepts"):
                if isinstance(c, ox.NamedNode) and isinstance(scheme, ox.NamedNode):
                    found[c.value] = scheme.value
            cache.concepts = found
        return cache.concepts


def fold(text: str) -> str:
    """``text`` without accents, case or punctuation: the search key ("Besançon" → "besancon")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.casefold()).split())


def label_index(store: Store) -> LabelIndex:
    """A fresh label lookup for one request over ``store`` (sharing the store's small LRU)."""
    return LabelIndex(store)


def label_rank(text: str, language: str, prop: str, lang: str = "fr") -> tuple[int, int, str]:
    """How good a display label ``text`` is (smaller is better): preferred over alternate
    (by ``prop``), ``lang`` over untagged over English or French over others, then by text. A
    total order, so the best label can be kept while rows stream by (:func:`best_label`)."""
    lang_rank = 0 if language == lang else 1 if language == "" else 2 if language in ("en", "fr") else 3
    return (_LABEL_RANK.get(prop, 5), lang_rank, text)


def best_label(candidates: Labels, lang: str = "fr") -> str | None:
    """The display label among ``candidates``: preferred over alternate, ``lang`` over others."""
    if not candidates:
        return None
    return min(candidates, key=lambda item: label_rank(item[0], item[1], item[2], lang))[0]


def label_of(index: LabelIndex, iri: str, lang: str = "fr") -> str | None:
    """The best display label of ``iri``: preferred over alternate, ``lang`` over others."""
    return best_label(index.labels_of(iri), lang)
