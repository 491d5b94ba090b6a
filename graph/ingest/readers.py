"""Readers: bytes of a file → rows with their origin (CSV row number, JSON pointer) or RDF triples.

French spreadsheet exports vary: the encoding (UTF-8, UTF-8 with a BOM, CP1252) and the
separator (``,`` ``;`` tab) are detected, and a quoted field may hold newlines. Whatever
cannot be read raises :class:`ReadError` saying where (line, offset, pointer) and why; nothing
is guessed past a real ambiguity.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import pyoxigraph as ox


class ReadError(ValueError):
    """The file cannot be read: ``where`` says at which line/offset/pointer."""

    def __init__(self, message: str, where: str = "file") -> None:
        super().__init__(f"{where}: {message}")
        self.message = message
        self.where = where


@dataclass
class Row:
    """One record as read: header → cell text, and where it came from."""

    origin: str
    """``row 12`` (line of the CSV where the record starts) or a JSON pointer ``/3``."""
    values: dict[str, str]
    number: int = 0


@dataclass
class Table:
    """The rows of a tabular file and what was detected about it."""

    headers: list[str]
    rows: list[Row]
    encoding: str = "utf-8"
    separator: str | None = None
    notes: list[str] = field(default_factory=list)


TABULAR = {".csv", ".tsv", ".txt", ".json"}
RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json-ld": ox.RdfFormat.JSON_LD,
}


def kind_of(filename: str) -> str:
    """``csv``, ``json`` or ``rdf`` from a file name."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in RDF_FORMATS:
        return "rdf"
    if suffix == ".json":
        return "json"
    return "csv"


# -- text ------------------------------------------------------------------------------------
_MOJIBAKE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u20ac\u2122]"
)


def decode(content: bytes) -> tuple[str, str]:
    """The text of ``content`` and its encoding: UTF-8 (with or without BOM), else CP1252.

    Refuses binary data, and a file that is mostly UTF-8 with broken bytes (CP1252 would
    "read" it as mojibake), naming the line and byte offset of the first bad byte.
    """
    if b"\x00" in content[:65536]:
        offset = content.index(b"\x00")
        raise ReadError(f"binary data (a NUL byte at byte {offset}): not a text file", _line_of(content, offset))
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as err:
            raise _bad_bytes(content, err.start + 3, "UTF-8 (it starts with a UTF-8 BOM)") from err
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_err:
        first_bad = utf8_err.start
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError as err:
            raise _bad_bytes(content, err.start, "UTF-8 nor CP1252") from err
        if _MOJIBAKE.search(text):
            raise _bad_bytes(content, first_bad, "UTF-8 (mixed with other bytes: save it again as UTF-8)") from utf8_err
        return text, "cp1252"


def _bad_bytes(content: bytes, offset: int, expected: str) -> ReadError:
    byte = content[offset : offset + 1].hex()
    return ReadError(f"bad encoding: byte 0x{byte} at byte {offset} is not valid {expected}", _line_of(content, offset))


def _line_of(content: bytes, offset: int) -> str:
    line = content.count(b"\n", 0, offset) + 1
    return f"line {line}"


# -- CSV -------------------------------------------------------------------------------------
def sniff_separator(text: str) -> str:
    """``,``, ``;`` or tab: csv.Sniffer restricted to those, else the most frequent in the header."""
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
        best = max(counts, key=lambda s: counts[s])
        if counts[best] == 0:
            return ","
        return best


def read_csv(content: bytes, *, separator: str | None = None, encoding: str | None = None) -> Table:
    """Rows of a CSV file; ``origin`` is the line where each record starts (the header is line 1)."""
    if encoding:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError as err:
            raise _bad_bytes(content, err.start, encoding) from err
        detected = encoding
    else:
        text, detected = decode(content)
    if not text.strip():
        raise ReadError("the file is empty")
    sep = separator or sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        headers = [h.strip() for h in next(reader)]
    except csv.Error as err:
        raise ReadError(f"malformed header: {err}", "line 1") from err
    if not any(headers):
        raise ReadError("the header row is empty", "line 1")
    seen: set[str] = set()
    for h in headers:
        if h and h in seen:
            raise ReadError(f"column {h!r} appears twice in the header", "line 1")
        seen.add(h)
    rows: list[Row] = []
    start = reader.line_num + 1
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise ReadError(f"malformed CSV: {err}", f"line {start}") from err
        if not any(c.strip() for c in cells):
            start = reader.line_num + 1
            continue
        number += 1
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
            raise ReadError(
                f"{len(cells)} cells but the header has {len(headers)} columns (is the separator {sep!r} right?)",
                f"row {start}",
            )
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers) if h}
        rows.append(Row(origin=f"row {start}", values=values, number=number))
        start = reader.line_num + 1
    return Table(headers=[h for h in headers if h], rows=rows, encoding=detected, separator=sep)


# -- JSON ------------------------------------------------------------------------------------
def read_json(content: bytes) -> Table:
    """Rows of a JSON list of objects; ``origin`` is each record's JSON pointer (``/3``)."""
    text, encoding = decode(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ReadError(f"invalid JSON: {err.msg}", f"line {err.lineno}, column {err.colno}") from err
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data, prefix = data["records"], "/records"
    else:
        prefix = ""
    if not isinstance(data, list):
        raise ReadError("expected a list of records (objects)", "/")
    headers: dict[str, None] = {}
    rows: list[Row] = []
    for i, item in enumerate(data):
        pointer = f"{prefix}/{i}"
        if not isinstance(item, dict):
            raise ReadError(f"expected an object, found {type(item).__name__}", pointer)
        values: dict[str, str] = {}
        for key, value in item.items():
            headers.setdefault(str(key), None)
            values[str(key)] = _json_cell(value, f"{pointer}/{_escape(str(key))}")
        rows.append(Row(origin=pointer, values=values, number=i + 1))
    return Table(headers=list(headers), rows=rows, encoding=encoding)


def _json_cell(value: Any, pointer: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return "; ".join(str(v) for v in value)
    raise ReadError(f"expected a text, a number or a list of texts, found {type(value).__name__}", pointer)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


# -- RDF -------------------------------------------------------------------------------------
def read_rdf(content: bytes, filename: str, base: str) -> list[ox.Triple]:
    """Triples of a Turtle, N-Triples or JSON-LD file; a syntax error says line and column."""
    fmt = RDF_FORMATS[PurePath(filename).suffix.lower()]
    try:
        quads = ox.parse(content, format=fmt, base_iri=base)
        return [q.triple for q in quads]
    except SyntaxError as err:
        where, message = _rdf_position(err)
        raise ReadError(f"{fmt.name} syntax error: {message}", where) from err


def _rdf_position(err: SyntaxError) -> tuple[str, str]:
    text = str(err)
    match = re.search(r"line (\d+) column (\d+)", text) or re.search(r"(\d+):(\d+)", text)
    if match:
        return f"line {match.group(1)}, column {match.group(2)}", text
    return "file", text


def iter_rows(table: Table) -> Iterator[Row]:
    yield from table.rows
