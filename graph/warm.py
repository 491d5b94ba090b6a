"""Warm the per-version caches of a store in the background, so the first researcher does not pay.

The map index, the orders of the big lists and the search's text index are each built once per
store version, on first use. At Atlas scale that first use costs seconds (1×) to a minute or more
(10×: the map index alone is ~75 s of CPU); a server that starts in under 3 s then answers its
first map or list call after all that time. :func:`warm_in_background` starts the same builds on
a daemon thread right after start-up: a request arriving meanwhile waits on the build already
under way (each cache holds a lock) instead of starting its own, and a write simply makes the
next use rebuild, as before. Nothing is computed that a request would not compute itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import partial

from graph.store import Store

log = logging.getLogger("coopgraph.warm")

LIST_KINDS = ("authorities", "partnerships", "projects", "places", "countries")
"""The lists whose first page needs the order of every item (see graph.resources.listing)."""


def steps(store: Store) -> list[tuple[str, Callable[[], object]]]:
    """The cache builds, cheapest first, each a named call a request would make itself."""
    from graph.render_index import map_index
    from graph.resources.listing import list_resources
    from graph.resources.text_index import text_index

    built: list[tuple[str, Callable[[], object]]] = [
        (f"list {kind}", partial(list_resources, store, kind)) for kind in LIST_KINDS
    ]
    built.append(("map index", partial(map_index, store)))
    built.append(("search index", partial(text_index, store)))
    return built


def warm(store: Store, report: Callable[[str], None] | None = None) -> dict[str, float]:
    """Run every step once; seconds per step, each also told to ``report`` (``coopgraph serve``
    prints them). A step that fails is logged and skipped: warming is an optimisation, and the
    request that needs that cache will meet (and report) the error."""
    took: dict[str, float] = {}
    for name, step in steps(store):
        started = time.perf_counter()
        try:
            step()
        except Exception:  # logged; the request path reports it properly
            log.exception("warming %s failed", name)
            continue
        took[name] = time.perf_counter() - started
        log.info("warmed %s in %.1f s", name, took[name])
        if report is not None:
            report(f"warmed {name} in {took[name]:.1f} s")
    return took


def warm_in_background(store: Store, report: Callable[[str], None] | None = None) -> threading.Thread:
    """Start :func:`warm` on a daemon thread (it never holds the process open at exit)."""
    thread = threading.Thread(target=warm, args=(store, report), name="coopgraph-warm", daemon=True)
    thread.start()
    return thread
