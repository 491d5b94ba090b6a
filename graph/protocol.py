"""Evaluate a user's SPARQL query or update for a public endpoint: safely, bounded, serialised.

What the SPARQL 1.1 Protocol needs beyond ``Store.run``, written once for the three backends
(the HTTP layer only maps these errors to status codes):

- **Sandbox**: ``SERVICE`` and ``LOAD`` are refused (:mod:`graph.sandbox`) before anything runs.
- **Parse errors** come from Oxigraph's parser with line and column, whatever the backend. The
  endpoint's path (:func:`answer`) reads the query form (SELECT/ASK/CONSTRUCT) from the text
  and lets the embedded store's own parser report errors as it evaluates; for a remote store
  (whose errors carry no position) the text is first parsed by evaluating it on an *empty*
  in-memory store — which is not free, so the embedded path avoids it.
- **Dataset**: the protocol's ``default-graph-uri`` / ``named-graph-uri`` win over the query's
  ``FROM`` / ``FROM NAMED``, which win over the service default (the union of all graphs).
  pyoxigraph's union flag would override ``FROM``, so the query's own dataset clause is read
  here and passed explicitly. Updates get ``using-graph-uri`` / ``using-named-graph-uri`` as
  ``USING`` clauses written before each top-level ``WHERE`` (pyoxigraph's update has no dataset
  option).
- **Relative IRIs** resolve against the store's base (``https://w3id.org/coopgraph/id/``), so
  ``<place/2998324>`` names the same resource as in the data.
- **Time limit**: evaluation runs in a small pool of worker threads (the event loop stays free)
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
  are refused at once (:class:`Busy`, 503) instead of queueing behind them.
- **Cap**: at most ``max_rows`` rows or triples are serialised; :attr:`Answer.truncated` says
  whether more existed (result formats have no slot for it: the HTTP layer puts it in a header).
- **Serialisation**: :mod:`graph.sparql_formats` (content negotiation and the serialisers);
  errors are in :mod:`graph.sparql_errors`.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pyoxigraph as ox

from graph import sandbox
from graph.results import Boolean, Solutions, Triples
from graph.sparql_errors import (
    DatasetConflict,
    NotAcceptable,
    ProtocolError,
    QuerySyntaxError,
    QueryTimeout,
    Unsupported,
)
from graph.sparql_formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    serialise_boolean,
    serialise_solutions,
    serialise_triples,
)
from graph.store import Store

T = TypeVar("T")

# -- settings and answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What the endpoint allows one request."""

    timeout: float = 10.0
    max_rows: int = 100_000
    allow: tuple[str, ...] = ()
    """SERVICE / LOAD targets allowed (empty: none)."""


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset named by the protocol (``default-graph-uri`` …) or a query's FROM clauses."""

    default: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)

    @property
    def given(self) -> bool:
        return bool(self.default or self.named)


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

    body: bytes
    media_type: str
    format: str
    count: int
    """Rows or triples serialised (1 for ASK)."""
    truncated: bool


# -- preparing ---------------------------------------------------------------------------------

_BLANK = re.compile(
    r'"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|#[^\n]*"
)
_IRI_REF = re.compile(r"<[^<>\"{}|^`\\\s]*>")
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^<>\s]*)>", re.IGNORECASE)
_BASE_DECL = re.compile(r"\bBASE\s*<([^<>\s]*)>", re.IGNORECASE)
_FROM = re.compile(
    r"\bFROM\s+(NAMED\s+)?(?:<([^<>\s]*)>|([A-Za-z][\w.\-]*)?:([^\s{}()]*))",
    re.IGNORECASE,
)
_POSITION = re.compile(r"at (\d+):(\d+)")
_EMPTY = ox.Store()
"""An empty store, never written: the parser (and form detector) of every query."""


def _blanked(text: str, *, keep_iris: bool = True) -> str:
    """``text`` with strings and comments (and IRIs unless ``keep_iris``) blanked, offsets kept."""
    out = _BLANK.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    if not keep_iris:
        out = _IRI_REF.sub(lambda m: " " * len(m.group(0)), out)
    return out


