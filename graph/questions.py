"""The competency questions as data: list them, and run one with parameters given as text.

Each question is a named ``cqNN_*.rq`` query whose header names its parameters
(``# param country: IRI of a coop:Country``). A value given as text is turned into the RDF term
its description asks for — an IRI (full, or an id under the store's base, or an ISO country
code where a country is meant), an integer, a date or a string — and bound as a term; it is
never pasted into the query. This lets a person reach every answer without writing SPARQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph import queries
from graph.resources.identifiers import check_iri, country_iri
from graph.resources.kinds import InvalidParameter, NotFound
from graph.resources.labels import label_index
from graph.resources.rows import select_rows
from graph.resources.values import json_row
from graph.store import Store

__all__ = ["list_questions", "run_question", "term_for"]

MAX_ROWS = 10_000


def list_questions() -> list[dict[str, Any]]:
    """Every competency question: name, what it answers, its parameters."""
    return [{"name": q.name, "question": q.description, "params": q.params} for q in queries.competency_questions()]


def term_for(store: Store, name: str, description: str, value: str) -> Any:
    """The RDF term for parameter ``name`` given as text ``value``, as its description asks."""
    text = value.strip()
    desc = description.lower()
    if re.match(r"https?://", text):
        return URIRef(check_iri(name, text))
    if "iri" in desc or "resource" in desc:
        if "country" in (desc + name) and re.fullmatch(r"[A-Za-z]{2}", text):
            return country_iri(store, name, text)
        if re.fullmatch(r"[a-z0-9\-]+/[A-Za-z0-9._~\-/#]+", text) and ".." not in text:
            return URIRef(check_iri(name, store.base + text))
        raise InvalidParameter(name, f"expected an IRI or an id such as authority/fr/besancon, got {text!r}")
    if re.search(r"\b(integer|year|count|number)\b", desc):
        if not re.fullmatch(r"-?\d{1,9}", text):
            raise InvalidParameter(name, f"expected an integer, got {text!r}")
        return int(text)
    if re.search(r"\bdate\b", desc) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as err:
            raise InvalidParameter(name, f"not a date: {text!r}") from err
    return Literal(text)


def run_question(store: Store, name: str, params: Mapping[str, str], lang: str = "fr") -> dict[str, Any]:
    """Run competency question ``name`` with ``params`` (text) bound as terms; rows as JSON data."""
    known = {q.name: q for q in queries.competency_questions()}
    if name not in known:
        short = {n.split("_", 1)[0]: n for n in known}
        if name not in short:
            raise NotFound(f"no competency question {name!r}; known: {', '.join(known) or 'none yet'}")
        name = short[name]
    query = known[name]
    bindings: dict[str, Any] = {}
    for key, value in params.items():
        if key == "lang":
            continue
        if key not in query.params:
            raise InvalidParameter(key, f"{name} takes {', '.join(query.params) or 'no parameters'}")
        if value != "":
            bindings[key] = term_for(store, key, query.params[key], value)
    rows = select_rows(store, name, **bindings)
    index = label_index(store)
    # The labels of every IRI shown, fetched in one query per 400 rather than one per link.
    index.need(term.value for row in rows[:MAX_ROWS] for term in row.values() if isinstance(term, ox.NamedNode))
    return {
        "name": name,
        "question": query.description,
        "params": {k: str(v) for k, v in bindings.items()},
        "count": len(rows),
        "truncated": len(rows) > MAX_ROWS,
        "rows": [json_row(store, index, row, lang) for row in rows[:MAX_ROWS]],
    }
