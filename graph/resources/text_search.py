"""Search by label: accents and case ignored, best matches first.

SPARQL has no accent folding. The store finds the candidates with a regular expression in
which each letter of the longest word stands for every character that folds to it
(``besancon`` → ``b[bB…]e[eéèêë…]…``, bound as a literal, never pasted into the query); the
candidates are then folded here (:func:`~graph.resources.labels.fold`) and ranked exactly: whole
label, label start, word start, anywhere. No index of every label is held in memory.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache
from typing import Any

import pyoxigraph as ox

from graph.resources.kinds import MAX_PAGE_SIZE, InvalidParameter, kind_named, kinds_of
from graph.resources.labels import fold, label_index
from graph.resources.rows import solution_rows
from graph.resources.values import link
from graph.store import Store


@cache
def _folds() -> dict[str, str]:
    """Folded form → every character (of the Basic Multilingual Plane) folding to it."""
    table: dict[str, list[str]] = {}
    for code in range(min(sys.maxunicode, 0xFFFF) + 1):
        ch = chr(code)
        if unicodedata.category(ch) in ("Cs", "Cn", "Co"):
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        if folded and folded != ch:
            table.setdefault(folded, []).append(ch)
    return {k: "".join(v) for k, v in table.items()}


def _char_class(c: str) -> str:
    chars = {c, c.upper(), *_folds().get(c, "")}
    return "[" + "".join(re.escape(x) if x in "\\]^-[" else x for x in sorted(chars)) + r"]\p{M}*"


def pattern_for(token: str) -> str:
    """A regular expression matching any text whose :func:`fold` contains ``token`` (one word of
    a folded query): each character stands for those folding to it, combining marks allowed
    after each, and the characters folding to several letters (ß → ss) as alternatives."""
    multi = {k: v for k, v in _folds().items() if len(k) > 1}
    parts: list[str] = []
    i = 0
    while i < len(token):
        options = [_char_class(token[i])]
        for folded, chars in multi.items():
            if token.startswith(folded, i) and len(folded) == 2:
                options.append(_char_class(token[i]) + _char_class(token[i + 1]) + "|[" + chars + "]")
        parts.append(options[0] if len(options) == 1 else "(?:" + "|".join(options[1:]) + ")")
        i += 2 if len(options) > 1 else 1
    return "".join(parts)


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
    tokens = query.split()
    longest = max(tokens, key=len)
    best: dict[str, tuple[int, int, str]] = {}
    for s, lit in solution_rows(store, "api_search", pattern=ox.Literal(pattern_for(longest))):
        if not isinstance(s, ox.NamedNode) or not isinstance(lit, ox.Literal):
            continue
        key = fold(lit.value)
        if not key or not all(t in key for t in tokens):
            continue
        if key == query:
            score = 0
        elif key.startswith(query):
            score = 1
        elif all(re.search(r"(?:^| )" + re.escape(t), key) for t in tokens):
            score = 2
        else:
            score = 3
        candidate = (score, len(key), lit.value)
        if s.value not in best or candidate < best[s.value]:
            best[s.value] = candidate
    ranked = sorted(best.items(), key=lambda kv: (kv[1], kv[0]))
    index = label_index(store)
    hits = []
    for start in range(0, len(ranked), max(limit, 50)):
        batch = ranked[start : start + max(limit, 50)]
        index.need(iri for iri, _ in batch)
        for iri, (score, _, matched) in batch:
            kinds = kinds_of(index, iri)
            if kind is not None and kind not in kinds:
                continue
            hits.append(link(store, index, iri, lang) | {"matched": matched, "kinds": kinds, "score": score})
            if len(hits) >= limit:
                return hits
    return hits
