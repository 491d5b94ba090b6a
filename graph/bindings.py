"""Bound parameters of a query, as a ``VALUES`` block built from RDF terms.

Both backends bind parameters the same way: a one-row ``VALUES`` block opening the outermost
``WHERE`` group (or the sub-``SELECT`` that group only wraps: see ``_opening``). The values
are pyoxigraph terms printed in their N-Triples form (escaped and validated), so a parameter
is data whatever characters it holds. (pyoxigraph's own ``substitutions`` only bind projected
variables, and a remote server has none: one standard mechanism for all three backends is
simpler and behaves the same everywhere.)

A parameter is bound by a join with that group, so SPARQL's bottom-up evaluation
applies: use it in triple patterns anywhere, but in a ``FILTER`` or ``BIND`` only at the top
level of the ``WHERE`` group (inside an ``OPTIONAL``, ``UNION`` branch or sub-``SELECT`` it is
still unbound when the filter runs).

A parameter written ``$name`` in the query text (SPARQL's other spelling of ``?name``) is
instead written in place as a constant. Oxigraph compiles a ``REGEX`` whose pattern is a
constant once per query, but one whose pattern comes from a variable once per row: over the
1× Atlas labels the search went from 106 s to 0.8 s this way. The constant is the same
escaped N-Triples form of a pyoxigraph term, so it is still data, never syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

from graph.terms import OxTerm

_OUTER_GROUP = re.compile(r"\b(?:WHERE|ASK)\s*\{", re.IGNORECASE)
_COMMENT_LINE = re.compile(r"^[ \t]*#[^\n]*$", re.MULTILINE)


def _opening(text: str) -> tuple[str, int]:
    """``text`` without comment lines, and where its parameters are joined: its outermost
    ``WHERE`` group, or, when that group holds nothing but one sub-``SELECT``, that
    sub-``SELECT``'s own ``WHERE`` group (and so on down).

    A query is wrapped that way so that its ``ORDER BY`` sorts the few projected columns, not
    every helper variable of the rows (Oxigraph sorts before it projects: ``cq11`` at Atlas 10×
    held 1.1 GB sorting its rows, 0.8 GB wrapped); its parameters must reach the filters inside.
    """
    body = _COMMENT_LINE.sub("", text)
    match = _OUTER_GROUP.search(body)
    if match is None:
        raise ValueError("a query with bound parameters needs a WHERE { … } group")
    at = match.end()
    while (inner := _WRAPPED.match(body, at)) is not None and _only_group(body, inner.start("group")):
        nested = _OUTER_GROUP.search(body, inner.end())
        if nested is None or "{" in body[inner.end() : nested.start()]:
            break  # a sub-SELECT written without WHERE: its group is not the one found
        at = nested.end()
    return body, at


_WRAPPED = re.compile(r"\s*(?P<group>\{)\s*SELECT\b", re.IGNORECASE)
_SKIPPED = re.compile(
    r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"  # a string literal, on one line
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"  # an IRI (SPARQL's IRIREF: no braces, quotes or spaces)
    r"|#[^\n]*"  # a comment, to the end of its line
)
"""What may hold a brace or a quote that is not the query's: read past it whole. An IRI holds
no brace but may hold an apostrophe (``<…/it's>``), which must not open a string; ``<`` that
starts no IRI is the comparison operator."""


def _only_group(body: str, start: int) -> bool:
    """Whether the group opening at ``body[start]`` is all its enclosing group holds: after its
    closing brace comes that group's own (strings, IRIs and comments read past, see ``_SKIPPED``)."""
    depth = 0
    at = start
    while at < len(body):
        char = body[at]
        if char in "\"'<#":
            skipped = _SKIPPED.match(body, at)
            at = skipped.end() if skipped else at + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return body[at + 1 :].lstrip().startswith("}")
        at += 1
    return False


def with_values(text: str, substitutions: dict[str, OxTerm]) -> str:
    """``text`` with a one-row ``VALUES`` block opening its outermost ``WHERE`` group.

    The values are pyoxigraph terms, printed in their N-Triples form (escaped), so they are
    data whatever characters they hold.
    """
    body, at = _opening(text)
    joined: dict[str, OxTerm] = {}
    for name, term in substitutions.items():
        constant = re.compile(rf"\${re.escape(name)}\b")
        if constant.search(body):
            body = constant.sub(lambda _, term=term: str(term), body)  # type: ignore[misc]
        else:
            joined[name] = term
    if not joined:
        return body
    _, at = _opening(body)
    names = " ".join(f"?{name}" for name in joined)
    values = " ".join(str(term) for term in joined.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return body[:at] + block + body[at:]


def with_rows(text: str, variable: str, iris: Iterable[str | OxTerm]) -> str:
    """``text`` with ``?variable`` bound to each of ``iris``, one ``VALUES`` row each, opening
    its outermost ``WHERE`` group: one query for a list of nodes instead of one per node (the
    importer reads the part of the graph a batch touches this way, 2,000 nodes a query). Each
    value — an IRI given as text, or any pyoxigraph term (the literals a search looks up) — is
    printed by pyoxigraph (validated, escaped): data, never syntax."""
    body, at = _opening(text)
    values = " ".join(str(ox.NamedNode(iri) if isinstance(iri, str) else iri) for iri in iris)
    return f"{body[:at]} VALUES ?{variable} {{ {values} }} {body[at:]}"
