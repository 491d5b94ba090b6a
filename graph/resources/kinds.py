"""The kinds of resource the API lists, the filters each takes, and the errors of a request.

A kind is a class of the ontology with its list query (``api_list_{name}``), the first path
segment of its IRIs and the filters its query binds; :data:`FILTERS` says in words what each
filter accepts, for error messages and the OpenAPI description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.errors import ParameterError
from graph.namespaces import COOP, THEME
from graph.resources.labels import LabelIndex

MAX_PAGE_SIZE = 500


class InvalidParameter(ParameterError):
    """A parameter's value is not acceptable; ``parameter`` names it."""


class NotFound(LookupError):
    """No resource of that kind with that IRI."""


@dataclass(frozen=True)
class Kind:
    """One kind of resource the API lists: its route name, list query, IRI segment and filters."""

    name: str
    segment: str
    """First path segment of its IRIs under the base (``authority``), or of its concepts under
    ``…/def/`` for themes."""
    title: str
    cls: str
    filters: tuple[str, ...] = ()
    kind_scheme: str | None = None
    """The concept scheme (under ``…/def/``) the ``kind`` filter takes its slugs from."""
    concept: bool = False
    """The resources are concepts of the ontology (IRIs under ``…/def/``), not data."""

    @property
    def query(self) -> str:
        return f"api_list_{self.name}"


_YEARS = ("year_from", "year_to")
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("authorities", "authority", "Local authorities", str(COOP.LocalAuthority), ("country", "kind", "theme"),
             kind_scheme="authority-kind"),
        Kind("places", "place", "Places", str(COOP.Place), ("country",)),
        Kind("countries", "country", "Countries", str(COOP.Country)),
        Kind("projects", "project", "Projects", str(COOP.Project),
             ("country", "theme", "status", "authority", *_YEARS)),
        Kind("partnerships", "partnership", "Partnerships", str(COOP.Partnership),
             ("country", "theme", "status", "authority", *_YEARS)),
        Kind("people", "person", "People", "http://xmlns.com/foaf/0.1/Person", ("organisation",)),
        Kind("organisations", "organisation", "Organisations", str(COOP.Organisation), ("kind",),
             kind_scheme="organisation-kind"),
        Kind("exchanges", "exchange", "Know-how exchanges", str(COOP.KnowHowExchange), ("theme", "authority")),
        Kind("funding", "funding", "Funding instruments", str(COOP.FundingInstrument)),
        Kind("events", "event", "Events", str(COOP.Event), _YEARS),
        Kind("themes", "theme", "Themes", "http://www.w3.org/2004/02/skos/core#Concept", ("broader",), concept=True),
        Kind("documents", "document", "Documents and reports", str(COOP.Document)),
        Kind("labels", "label", "Labels", str(COOP.Label)),
    )
}  # fmt: skip
"""Every kind the API lists, by route name."""

FILTERS: dict[str, str] = {
    "country": "ISO 3166-1 alpha-2 code (EC, SN) or country IRI",
    "theme": "theme slug (ville-intelligente), one of its labels (digital, smart city) or its IRI; "
    "narrower themes match",
    "status": "status slug: pipeline, implementation, finalisation, closed, cancelled, suspended",
    "kind": "kind slug (commune, departement, region, intercommunalite, foreign-local-government; "
    "for organisations: association, university…)",
    "authority": "id (authority/fr/besancon) or IRI of an authority or organisation",
    "organisation": "id (organisation/villes-internet) or IRI of an organisation or authority",
    "year_from": "integer year: still running in or after it",
    "year_to": "integer year: started in or before it",
    "broader": "theme slug or IRI: only the themes under it",
}
"""What each filter accepts, for error messages and the OpenAPI description."""


@dataclass
class Page:
    """One page of a list: its items and the total number of matches."""

    items: list[dict[str, Any]]
    total: int
    page: int = 1
    size: int = 50

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.size))


def kind_named(kind: str) -> Kind:
    """The :class:`Kind` called ``kind``; an unknown name is an :class:`InvalidParameter`."""
    if kind not in KINDS:
        raise InvalidParameter("kind", f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    return KINDS[kind]


def kinds_of(index: LabelIndex, iri: str) -> list[str]:
    """The API kinds a resource belongs to (by its asserted types)."""
    types = index.types_of(iri)
    found = [k.name for k in KINDS.values() if k.cls in types and not k.concept]
    if not found and str(COOP.Report) in types:
        found.append("documents")
    if iri.startswith(str(THEME)):
        found.append("themes")
    return found
