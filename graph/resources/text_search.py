"""Search by label: accents and case ignored, best matches first, over the label index."""

from __future__ import annotations

import re
from typing import Any

from graph.resources.kinds import MAX_PAGE_SIZE, InvalidParameter, kind_named, kinds_of
from graph.resources.labels import fold, label_index
from graph.resources.values import link
from graph.store import Store


def search(store: Store, text: str, limit: int = 20, lang: str = "fr", kind: str | None = None) -> list[dict[str, Any]]:
    """Resources whose labels, alternate labels, names or titles contain ``text``, ignoring
    accents and case; best matches first (whole label, label start, word start, anywhere)."""
    query = fold(text or "")
    if not query:
        raise InvalidParameter("q", "give some letters or digits to search for")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidParameter("limit", f"expected an integer from 1 to {MAX_PAGE_SIZE}, got {limit!r}")
    if kind is not None:
        kind_named(kind)
    index = label_index(store)
    tokens = query.split()
    best: dict[str, tuple[int, int, str]] = {}
    for key, iri, label in index.keys:
        if not all(t in key for t in tokens):
            continue
        if key == query:
            score = 0
        elif key.startswith(query):
            score = 1
        elif all(re.search(r"(?:^| )" + re.escape(t), key) for t in tokens):
            score = 2
        else:
            score = 3
        candidate = (score, len(key), label)
        if iri not in best or candidate < best[iri]:
            best[iri] = candidate
    hits = []
    for iri, (score, _, matched) in sorted(best.items(), key=lambda kv: (kv[1], kv[0])):
        kinds = kinds_of(index, iri)
        if kind is not None and kind not in kinds:
            continue
        hits.append(link(store, index, iri, lang) | {"matched": matched, "kinds": kinds, "score": score})
        if len(hits) >= limit:
            break
    return hits