def syntax_error(err: SyntaxError, what: str = "query") -> QuerySyntaxError:
    """A pyoxigraph ``SyntaxError`` ("error at 3:14: expected …") with its position read out."""
    message = str(err)
    match = _POSITION.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    where = f" (line {line}, column {column})" if line else ""
    return QuerySyntaxError(f"the {what} does not parse{where}: {message}", line, column)


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
            parsed = _EMPTY.query(text, base_iri=base)
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
    if dataset is None or not dataset.given:
        dataset = query_dataset(text, base)
    return Prepared(text=text, form=form, dataset=dataset)


_FORM = re.compile(r"(?<![\w:?$\-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:\-])", re.IGNORECASE)


def query_form(text: str) -> str | None:
    """``SELECT``, ``ASK`` or ``GRAPH`` read from the text: its first form keyword once strings,
    comments and IRIs are blanked (the prologue holds only BASE and PREFIX; a subquery's SELECT
    comes after the outer form). ``None`` when no keyword is found."""
    match = _FORM.search(_blanked(text, keep_iris=False))
    if match is None:
        return None
    word = match.group(1).upper()
    return word if word in ("SELECT", "ASK") else "GRAPH"


def query_dataset(text: str, base: str) -> Dataset | None:
    """The dataset a query's own ``FROM`` / ``FROM NAMED`` clauses name, or ``None`` if none."""
    blank = _blanked(text)
    clauses = list(_FROM.finditer(blank))
    if not clauses:
        return None
    prefixes = {(m.group(1) or ""): m.group(2) for m in _PREFIX_DECL.finditer(blank)}
    bases = [m.group(1) for m in _BASE_DECL.finditer(blank)]
    query_base = _resolve(bases[-1], base) if bases else base
    default: list[str] = []
    named: list[str] = []
    for match in clauses:
        if match.group(2) is not None:
            iri = _resolve(match.group(2), query_base)
        else:
            prefix = match.group(3) or ""
            if prefix not in prefixes:
                raise QuerySyntaxError(f"FROM uses the undeclared prefix {prefix}:", None, None)
            iri = _resolve(prefixes[prefix], query_base) + match.group(4)
        (named if match.group(1) else default).append(iri)
    return Dataset(default=default, named=named)


def _resolve(iri: str, base: str) -> str:
    """``iri`` resolved against ``base`` (RFC 3986, through Oxigraph's own resolver)."""
    try:
        parsed = _EMPTY.query(f"SELECT (<{iri}> AS ?x) {{}}", base_iri=base)
        row = next(iter(parsed))  # type: ignore[arg-type, call-overload]
        return str(row[0].value)
    except (SyntaxError, StopIteration) as err:
        raise QuerySyntaxError(f"invalid IRI <{iri}>: {err}", None, None) from err


def prepare_update(text: str, *, base: str, limits: Limits, using: Dataset | None = None, remote: bool = False) -> str:
    """Check an update (sandbox, syntax) and apply ``using-graph-uri`` parameters; returns the text to run.

    The syntax check runs the update against a fresh empty in-memory store.
    """
    sandbox.check(text, limits.allow)
    if using is not None and using.given:
        if remote:
            raise Unsupported(
                "using-graph-uri / using-named-graph-uri are not supported on a remote store: a server reading the "
                "union as default graph (oxigraph serve --union-default-graph) refuses USING in updates; "
                "write GRAPH <…> { … } in the WHERE clause instead"
            )
        text = with_using(text, using)
    try:
        ox.Store().update(text, base_iri=base)
    except SyntaxError as err:
        raise syntax_error(err, "update") from err
    except OSError:
        pass  # not a syntax problem; the real store will say what it is
    return text


