"""Evaluate a user's SPARQL query or update for a public endpoint: safely, bounded, serialised.

What the SPARQL 1.1 Protocol needs beyond ``Store.run``, written once for the three backends
(the HTTP layer only maps these errors to status codes):

- **Sandbox**: ``SERVICE`` and ``LOAD`` are refused (:mod:`graph.sandbox`) before anything runs.
- **Parse errors** come from Oxigraph's parser with line and column, whatever the backend. On
  the embedded store, the endpoint's path (:func:`answer`) lets the store's own parser report
  errors and takes the query form (SELECT/ASK/CONSTRUCT) from the type of its answer; for a
  remote store (whose errors carry no position) the text is first parsed by evaluating it on an
  *empty* in-memory store — which is not free, so the embedded path avoids it.
- **Dataset**: the protocol's ``default-graph-uri`` / ``named-graph-uri`` win over the query's
  ``FROM`` / ``FROM NAMED``, which win over the service default (the union of all graphs).
  pyoxigraph's union flag would override ``FROM``, so the query's own dataset clause is read
  here and passed explicitly (:mod:`graph.sparql_text` reads it). Updates' ``using-graph-uri`` /
  ``using-named-graph-uri`` are :mod:`graph.sparql_update`'s.
- **Relative IRIs** resolve against the store's base (``https://w3id.org/coopgraph/id/``), so
  ``<place/2998324>`` names the same resource as in the data.
- **Time limit**: evaluation runs in a small pool of worker threads (the event loop stays free;
  only a query seen to answer in under 10 ms runs on it, :func:`graph.sparql_workers.quick_or_bounded`)
  and the caller stops waiting at the deadline; rows and triples are read under a deadline
  check, so a long *stream* stops there. What cannot be interrupted: pyoxigraph has no
  cancellation, so a blocking step inside the engine (a sort, a group, a big join before the
  first row; an ASK) runs to its end in its worker thread after the client got its 503; a
  remote backend waits for the server, bounded by the server's own timeout (``oxigraph serve
  --timeout-s``) and the store's client timeout. Updates are never abandoned half-way: they are
  atomic and run to completion (a client told "timeout" must not find the update applied).
  Parsing runs in the same worker job (on an empty store it can be long: ``VALUES`` blocks
  alone can make it so); updates have their own worker; a queued query whose client gave up never
  starts; and once queries running past their deadline hold all workers but one, new queries
  are refused at once (:class:`Busy`, 503) instead of queueing behind them
  (:mod:`graph.sparql_workers`).
- **Cap**: at most ``max_rows`` rows or triples are serialised; :attr:`Answer.truncated` says
  whether more existed (result formats have no slot for it: the HTTP layer puts it in a header).
- **Serialisation**: :mod:`graph.sparql_formats` (content negotiation and the serialisers);
  errors are in :mod:`graph.sparql_errors`. The embedded store's SELECT answers are written by
  Oxigraph itself (:func:`graph.sparql_native.native_solutions`: no Python object per row),
  which calls the deadline check at each chunk and is stopped past the cap.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph import sandbox
from graph.memory import released_after
from graph.results import Boolean, Result, Solutions, Triples
from graph.sparql_errors import ProtocolError, QueryTimeout
from graph.sparql_formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    serialise_boolean,
    serialise_solutions,
    serialise_triples,
)
from graph.sparql_native import native_solutions
from graph.sparql_text import Dataset, parse_on_empty, query_dataset, query_form, syntax_error
from graph.sparql_update import prepare_update, with_using
from graph.sparql_workers import WORKERS as _WORKERS
from graph.sparql_workers import (
    Busy,
    Limits,
    QuickQueries,
    bounded,
    detached,
    in_update_worker,
    quick_or_bounded,
    runaway_queries,
)
from graph.store import Store

__all__ = [
    "_WORKERS",
    "Answer",
    "Busy",
    "Dataset",
    "Limits",
    "Prepared",
    "answer",
    "answer_query",
    "apply_update",
    "prepare_query",
    "prepare_query_async",
    "prepare_update",
    "run_query",
    "runaway_queries",
    "with_using",
]

_CHECK_EVERY = 256

# -- answers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A query that passed the sandbox and the parser: its text, form and dataset."""

    text: str
    form: str
    """``SELECT``, ``ASK`` or ``GRAPH`` (CONSTRUCT and DESCRIBE)."""
    dataset: Dataset | None
    """The dataset to read, or ``None`` for the service default (the union of all graphs)."""

    @property
    def formats(self) -> dict[str, str]:
        return GRAPH_FORMATS if self.form == "GRAPH" else RESULT_FORMATS


@dataclass(frozen=True)
class Answer:
    """A serialised answer: bytes, media type, and whether the cap cut it."""

    body: bytes | bytearray
    media_type: str
    format: str
    count: int
    """Rows or triples serialised (1 for ASK)."""
    truncated: bool


