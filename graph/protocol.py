"""Evaluate a user's SPARQL query or update for a public endpoint: safely, bounded, serialised.

What the SPARQL 1.1 Protocol needs beyond ``Store.run``, written once for the three backends
(the HTTP layer only maps these errors to status codes):

- **Sandbox**: ``SERVICE`` and ``LOAD`` are refused (:mod:`graph.sandbox`) before anything runs.
- **Parse errors** come from Oxigraph's parser with line and column, whatever the backend: the
  text is first parsed and evaluated against an *empty* in-memory store, which also tells the
  query form (SELECT/ASK/CONSTRUCT) before a result format is chosen.
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
  Parsing runs in a worker too (it evaluates on an empty store, which ``VALUES`` blocks alone
  can make long); updates have their own worker; a queued query whose client gave up never
  starts; and once queries running past their deadline hold all workers but one, new queries
  are refused at once (:class:`Busy`, 503) instead of queueing behind them.
- **Cap**: at most ``max_rows`` rows or triples are serialised; :attr:`Answer.truncated` says
  whether more existed (result formats have no slot for it: the HTTP layer puts it in a header).
- **Serialisation**: SPARQL results as JSON, XML, CSV and TSV by small serialisers over the
  rows (so the cap applies), graphs through ``pyoxigraph.serialize``.
"""

from __future__ import annotations

import asyncio
import csv
import functools
import io
import json
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph import sandbox
from graph.namespaces import PREFIXES
from graph.results import Boolean, Solutions, Triples
from graph.store import Store

T = TypeVar("T")

# -- formats -----------------------------------------------------------------------------------

RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""SELECT and ASK answers: format name → the media type answered."""

GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
"""CONSTRUCT and DESCRIBE answers (and graphs): format name → media type."""

RESULT_ALIASES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_ALIASES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",  # Turtle is N3
    "text/rdf+n3": "turtle",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",  # the old N-Triples media type
    "application/rdf+xml": "rdfxml",
}
RESULT_FORMAT_NAMES: dict[str, str] = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
}
GRAPH_FORMAT_NAMES: dict[str, str] = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "ntriples": "ntriples",
    "n-triples": "ntriples",
    "nt": "ntriples",
    "rdfxml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
}
"""Values of the ``format=`` parameter (ours and those SPARQLWrapper sends) per answer form."""
OX_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
W3C_FORMATS: dict[str, str] = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
}


# -- errors ------------------------------------------------------------------------------------


class ProtocolError(ValueError):
    """A request the endpoint refuses; the message says why and where."""


class QuerySyntaxError(ProtocolError):
    """The query or update does not parse; ``line`` and ``column`` point at the fault (1-based)."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.line, self.column = line, column


class QueryTimeout(ProtocolError):
    """The query ran past the time limit."""


class NotAcceptable(ProtocolError):
    """No format the client accepts can carry this answer; ``offered`` lists the media types."""

    def __init__(self, message: str, offered: list[str]) -> None:
        super().__init__(message)
        self.offered = offered


class Unsupported(ProtocolError):
    """A protocol feature this store cannot provide (→ 501)."""


class DatasetConflict(ProtocolError):
    """``using-graph-uri`` given for an update that names its own dataset (USING or WITH)."""


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


# -- content negotiation ---------------------------------------------------------------------


def negotiate(accept: str | None, aliases: dict[str, str], default: str) -> str | None:
    """The format name best matching an ``Accept`` header (q-values, ``type/*``, ``*/*``).

    ``aliases`` maps media types to format names in the server's order of preference.
    Missing or empty ``Accept`` → ``default``; nothing acceptable → ``None``.
    """
    if not accept or not accept.strip():
        return default
    ranges: list[tuple[str, str, float, int]] = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        main, _, sub = media.partition("/")
        ranges.append((main, sub, q, position))
    refused = {
        name
        for media, name in aliases.items()
        for r_main, r_sub, q, _ in ranges
        if q <= 0 and f"{r_main}/{r_sub}" == media
    }
    best: tuple[float, int, int, int] | None = None
    chosen: str | None = None
    for order, (media, name) in enumerate(aliases.items()):
        main, _, sub = media.partition("/")
        match: tuple[int, float, int] | None = None  # (specificity, q, position)
        for r_main, r_sub, q, position in ranges:
            if r_main == main and r_sub == sub:
                spec = 2
            elif r_main == main and r_sub == "*":
                spec = 1
            elif r_main == "*" and r_sub == "*":
                spec = 0
            else:
                continue
            if match is None or spec > match[0]:
                match = (spec, q, position)
        if match is None or match[1] <= 0 or name in refused:
            continue
        # Higher q, then the more specific range, then the client's order, then ours.
        score = (match[1], match[0], -match[2], -order)
        if best is None or score > best:
            best, chosen = score, name
    return chosen


def choose_format(form: str, accept: str | None, format_param: str | Sequence[str] | None) -> tuple[str, str]:
    """(format name, media type) for an answer of ``form``, from ``format=`` or ``Accept``.

    ``format`` may be repeated or hold a comma-separated list (SPARQLWrapper sends both): the
    first value naming a format this form can take wins.

    Raises :class:`NotAcceptable` (→ 406) when neither names a format this form can take.
    """
    formats = GRAPH_FORMATS if form == "GRAPH" else RESULT_FORMATS
    aliases = GRAPH_ALIASES if form == "GRAPH" else RESULT_ALIASES
    default = "turtle" if form == "GRAPH" else "json"
    if isinstance(format_param, str):
        format_param = [format_param]
    if format_param:
        short = GRAPH_FORMAT_NAMES if form == "GRAPH" else RESULT_FORMAT_NAMES
        wanted = [w.strip().lower() for value in format_param for w in value.split(",")]
        names = [short.get(w) or aliases.get(w.split(";")[0].strip()) for w in wanted]
        name = next((n for n in names if n), None)
        if name is None:
            raise NotAcceptable(
                f"format={format_param!r} cannot carry a {_form_word(form)} answer; use one of {', '.join(formats)}",
                list(formats.values()),
            )
        return name, formats[name]
    name = negotiate(accept, aliases, default)
    if name is None:
        raise NotAcceptable(
            f"no acceptable format for a {_form_word(form)} answer (Accept: {accept}); "
            f"this endpoint offers {', '.join(formats.values())}",
            list(formats.values()),
        )
    return name, formats[name]


