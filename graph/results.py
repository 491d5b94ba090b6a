"""Query results in one shape whichever backend produced them.

Both backends hand back pyoxigraph terms: the embedded store natively, the remote one by
parsing the server's answer with pyoxigraph's own result parsers. Everything above the
backends (conversion to rdflib, serialisation, caps) is written once against these types.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox


@dataclass
class Solutions:
    """A SELECT answer: variable names and a lazy iterator of rows (``None`` for unbound).

    ``native`` is the embedded store's own iterator, which ``rows`` reads: the endpoint hands it
    to Oxigraph's serialiser (:func:`graph.sparql_native.native_solutions`) instead of making
    Python objects of the rows. Read one or the other, never both.
    """

    variables: list[str]
    rows: Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]
    native: ox.QuerySolutions | None = None


@dataclass
class Boolean:
    """An ASK answer."""

    value: bool


@dataclass
class Triples:
    """A CONSTRUCT or DESCRIBE answer: a lazy iterator of triples."""

    triples: Iterator[ox.Triple]


Result = Solutions | Boolean | Triples


def from_oxigraph(result: object, *, native: bool = False) -> Result:
    """Wrap what ``pyoxigraph`` returned (``QuerySolutions``, ``QueryBoolean``, triples); with
    ``native``, a SELECT answer also offers its ``QuerySolutions`` (:attr:`Solutions.native`)."""
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        return Solutions(variables, (tuple(solution) for solution in result), result if native else None)
    if isinstance(result, ox.QueryBoolean):
        return Boolean(bool(result))
    return Triples(_as_triples(result))  # type: ignore[arg-type]


def _as_triples(items: Iterator[ox.Triple | ox.Quad]) -> Iterator[ox.Triple]:
    for item in items:
        yield item if isinstance(item, ox.Triple) else item.triple