# -- preparing ---------------------------------------------------------------------------------


def prepare_query(
    text: str, *, base: str, limits: Limits, dataset: Dataset | None = None, parse: bool = True
) -> Prepared:
    """Check ``text`` (sandbox, syntax) and settle its form and dataset; nothing runs on the store.

    With ``parse=False`` the form is read from the text (:func:`query_form`) and the syntax is
    left to the real evaluation (an embedded store reports the same error, with its position):
    parsing by evaluating on an empty store is not free — a query with GROUP BY, OPTIONAL and
    VALUES cost as much there as on the data, which doubled the endpoint's time. Falls back to
    parsing when the text names no form.
    """
    sandbox.check(text, limits.allow)
    form = None if parse else query_form(text)
    if form is None:
        try:
            parsed = parse_on_empty(text, base)
        except SyntaxError as err:
            raise syntax_error(err) from err
        except OSError as err:  # evaluation on an empty store should not fail, but say so if it does
            raise ProtocolError(f"the query cannot be evaluated: {err}") from err
        if isinstance(parsed, ox.QuerySolutions):
            form = "SELECT"
        elif isinstance(parsed, ox.QueryBoolean):
            form = "ASK"
        else:
            form = "GRAPH"
    return Prepared(text=text, form=form, dataset=_dataset(text, base, dataset))


def _dataset(text: str, base: str, given: Dataset | None) -> Dataset | None:
    """The protocol's dataset if it names one, else the query's own FROM clauses."""
    if given is not None and given.given:
        return given
    return query_dataset(text, base)


# -- running ---------------------------------------------------------------------------------


async def prepare_query_async(text: str, *, base: str, limits: Limits, dataset: Dataset | None = None) -> Prepared:
    """:func:`prepare_query` in a query worker under the time limit: parsing evaluates the query
    on an empty store, which a query made of ``VALUES`` blocks alone can make arbitrarily long,
    so it must not run on the event loop."""
    job = functools.partial(detached, functools.partial(prepare_query, text, base=base, limits=limits, dataset=dataset))
    return await bounded(job, limits.timeout)


def run_query(
    store: Store,
    prepared: Prepared,
    fmt: str,
    *,
    max_rows: int,
    deadline: float | None = None,
    cancelled: threading.Event | None = None,
) -> Answer:
    """Evaluate ``prepared`` on ``store`` and serialise at most ``max_rows`` rows/triples as ``fmt``.

    Blocking; raises :class:`QueryTimeout` once ``deadline`` (``time.monotonic()``) passes or
    ``cancelled`` is set while rows are being read. pyoxigraph's result iterators may only be
    dropped on the thread that made them: an error leaves here without the traceback that
    would carry them to another thread.
    """
    return detached(
        functools.partial(_evaluate, store, prepared, fmt, max_rows=max_rows, deadline=deadline, cancelled=cancelled)
    )


def _evaluate(
    store: Store,
    prepared: Prepared,
    fmt: str,
    *,
    max_rows: int,
    deadline: float | None = None,
    cancelled: threading.Event | None = None,
) -> Answer:
    with released_after():
        result = _run(store, prepared.text, prepared.dataset)
        return _serialise(store, prepared, result, fmt, max_rows, deadline, cancelled)


def _serialise(
    store: Store,
    prepared: Prepared,
    result: Result,
    fmt: str,
    max_rows: int,
    deadline: float | None,
    cancelled: threading.Event | None,
) -> Answer:
    def check() -> None:
        if (deadline is not None and time.monotonic() > deadline) or (cancelled is not None and cancelled.is_set()):
            raise QueryTimeout("the query ran past the time limit")

    if isinstance(result, Boolean):
        body = serialise_boolean(result.value, fmt)
        return Answer(body, RESULT_FORMATS[fmt], fmt, 1, False)
    if isinstance(result, Solutions) and result.native is not None:
        native = native_solutions(result.native, fmt, max_rows, check)
        if native is not None:
            return Answer(native.body, RESULT_FORMATS[fmt], fmt, native.count, native.truncated)
        # the bytes could not be counted (rare, see native_solutions): run it again, read the rows
        result = _run(store, prepared.text, prepared.dataset)
    if isinstance(result, Solutions):
        rows, truncated = _capped(result.rows, max_rows, check)
        body = serialise_solutions(result.variables, rows, fmt)
        return Answer(body, RESULT_FORMATS[fmt], fmt, len(rows), truncated)
    assert isinstance(result, Triples)
    triples, truncated = _capped(result.triples, max_rows, check)
    body = serialise_triples(triples, fmt, base=store.base)
    return Answer(body, GRAPH_FORMATS[fmt], fmt, len(triples), truncated)


def _run(store: Store, text: str, dataset: Dataset | None) -> Result:
    return store.run_text(
        text,
        default_graph=dataset.default if dataset else None,
        named_graphs=dataset.named if dataset else None,
    )