def _form_word(form: str) -> str:
    return "CONSTRUCT/DESCRIBE" if form == "GRAPH" else form


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


def prepare_query(text: str, *, base: str, limits: Limits, dataset: Dataset | None = None) -> Prepared:
    """Check ``text`` (sandbox, syntax) and settle its form and dataset; nothing runs on the store."""
    sandbox.check(text, limits.allow)
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

    def guard(items: Iterator[Any]) -> Iterator[Any]:
        for i, item in enumerate(items):
            if i % _CHECK_EVERY == 0 and (
                (deadline is not None and time.monotonic() > deadline) or (cancelled is not None and cancelled.is_set())
            ):
                raise QueryTimeout("the query ran past the time limit")
            yield item

    if isinstance(result, Boolean):
        body = serialise_boolean(result.value, fmt)
        return Answer(body, RESULT_FORMATS[fmt], fmt, 1, False)
    if isinstance(result, Solutions):
        rows, truncated = _capped(guard(result.rows), max_rows)
        body = serialise_solutions(result.variables, rows, fmt)
        return Answer(body, RESULT_FORMATS[fmt], fmt, len(rows), truncated)
    assert isinstance(result, Triples)
    triples, truncated = _capped(guard(result.triples), max_rows)
    body = serialise_triples(triples, fmt, base=store.base)
    return Answer(body, GRAPH_FORMATS[fmt], fmt, len(triples), truncated)


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


def _capped(items: Iterable[Any], cap: int) -> tuple[list[Any], bool]:
    kept: list[Any] = []
    for item in items:
        if len(kept) >= cap:
            return kept, True
        kept.append(item)
    return kept, False


# -- serialisers ---------------------------------------------------------------------------------

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
        f"</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def serialise_solutions(variables: Sequence[str], rows: Sequence[Sequence[Term | None]], fmt: str) -> bytes:
    """SELECT rows in a SPARQL results format (``json``, ``xml``, ``csv``, ``tsv``)."""
    if fmt == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        doc = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "xml":
        out = [_XML_HEAD, "<head>"]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>\n")
        for row in rows:
            out.append("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>\n")
        out.append("</results>\n</sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {fmt!r}")


def serialise_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer; CSV and TSV (which define none) carry it as one ``true``/``false`` line."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return f"{_XML_HEAD}<head/>\n<boolean>{word}</boolean>\n</sparql>\n".encode()
    if fmt in ("csv", "tsv"):
        return f"{word}\n".encode()
    raise ValueError(f"unknown results format {fmt!r}")


def serialise_triples(triples: Iterable[ox.Triple], fmt: str, *, base: str) -> bytes:
    """Triples in an RDF format (``turtle``, ``jsonld``, ``ntriples``, ``rdfxml``)."""
    items = list(triples)
    prefixes = _used_prefixes(items, {**PREFIXES, "id": base}) if fmt in ("turtle", "rdfxml") else None
    body = ox.serialize(items, None, OX_FORMATS[fmt], prefixes=prefixes)
    return body or b""


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of ``triples`` starts with (a readable header)."""
    iris = {t.predicate.value for t in triples}
    iris |= {n.value for t in triples for n in (t.subject, t.object) if isinstance(n, ox.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


# -- service description -----------------------------------------------------------------------


def service_description(endpoint: str, graph_store: str, named_graphs: Iterable[str], fmt: str) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``, as ``fmt``."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(sd + local)

    triples = [
        ox.Triple(service, rdf_type, n("Service")),
        ox.Triple(service, n("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, n("supportedLanguage"), n("SPARQL11Query")),
        ox.Triple(service, n("supportedLanguage"), n("SPARQL11Update")),
        ox.Triple(service, n("feature"), n("UnionDefaultGraph")),
        ox.Triple(
            service,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal(
                "coopgraph SPARQL 1.1 endpoint. The default graph is the union of all named graphs; "
                f"relative IRIs resolve against the data base. SERVICE and LOAD are refused. "
                f"Graph Store HTTP Protocol at {graph_store}.",
                language="en",
            ),
        ),
        ox.Triple(service, n("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n("Dataset")),
        ox.Triple(dataset, n("defaultGraph"), default),
        ox.Triple(default, rdf_type, n("Graph")),
    ]
    for name in sorted(set(W3C_FORMATS)):
        triples.append(ox.Triple(service, n("resultFormat"), ox.NamedNode(W3C_FORMATS[name])))
    for i, g in enumerate(named_graphs):
        node = ox.BlankNode(f"g{i}")
        triples += [
            ox.Triple(dataset, n("namedGraph"), node),
            ox.Triple(node, rdf_type, n("NamedGraph")),
            ox.Triple(node, n("name"), ox.NamedNode(g)),
        ]
    prefixes = {"sd": sd, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"} if fmt in ("turtle", "rdfxml") else None
    body = ox.serialize(triples, None, OX_FORMATS[fmt], prefixes=prefixes)
    return body or b""
