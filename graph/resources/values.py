"""Terms as the API shows them: links with an id and a label, literals as JSON numbers, booleans
or text."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph.resources.identifiers import id_of
from graph.resources.labels import LabelIndex, label_of
from graph.store import Store


def json_value(store: Store, index: LabelIndex, term: Any, lang: str) -> Any:
    """``term`` as JSON: an IRI as a :func:`link`, a number or boolean literal as a JSON number
    or boolean, other literals as text, a blank node as ``{"bnode": id}``."""
    if isinstance(term, ox.NamedNode):
        return link(store, index, term.value, lang)
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value.rsplit("#", 1)[-1]
        if dtype in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger", "gYear"):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dtype in ("decimal", "double", "float"):
            try:
                return float(term.value)
            except ValueError:
                return term.value
        if dtype == "boolean":
            return term.value == "true"
        return term.value
    if isinstance(term, ox.BlankNode):
        return {"bnode": term.value}
    return None


def link(store: Store, index: LabelIndex, iri: str, lang: str = "fr") -> dict[str, Any]:
    """A reference to a resource as the API shows it: id, IRI and label."""
    return {"id": id_of(store, iri), "iri": iri, "label": label_of(index, iri, lang)}


def json_row(store: Store, index: LabelIndex, row: dict[str, Any], lang: str) -> dict[str, Any]:
    """A solution row (variable → term) with each term as :func:`json_value`."""
    return {k: json_value(store, index, v, lang) for k, v in row.items()}
