"""Which labels contain a word, accents and case ignored: the candidates of a search.

SPARQL has no accent folding and Oxigraph no text index: a regular expression run over every
label of the store took 11 s at Atlas 10× (1.2 s at 1×), whatever was asked. This index holds
each distinct label once, folded (:func:`graph.resources.labels.fold`: letters of every script
kept, accents and case dropped), as UTF-8 in one byte string (a substring of valid UTF-8 is
found only at character boundaries), so a word is
found with one substring scan in C (milliseconds), and the label as it is stored, so the store
can then be asked who bears it. It is built once per store version, on the first search (or
when ``serve`` warms its caches), from one streamed query (``api_search_labels``), each distinct
label once: a label stated in several graphs or of several resources is kept once.

Compact on purpose: it lives as long as the store's version in a server that must stay within
its memory, so it keeps no Python object per label — the folded and stored texts are two byte
strings with an array of offsets each, and a label's language or datatype one small number
(about 40 bytes a label in all, against several hundred as ``str`` objects in a list).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from graph.cache import ResultCache
from graph.resources.labels import fold
from graph.resources.rows import solution_rows
from graph.store import Store

__all__ = ["TextIndex", "build_text_index", "text_index"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class TextIndex:
    """Every distinct label of the searched properties, folded and as stored.

    Label ``i`` is ``folded[folded_at[i]:folded_at[i + 1] - 1]`` folded (a ``\\n`` ends each),
    ``stored[stored_at[i]:stored_at[i + 1]]`` as stored (UTF-8), with ``kinds[kind[i]]`` its
    language tag and datatype (``(tag, "")`` for a tagged label)."""

    folded: bytes | bytearray
    folded_at: array[int]
    stored: bytes | bytearray
    stored_at: array[int]
    kind: array[int]
    kinds: tuple[tuple[str, str], ...]

    def __len__(self) -> int:
        return len(self.kind)

    def containing(self, words: Iterable[str]) -> Iterator[int]:
        """The labels whose folded text contains every one of ``words`` (folded words, as
        :func:`graph.resources.labels.fold` splits them), each once, in index order. The longest word is
        scanned for; the others are checked on the labels it finds."""
        wanted = [w.encode("utf-8") for w in words if w]
        if not wanted:
            return
        longest = max(wanted, key=len)
        others = [w for w in wanted if w is not longest]
        last = -1
        for match in re.finditer(re.escape(longest), self.folded):
            i = bisect_right(self.folded_at, match.start()) - 1
            if i == last:
                continue
            last = i
            text = self.folded[self.folded_at[i] : self.folded_at[i + 1] - 1]
            if all(w in text for w in others):
                yield i

    def folded_text(self, i: int) -> str:
        """Label ``i`` folded (:func:`graph.resources.labels.fold`)."""
        return self.folded[self.folded_at[i] : self.folded_at[i + 1] - 1].decode("utf-8")

    def text(self, i: int) -> str:
        """Label ``i`` as written."""
        return self.stored[self.stored_at[i] : self.stored_at[i + 1]].decode("utf-8")

    def literal(self, i: int) -> ox.Literal:
        """Label ``i`` as the term the store holds."""
        value = self.text(i)
        language, datatype = self.kinds[self.kind[i]]
        if language:
            return ox.Literal(value, language=language)
        if datatype in ("", XSD_STRING):
            return ox.Literal(value)
        return ox.Literal(value, datatype=ox.NamedNode(datatype))


def build_text_index(labels: Iterable[ox.Literal | None]) -> TextIndex:
    """The index of ``labels``, each distinct label once, written straight into two growing byte
    buffers and kept as they are (a copy to ``bytes`` held both texts twice at the end of the
    build) — no Python object per label outlives its turn of the loop.

    Labels arrive as often as they are stated (in several graphs, by several resources): the
    query's ``DISTINCT`` made Oxigraph hold every distinct label in a hash set while the index
    was written (60–70 MB at Atlas 10×, and 23 MB it did not give back). They are made distinct
    here instead: a label equal to the one before it is skipped at once (the scan returns a
    label stated in several graphs in a row), and every other one is looked up in
    :class:`_Seen`, a hash table of label positions in machine arrays (a million slots and a hash
    per label at 10×: 12 MB, for the time of the build)."""
    folded = bytearray()
    stored = bytearray()
    folded_at = array("I", [0])
    stored_at = array("I", [0])
    kind = array("H")
    kinds: dict[tuple[str, str], int] = {}
    seen = _Seen(stored, stored_at, kind)
    previous = None
    for label in labels:
        if not isinstance(label, ox.Literal) or label == previous:
            continue
        previous = label
        language = label.language
        key = (language, "") if language else ("", label.datatype.value)
        value = label.value
        text = value.encode("utf-8")
        k = kinds.setdefault(key, len(kinds))
        if not seen.add(text, k):
            continue
        folded += fold(value).encode("utf-8")
        folded += b"\n"
        stored += text
        folded_at.append(len(folded))
        stored_at.append(len(stored))
        kind.append(k)
    return TextIndex(folded, folded_at, stored, stored_at, kind, tuple(kinds))


class _Seen:
    """The labels already in the index being built: open addressing over a machine array of
    label numbers, a label compared by its stored bytes and kind (no Python object per label)."""

    def __init__(self, stored: bytearray, stored_at: array[int], kind: array[int]) -> None:
        self.stored, self.stored_at, self.kind = stored, stored_at, kind
        self.hashes = array("q")
        self.slots = array("q", [-1]) * 1024

    def add(self, text: bytes, k: int) -> bool:
        """Whether ``text`` of kind ``k`` is new (it is then the next label of the index)."""
        h = hash(text) ^ k
        mask = len(self.slots) - 1
        at = h & mask
        while (j := self.slots[at]) != -1:
            if self.hashes[j] == h and self.kind[j] == k and self._text(j) == text:
                return False
            at = (at + 1) & mask
        self.slots[at] = len(self.hashes)
        self.hashes.append(h)
        if 3 * len(self.hashes) > 2 * len(self.slots):
            self._grow()
        return True

    def _text(self, j: int) -> bytes:
        return bytes(self.stored[self.stored_at[j] : self.stored_at[j + 1]])

    def _grow(self) -> None:
        self.slots = array("q", [-1]) * (2 * len(self.slots))
        mask = len(self.slots) - 1
        for j, h in enumerate(self.hashes):
            at = h & mask
            while self.slots[at] != -1:
                at = (at + 1) & mask
            self.slots[at] = j


_INDEXES = ResultCache(maxsize=2)


def text_index(store: Store) -> TextIndex:
    """The index of ``store`` at its current version (built on first use, dropped at a write)."""
    return _INDEXES.get(
        store, ("text",), lambda: build_text_index(row[0] for row in solution_rows(store, "api_search_labels"))
    )