def with_using(text: str, using: Dataset) -> str:
    """``USING`` / ``USING NAMED`` clauses written before each top-level ``WHERE`` of ``text``.

    Refused (:class:`DatasetConflict`) when the update already names a dataset with ``USING`` or
    ``WITH`` (SPARQL 1.1 Protocol §2.2.3). ``DELETE WHERE`` and data operations have no
    ``USING`` slot and are left as they are.
    """
    blank = _blanked(text, keep_iris=False)
    if re.search(r"(?<![\w:?$])(USING|WITH)(?![\w:])", blank, re.IGNORECASE):
        raise DatasetConflict(
            "using-graph-uri / using-named-graph-uri cannot be combined with an update that has USING or WITH"
        )
    clause = " ".join(
        [f"USING {ox.NamedNode(g)}" for g in using.default] + [f"USING NAMED {ox.NamedNode(g)}" for g in using.named]
    )
    inserts: list[int] = []
    depth = 0
    previous = ""
    for token in re.finditer(r"[{}]|[A-Za-z_]+", blank):
        word = token.group(0)
        if word == "{":
            depth += 1
        elif word == "}":
            depth -= 1
        elif depth == 0 and word.upper() == "WHERE" and previous.upper() != "DELETE":
            inserts.append(token.start())
        previous = word
    for position in reversed(inserts):
        text = text[:position] + clause + " " + text[position:]
    return text


# -- running ---------------------------------------------------------------------------------

_WORKERS = 4
_POOL = ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="sparql")
_UPDATES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sparql-update")
"""Updates have their own worker: a runaway query never delays a write (writes are serialised
by the store anyway)."""
_CHECK_EVERY = 256
_LOCK = threading.Lock()
_RUNAWAY = [0]
"""Queries still running in a worker after their client got its 503 (pyoxigraph cannot stop
them). Once they hold all but one worker, new queries are refused at once (:class:`Busy`)
instead of queueing behind them; a queued query whose client gave up is never started."""


class Busy(QueryTimeout):
    """The query workers are held by queries running past their deadline: retry later."""


def runaway_queries() -> int:
    """How many queries are still running past their deadline (for tests and health checks)."""
    with _LOCK:
        return _RUNAWAY[0]


async def _bounded(job: functools.partial[T], timeout: float, cancelled: threading.Event | None = None) -> T:
    """``job`` in a query worker, given up at ``timeout``; refused (:class:`Busy`) while runaway
    queries hold all workers but one."""
    cancelled = cancelled or threading.Event()
    state = {"running": False, "done": False, "runaway": False}
    with _LOCK:
        if _RUNAWAY[0] >= _WORKERS - 1:
            raise Busy(f"{_RUNAWAY[0]} long queries are still running; retry in a few seconds")

    def run() -> T:
        with _LOCK:
            if cancelled.is_set():  # the client gave up while this waited in the queue
                state["done"] = True
                raise QueryTimeout("the query waited past the time limit")
            state["running"] = True
        try:
            return job()
        finally:
            with _LOCK:
                state["done"] = True
                if state["runaway"]:
                    _RUNAWAY[0] -= 1

    future = asyncio.get_running_loop().run_in_executor(_POOL, run)
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout=timeout)
    except TimeoutError as err:
        with _LOCK:
            cancelled.set()
            if state["running"] and not state["done"]:
                state["runaway"] = True
                _RUNAWAY[0] += 1
        raise QueryTimeout(f"the query ran past the time limit of {timeout:g} s") from err


async def prepare_query_async(text: str, *, base: str, limits: Limits, dataset: Dataset | None = None) -> Prepared:
    """:func:`prepare_query` in a query worker under the time limit: parsing evaluates the query
    on an empty store, which a query made of ``VALUES`` blocks alone can make arbitrarily long,
    so it must not run on the event loop."""
    job = functools.partial(_prepare_detached, text, base=base, limits=limits, dataset=dataset)
    return await _bounded(job, limits.timeout)


def _prepare_detached(text: str, *, base: str, limits: Limits, dataset: Dataset | None) -> Prepared:
    try:
        return prepare_query(text, base=base, limits=limits, dataset=dataset)
    except Exception as err:  # no traceback across threads (see run_query)
        failure = err
        err.__traceback__ = None
    raise failure


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
    try:
        return _evaluate(store, prepared, fmt, max_rows=max_rows, deadline=deadline, cancelled=cancelled)
    except Exception as err:
        failure = err
        err.__traceback__ = None
    raise failure


