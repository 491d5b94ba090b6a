"""SELECT answers of the embedded store serialised by Oxigraph itself, within the row cap and deadline.

Why: writing each row through Python terms cost the endpoint about 10–15 µs a row that a raw
Oxigraph server does not pay; ``QuerySolutions.serialize`` writes in Rust (about 0.8 µs a row).
It knows nothing of the endpoint's row cap or deadline, so it writes into a small file object
(:class:`_Sink`) that checks the deadline at each chunk, counts the rows from the bytes (JSON
``,{``, XML ``<result>``, CSV/TSV line ends), and stops past the cap at an exact row boundary.
Where the bytes cannot be counted for sure (JSON text that looks like a row mark, near the
cap), :func:`native_solutions` answers ``None`` and the caller takes the Python path
(:func:`graph.sparql_formats.serialise_solutions`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

NATIVE_RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

_JSON_HEAD = b'{"head":{"vars":['
_JSON_BINDINGS = b'"results":{"bindings":['
_JSON_TAIL = b"]}}"
_XML_TAIL = b"</results></sparql>"
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_JSON_NEXT_ROW = re.compile(rb",\{")
_JSON_NOT_A_ROW = re.compile(rb',\{[^"]')
"""A ``,{`` that starts no row: one in a string, or an empty row (``,{}``)."""
_JSON_BRACE_AT_END = re.compile(rb'\{"[,}:\]"]')
"""A string ending with ``{``: the ``"`` after ``,{`` may close a string instead of opening a key."""
_CSV_MARKS = re.compile(rb'["\n]')
_ROW_MARKS = {"json": b",{", "xml": b"<result>", "tsv": b"\n"}
"""What :class:`_Sink` counts in each format but CSV (whose newlines may be quoted)."""


@dataclass(frozen=True)
class NativeAnswer:
    """Rows serialised by Oxigraph: the bytes, how many rows they hold, whether the cap cut them."""

    body: bytearray
    count: int
    truncated: bool


class _Sink:
    """The binary file ``QuerySolutions.serialize`` writes into (in chunks of about 8 KB, called
    back with the GIL held): appends the chunks to one buffer, calls ``check`` (the deadline) at
    each, and counts row marks as they come, to stop the serialiser (by raising :class:`_Full`)
    once the answer holds more than ``cap`` rows.

    One growing ``bytearray``, not a list of chunks joined at the end: the join held the answer
    twice (a 96 MB edge list at Atlas 10× peaked at twice that), where a large buffer grows in
    place (``mremap``).

    A *mark* is where a row starts (JSON ``,{`` before every row but the first, XML
    ``<result>``) or ends (a newline of CSV/TSV, after the header line). Only JSON's marks can be
    faked by text: ``,{`` may occur in a string, so its count is an upper bound, checked once
    the rows are in (:func:`_json_rows_certain`).
    """

    def __init__(self, fmt: str, cap: int, check: Callable[[], None]) -> None:
        self.fmt = fmt
        self.check = check
        self.buffer = bytearray()
        self.marks = 0
        self.quoted = False  # CSV: inside a quoted field at the end of the last chunk
        self.stopped = False
        # the mark past the cap: row cap+1 started (XML), row cap+2 started (JSON, which counts
        # the ``,{`` before each row but the first; the bytes after that of row cap+1 are in),
        # or the header and cap+1 rows ended (CSV, TSV)
        self.limit = cap + 1 if fmt in ("xml", "json") else cap + 2

    def write(self, data: bytes) -> int:
        if self.stopped:  # the buffer Oxigraph flushes as it drops its writer, after a stop
            return len(data)
        try:
            self.check()
        except BaseException:
            self.stopped = True
            raise
        start = len(self.buffer)
        self.buffer += data
        mark = _ROW_MARKS.get(self.fmt)
        if mark is not None:  # a mark cut in two by the chunks starts in the previous one
            self.marks += self.buffer.count(mark, max(0, start - len(mark) + 1))
        else:
            parts = bytes(data).split(b'"')
            outside = parts[1::2] if self.quoted else parts[::2]
            self.marks += sum(part.count(b"\n") for part in outside)
            self.quoted ^= len(parts) % 2 == 0
        if self.marks >= self.limit:
            self.stopped = True
            raise _Full
        return len(data)

    def flush(self) -> None:
        return None


class _Full(Exception):
    """The serialiser wrote more rows than the cap: stop it."""


def native_solutions(
    solutions: ox.QuerySolutions, fmt: str, cap: int, check: Callable[[], None]
) -> NativeAnswer | None:
    """At most ``cap`` rows of ``solutions`` as ``fmt``, serialised by Oxigraph, with the count.

    The same answer as :func:`serialise_solutions` over the rows (the same terms; spacing, TSV's
    number shorthand and CSV's one empty field, an empty line here, may differ) without making a
    Python object per row and term — which was most of the endpoint's time on answers of a few
    thousand rows. ``check`` runs at each
    chunk written (and may raise to stop a query past its deadline). Consumes ``solutions``.
    ``None`` when the count cannot be settled from the bytes (JSON text holding ``,{`` near the
    cap, or a layout this code does not know): the caller reruns the query on the Python path.
    """
    sink = _Sink(fmt, cap, check)
    full = False
    try:
        solutions.serialize(sink, NATIVE_RESULT_FORMATS[fmt])  # type: ignore[arg-type]  # a file enough for it
    except _Full:
        full = True
    body = sink.buffer
    if fmt == "json":
        return _json_answer(body, cap, sink.marks, full)
    if not full:  # every mark is a row's start (XML) or end (CSV, TSV: and the header's)
        return NativeAnswer(body, sink.marks if fmt == "xml" else max(0, sink.marks - 1), False)
    if fmt == "xml":
        return NativeAnswer(_cut(body, _nth(body, b"<result>", cap + 1), _XML_TAIL), cap, True)
    if fmt == "tsv":
        return NativeAnswer(_cut(body, _nth(body, b"\n", cap + 1) + 1), cap, True)
    return NativeAnswer(_cut(body, _csv_line_end(body, cap + 1) + 1), cap, True)


def _cut(body: bytearray, at: int, tail: bytes = b"") -> bytearray:
    """``body`` ending at ``at``, then ``tail``: in place, where a slice would copy the rows kept."""
    del body[at:]
    body += tail
    return body


def _nth(body: bytes | bytearray, mark: bytes, n: int) -> int:
    """Where the ``n``-th (1-based) ``mark`` of ``body`` starts (``n`` ≥ 1; it must be there)."""
    at = -1
    for _ in range(n):
        at = body.index(mark, at + 1)
    return at


def _csv_line_end(body: bytes | bytearray, n: int) -> int:
    """Where the ``n``-th newline outside a quoted field of CSV ``body`` is."""
    quoted = False
    seen = 0
    for match in _CSV_MARKS.finditer(body):
        if match.group() == b'"':
            quoted = not quoted
        elif not quoted:
            seen += 1
            if seen == n:
                return match.start()
    raise ValueError("fewer lines than counted")


def _json_rows_certain(body: bytes | bytearray, start: int, end: int) -> bool:
    """Does every ``,{`` of ``body[start:end]`` (compact SPARQL JSON from Oxigraph) start a row?

    Yes when each is followed by a quote that opens a key: a quote closing a string is followed
    by ``,``, ``}``, ``:`` or ``]``, and the keys after ``{`` are never empty. Outside strings,
    ``,{`` occurs only between rows.
    """
    return _JSON_NOT_A_ROW.search(body, start, end) is None and _JSON_BRACE_AT_END.search(body, start, end) is None


def _json_answer(body: bytearray, cap: int, marks: int, full: bool) -> NativeAnswer | None:
    """``marks``: the ``,{`` of ``body`` (all of them unless ``full``)."""
    bindings = body.find(_JSON_BINDINGS)  # the first one: the head holds only variable names
    if not body.startswith(_JSON_HEAD) or bindings < 0 or not (full or body.endswith(_JSON_TAIL)):
        return None
    first = bindings + len(_JSON_BINDINGS)  # where the first row starts, if there is one
    if not full:
        if _json_rows_certain(body, first, len(body)):
            rows = marks + (body[first : first + 1] == b"{")
        else:  # count the rows outside the strings (slower, and rare)
            bare = _JSON_STRING.sub(b"", body)
            rows = bare.count(b",{") + bare.count(b"[{")
            if rows > cap:
                return None
        if rows <= cap:
            return NativeAnswer(body, rows, False)
    if cap == 0:
        return NativeAnswer(_cut(body, first, _JSON_TAIL), 0, True) if body[first : first + 1] == b"{" else None
    # row cap+1 starts at the cap-th ``,{``, if every ``,{`` up to it starts a row
    cut = next(itertools.islice(_JSON_NEXT_ROW.finditer(body, first), cap - 1, None)).start()
    if len(body) < cut + 4 or not _json_rows_certain(body, first, cut + 4):
        return None
    return NativeAnswer(_cut(body, cut, _JSON_TAIL), cap, True)
