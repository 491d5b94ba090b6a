"""A small cache of results keyed on the store's version, so that any write invalidates it.

What the network analyses, the map and the REST lists compute is a pure function of the store's
content; the content changes only through a write, and every write bumps
:attr:`graph.store.Store.version`. A result cached under ``(store, version, key)`` is therefore
valid exactly until the next write. Entries of older versions are dropped as soon as a newer
version is seen, and the cache is bounded (least recently used out first).

Writes made by another process to a shared store (another server on the same endpoint) do not
move this object's version; ``clear()`` covers that case.
"""

from __future__ import annotations

import itertools
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from graph.memory import RELEASE_AFTER_S, release
from graph.store import Store

__all__ = ["ResultCache"]

T = TypeVar("T")


class ResultCache:
    """Least-recently-used results per ``(store, store.version, key)``."""

    def __init__(self, maxsize: int = 64, min_seconds: float = 0.0) -> None:
        self.maxsize = maxsize
        self.min_seconds = min_seconds
        """Results computed faster than this are not kept: recomputing them is cheaper than
        evicting the large ones."""
        self._entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._versions: dict[int, int] = {}
        self._tokens: weakref.WeakKeyDictionary[Store, int] = weakref.WeakKeyDictionary()
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, store: Store, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value of ``key`` for the store's current version, computed on a miss.

        Two threads missing at once may both compute; the value is the same either way, and
        holding the lock while computing would serialise every analysis.
        """
        version = store.version
        with self._lock:
            # a token per store object, never reused (an id() may be, once a store is gone)
            ident = self._tokens.get(store)
            if ident is None:
                ident = self._tokens[store] = next(self._counter)
            full = (ident, version, key)
            if self._versions.get(ident, version) != version:
                self._drop(ident)
            self._versions[ident] = version
            if full in self._entries:
                self._entries.move_to_end(full)
                self.hits += 1
                return self._entries[full]  # type: ignore[no-any-return]
            self.misses += 1
        started = time.perf_counter()
        value = compute()
        took = time.perf_counter() - started
        if took >= RELEASE_AFTER_S:
            release(collect=True)  # a long build read many rows, or made graphs, it no longer holds
        if took < self.min_seconds:
            return value
        with self._lock:
            if store.version == version:
                self._entries[full] = value
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
        return value

    def _drop(self, ident: int) -> None:
        for stale in [k for k in self._entries if k[0] == ident]:
            del self._entries[stale]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._versions.clear()

    def __len__(self) -> int:
        return len(self._entries)