def _evaluate(
    store: Store,
    prepared: Prepared,
    fmt: str,
    *,
    max_rows: int,
    deadline: float | None = None,
    cancelled: threading.Event | None = None,
) -> Answer:
    dataset = prepared.dataset
    result = store.run(
        prepared.text,
        default_graph=dataset.default if dataset else None,
        named_graphs=dataset.named if dataset else None,
    )

    def check() -> None:
        if (deadline is not None and time.monotonic() > deadline) or (cancelled is not None and cancelled.is_set()):
            raise QueryTimeout("the query ran past the time limit")

    if isinstance(result, Boolean):
        body = serialise_boolean(result.value, fmt)
        return Answer(body, RESULT_FORMATS[fmt], fmt, 1, False)
    if isinstance(result, Solutions):
        rows, truncated = _capped(result.rows, max_rows, check)
        body = serialise_solutions(result.variables, rows, fmt)
        return Answer(body, RESULT_FORMATS[fmt], fmt, len(rows), truncated)
    assert isinstance(result, Triples)
    triples, truncated = _capped(result.triples, max_rows, check)
    body = serialise_triples(triples, fmt, base=store.base)
    return Answer(body, GRAPH_FORMATS[fmt], fmt, len(triples), truncated)


async def answer(
    store: Store, text: str, *, limits: Limits, dataset: Dataset | None, choose: Callable[[str], str]
) -> Answer:
    """Prepare, evaluate and serialise a query in *one* worker job under ``limits.timeout``.

    The fast path of the endpoint: :func:`prepare_query_async` then :func:`answer_query` cost
    two hops between the event loop and a worker thread per request, which on a cheap query
    weighed as much as the evaluation. ``choose`` maps the query form (``SELECT``, ``ASK``,
    ``GRAPH``) to a format name; it runs between preparing and evaluating, so a malformed
    query is still reported before an unacceptable ``Accept`` (its errors propagate as they are).
    """
    cancelled = threading.Event()
    deadline = time.monotonic() + limits.timeout
    job = functools.partial(_answer_detached, store, text, limits, dataset, choose, deadline, cancelled)
    return await _bounded(job, limits.timeout, cancelled)


def _answer_detached(
    store: Store,
    text: str,
    limits: Limits,
    dataset: Dataset | None,
    choose: Callable[[str], str],
    deadline: float,
    cancelled: threading.Event,
) -> Answer:
    try:
        parse = store.is_remote  # a remote server's syntax errors carry no position: parse here
        prepared = prepare_query(text, base=store.base, limits=limits, dataset=dataset, parse=parse)
        try:
            fmt = choose(prepared.form)
        except NotAcceptable:
            if not parse:  # a malformed query is reported as such before an unacceptable Accept
                prepare_query(text, base=store.base, limits=limits, dataset=dataset, parse=True)
            raise
        try:
            return _evaluate(store, prepared, fmt, max_rows=limits.max_rows, deadline=deadline, cancelled=cancelled)
        except SyntaxError as err:
            raise syntax_error(err) from err
    except Exception as err:  # no traceback across threads (see run_query)
        failure = err
        err.__traceback__ = None
    raise failure


async def answer_query(store: Store, prepared: Prepared, fmt: str, limits: Limits) -> Answer:
    """:func:`run_query` in a worker thread, given up at ``limits.timeout`` (:class:`QueryTimeout`)."""
    cancelled = threading.Event()
    deadline = time.monotonic() + limits.timeout
    job = functools.partial(
        run_query, store, prepared, fmt, max_rows=limits.max_rows, deadline=deadline, cancelled=cancelled
    )
    return await _bounded(job, limits.timeout, cancelled)


async def apply_update(store: Store, text: str) -> None:
    """``store.update(text)`` in a worker thread; never abandoned (see the module docstring)."""
    await asyncio.get_running_loop().run_in_executor(_UPDATES, store.update, text)


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
