"""Resources of the graph as plain data: lists with filters, details, search, describe, export.

The JSON API and the linked-data pages are thin layers over this package. Every query it runs
is a named ``api_*.rq`` file; filter values arrive as text, are validated here (a clear error
naming the parameter) and are bound as RDF terms, never pasted into a query.

Modules: :mod:`~graph.resources.kinds` (what is listed, and the errors),
:mod:`~graph.resources.labels` (the label index), :mod:`~graph.resources.identifiers`,
:mod:`~graph.resources.filters`, :mod:`~graph.resources.listing`,
:mod:`~graph.resources.details`, :mod:`~graph.resources.sublists` (facets that grow with the
data, paged), :mod:`~graph.resources.text_search` and
:mod:`~graph.resources.exports`; their public names are re-exported here.
"""

from __future__ import annotations

from graph.resources.details import (
    about,
    exists,
    get_resource,
    incoming,
    memberships,
    partnerships_of,
    provenance,
)
from graph.resources.exports import EXPORT_FORMATS, describe, export
from graph.resources.filters import parse_filters
from graph.resources.identifiers import check_iri, country_iri, curie, id_of, iri_for
from graph.resources.kinds import FILTERS, KINDS, MAX_PAGE_SIZE, InvalidParameter, Kind, NotFound, Page, kinds_of
from graph.resources.labels import RDFS_LABEL, LabelIndex, fold, label_index, label_of
from graph.resources.listing import list_resources, matching_iris
from graph.resources.rows import select_rows
from graph.resources.sublists import (
    LIST_SUBLIST_SIZE,
    SUBLIST_SIZE,
    SUBLISTS,
    Sublist,
    members,
    owner_kind_check,
    sublists_of,
)
from graph.resources.text_search import search
from graph.resources.values import json_value, link

__all__ = [
    "EXPORT_FORMATS",
    "FILTERS",
    "KINDS",
    "LIST_SUBLIST_SIZE",
    "MAX_PAGE_SIZE",
    "RDFS_LABEL",
    "SUBLISTS",
    "SUBLIST_SIZE",
    "InvalidParameter",
    "Kind",
    "LabelIndex",
    "NotFound",
    "Page",
    "Sublist",
    "about",
    "check_iri",
    "country_iri",
    "curie",
    "describe",
    "exists",
    "export",
    "fold",
    "get_resource",
    "id_of",
    "incoming",
    "iri_for",
    "json_value",
    "kinds_of",
    "label_index",
    "label_of",
    "link",
    "list_resources",
    "matching_iris",
    "members",
    "memberships",
    "owner_kind_check",
    "parse_filters",
    "partnerships_of",
    "provenance",
    "search",
    "select_rows",
    "sublists_of",
]