def _form(result: Result) -> str:
    return "SELECT" if isinstance(result, Solutions) else "ASK" if isinstance(result, Boolean) else "GRAPH"


async def answer(
    store: Store, text: str, *, limits: Limits, dataset: Dataset | None, choose: Callable[[str], str]
) -> Answer:
    """Prepare, evaluate and serialise a query in *one* worker job under ``limits.timeout``.

    The fast path of the endpoint: :func:`prepare_query_async` then :func:`answer_query` cost
    two hops between the event loop and a worker thread per request, which on a cheap query
    weighed as much as the evaluation. ``choose`` maps the query form (``SELECT``, ``ASK``,
    ``GRAPH``) to a format name; it runs once the query is parsed and before rows are read (an
    ASK is evaluated by then), so a malformed query is still reported before an unacceptable
    ``Accept`` (its errors propagate as they are). On the embedded store a query that answered
    in under 10 ms on this version of the store runs on the calling thread while the workers are
    idle (:func:`graph.sparql_workers.quick_or_bounded`).
    """
    cancelled = threading.Event()
    deadline = time.monotonic() + limits.timeout
    job = functools.partial(
        detached, functools.partial(_answer, store, text, limits, dataset, choose, deadline, cancelled)
    )
    if store.is_remote:  # a remote store's time is the network's: never on the event loop
        return await bounded(job, limits.timeout, cancelled)
    quick = _QUICK.get(store)
    if quick is None:
        quick = _QUICK[store] = QuickQueries()
    given = (tuple(dataset.default), tuple(dataset.named)) if dataset is not None else None
    # the text by its digest: a thousand remembered queries hold 32 KB, whatever their length
    key = (store.version, hashlib.blake2b(text.encode(), digest_size=16).digest(), given)
    return await quick_or_bounded(job, limits.timeout, cancelled, key=key, quick=quick)


_QUICK: weakref.WeakKeyDictionary[Store, QuickQueries] = weakref.WeakKeyDictionary()
"""Each open store's quick queries (:func:`graph.sparql_workers.quick_or_bounded`)."""


def _answer(
    store: Store,
    text: str,
    limits: Limits,
    dataset: Dataset | None,
    choose: Callable[[str], str],
    deadline: float,
    cancelled: threading.Event,
) -> Answer:
    if store.is_remote:  # a remote server's syntax errors carry no position: parse here
        prepared = prepare_query(text, base=store.base, limits=limits, dataset=dataset)
        fmt = choose(prepared.form)
        try:
            return _evaluate(store, prepared, fmt, max_rows=limits.max_rows, deadline=deadline, cancelled=cancelled)
        except SyntaxError as err:
            raise syntax_error(err) from err
    # The embedded store parses the query as it starts evaluating (nothing is read before the
    # first row is asked for), reports errors with their position, and the answer's type tells
    # the form: no reading of the text here but the sandbox's and FROM's. A malformed query is
    # so reported before an unacceptable Accept.
    sandbox.check(text, limits.allow)
    dataset = _dataset(text, store.base, dataset)
    with released_after():
        try:
            result = _run(store, text, dataset)
        except SyntaxError as err:
            raise syntax_error(err) from err
        prepared = Prepared(text=text, form=_form(result), dataset=dataset)
        return _serialise(store, prepared, result, choose(prepared.form), limits.max_rows, deadline, cancelled)


async def answer_query(store: Store, prepared: Prepared, fmt: str, limits: Limits) -> Answer:
    """:func:`run_query` in a worker thread, given up at ``limits.timeout`` (:class:`QueryTimeout`)."""
    cancelled = threading.Event()
    deadline = time.monotonic() + limits.timeout
    job = functools.partial(
        run_query, store, prepared, fmt, max_rows=limits.max_rows, deadline=deadline, cancelled=cancelled
    )
    return await bounded(job, limits.timeout, cancelled)


async def apply_update(store: Store, text: str, using: Dataset | None = None) -> None:
    """The update ``text`` (from :func:`prepare_update`) applied in the update worker, its WHERE
    clauses reading ``using`` when given; never abandoned (see :mod:`graph.sparql_workers`)."""
    given = using is not None and using.given
    job = functools.partial(
        store.run_update,
        text,
        using_graphs=using.default if using is not None and given else None,
        using_named_graphs=using.named if using is not None and given else None,
    )
    await in_update_worker(job)


def _capped(items: Iterable[Any], cap: int, check: Callable[[], None]) -> tuple[list[Any], bool]:
    """At most ``cap`` items and whether more existed, calling ``check`` every few hundred items
    (the deadline). Read in slices: a generator layer per row cost more than the check."""
    iterator = iter(items)
    kept: list[Any] = []
    while True:
        check()
        want = min(_CHECK_EVERY, cap + 1 - len(kept))
        chunk = list(itertools.islice(iterator, want))
        kept += chunk
        if len(kept) > cap:
            return kept[:cap], True
        if len(chunk) < want:
            return kept, False
