"""Search by label: accents and case ignored, best matches first.

SPARQL has no accent folding. The labels containing every word of the folded text come from the
text index (:mod:`graph.resources.text_index`: one substring scan over every distinct label,
folded, kept per store version) and are ranked there (whole label, label start, word start,
anywhere); the store is then asked which resources bear the best of them (the labels bound as
literals, never pasted into the query), a batch at a time, until a page of hits is found.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph.resources.kinds import MAX_PAGE_SIZE, InvalidParameter, kind_named, kinds_of
from graph.resources.labels import fold, label_index
from graph.resources.rows import select_rows_for
from graph.resources.text_index import text_index
from graph.resources.values import link
from graph.store import Store

BATCH = 200
"""Labels whose bearers one ``api_search_bearers`` query asks for, best first."""


def search(store: Store, text: str, limit: int = 20, lang: str = "fr", kind: str | None = None) -> list[dict[str, Any]]:
    """Resources whose labels, alternate labels, names or titles contain ``text``, ignoring
    accents and case; best matches first (whole label, label start, word start, anywhere; then
    the shorter label, the label, the IRI).

    A resource ranks by its best label, so the labels are ranked first, from the index alone,
    and the store is asked who bears them a batch at a time, best first, until ``limit``
    resources (of ``kind``) are found: a word found in half the store costs one ranking of its
    labels, not a look-up of every resource bearing them."""
    query = fold(text or "")
    if not query:
        raise InvalidParameter("q", "give some letters or digits to search for")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidParameter("limit", f"expected an integer from 1 to {MAX_PAGE_SIZE}, got {limit!r}")
    if kind is not None:
        kind_named(kind)
    tokens = query.split()
    index = text_index(store)
    ranked = sorted((*_score(index.folded_text(i), query, tokens), index.text(i), i) for i in index.containing(tokens))
    names = label_index(store)
    hits: list[dict[str, Any]] = []
    seen: set[str] = set()
    start = 0
    while start < len(ranked):
        end = min(start + BATCH, len(ranked))
        while end < len(ranked) and ranked[end][:3] == ranked[end - 1][:3]:
            end += 1  # labels that rank alike go together: their bearers are ordered by IRI
        batch = {index.literal(row[3]): row[:3] for row in ranked[start:end]}
        start = end
        found: list[tuple[tuple[int, int, str], str]] = []
        for row in select_rows_for(store, "api_search_bearers", "label", batch):
            s, label = row.get("s"), row.get("label")
            if isinstance(s, ox.NamedNode) and label in batch:
                found.append((batch[label], s.value))
        found.sort()
        fresh = []
        for rank, iri in found:  # a resource once, at its best label
            if iri not in seen:
                seen.add(iri)
                fresh.append((rank, iri))
        names.need(iri for _, iri in fresh)
        for (score, _, matched), iri in fresh:
            kinds = kinds_of(names, iri)
            if kind is not None and kind not in kinds:
                continue
            hits.append(link(store, names, iri, lang) | {"matched": matched, "kinds": kinds, "score": score})
            if len(hits) >= limit:
                return hits
    return hits


def _score(key: str, query: str, tokens: list[str]) -> tuple[int, int]:
    """How well a folded label ``key`` (which contains every token) matches: 0 the whole label,
    1 its start, 2 the start of a word for every token, 3 anywhere; then the shorter label."""
    if key == query:
        score = 0
    elif key.startswith(query):
        score = 1
    elif all(key.startswith(t) or " " + t in key for t in tokens):
        score = 2
    else:
        score = 3
    return (score, len(key))
