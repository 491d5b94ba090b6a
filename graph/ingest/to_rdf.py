"""Resolved records → triples in the fixed vocabulary, remembering which row made each node.

Each entity is described once per batch (by the first row that names it); later rows only
add what is new (an alias as ``skos:altLabel``). An entity the graph already holds is not
described again: the batch adds its type, a new alias and its source, never a second label
in a language it already has, a second kind or a second place. ``origins`` maps every node
to the rows that produced it, so a SHACL result can be reported against its row.

The triples are pyoxigraph terms from the start: a batch of 400,000 triples is validated and
written as such, and building rdflib terms (whose constructors and ``__eq__`` are Python code)
only to convert them afterwards took a third of the time of an import.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib import namespace as _ns

from graph import mint
from graph import namespaces as _coop_ns
from graph.gazetteer import Country, fold
from graph.ingest.records import PilotRecord
from graph.ingest.resolve import Resolver, Side
from graph.ingest.triple_index import TripleIndex
from graph.namespaces import AUTHORITY_KIND, GEONAMES, STATUS
from graph.terms import OxTerm


class _Terms:
    """A namespace whose terms are made once, as pyoxigraph named nodes."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = str(namespace)

    def __getattr__(self, name: str) -> ox.NamedNode:
        term = ox.NamedNode(self._namespace + name)
        setattr(self, name, term)
        return term


COOP = _Terms(_coop_ns.COOP)
GEO = _Terms(_coop_ns.GEO)
WGS = _Terms(_coop_ns.WGS)
DCTERMS = _Terms(_ns.DCTERMS)
ORG = _Terms(_ns.ORG)
OWL = _Terms(_ns.OWL)
RDF = _Terms(_ns.RDF)
RDFS = _Terms(_ns.RDFS)
SKOS = _Terms(_ns.SKOS)
XSD = _Terms(_ns.XSD)

Triple = tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, OxTerm]

PREDICATE_FIELDS: dict[str, str] = {
    COOP.startYear.value: "start_year",
    COOP.endDate.value: "end_date",
    COOP.status.value: "status",
    COOP.theme.value: "themes",
    COOP.budget.value: "amount",
    COOP.amount.value: "amount",
    COOP.fundedBy.value: "funding_instrument",
    DCTERMS.title.value: "title",
    DCTERMS.description.value: "description",
    COOP.inCountry.value: "country",
}
"""Predicate IRI → the record field its value comes from (to report a problem at a column)."""


def decimal(value: Decimal) -> ox.Literal:
    """An ``xsd:decimal`` in plain notation (``150000``, never ``1.5E+5``: the lexical form
    rdflib gave, so batches made before and after agree)."""
    return ox.Literal(f"{value:f}", datatype=XSD.decimal)


@dataclass
class Built:
    """Triples of a batch (pyoxigraph terms) and the bookkeeping that reports and counts need."""

    triples: TripleIndex = field(default_factory=TripleIndex)
    origins: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Node IRI → origins (``row 12``…) of the rows that produced it."""
    node_field: dict[str, str] = field(default_factory=dict)
    """Node IRI → the record field that named it (``authority``, ``partner_country``…)."""
    created: set[str] = field(default_factory=set)
    merged: set[str] = field(default_factory=set)


class Builder:
    """Accumulates the triples of the records of one batch."""

    def __init__(self, resolver: Resolver, source: URIRef, source_title: str, lang: str) -> None:
        self.resolver = resolver
        self.lang = lang
        self.out = Built()
        self._add = self.out.triples.add
        self._nodes: dict[str, ox.NamedNode] = {}
        self._described: set[str] = set()
        self._names: dict[str, set[str]] = defaultdict(set)
        self._langs: dict[str, set[str]] = defaultdict(set)
        self._folded: dict[str, str] = {}
        self.source = self.node(source)
        self._add(self.source, RDF.type, COOP.SourceDocument)
        self._add(self.source, DCTERMS.title, ox.Literal(source_title, language="en"))

    # -- helpers -----------------------------------------------------------------------------
    def node(self, iri: str) -> ox.NamedNode:
        """The named node of ``iri`` (an rdflib ``URIRef`` or a string), made once per batch:
        the same countries, places and authorities recur on thousands of rows."""
        key = str(iri)
        term = self._nodes.get(key)
        if term is None:
            term = self._nodes[key] = ox.NamedNode(key)
        return term

    def _touch(self, key: str, origin: str, fname: str) -> bool:
        """Note that ``origin`` produced the node ``key``; ``True`` the first time in this batch."""
        origins = self.out.origins[key]
        if not origins or origins[-1] != origin:
            origins.append(origin)
        if key in self._described:
            return False
        self.out.node_field.setdefault(key, fname)
        self._described.add(key)
        if key in self.resolver.existing.entities:
            self.out.merged.add(key)
        else:
            self.out.created.add(key)
        return True

    def _label(self, iri: ox.NamedNode, text: str, lang: str, *, pref: bool = False, alias: bool = True) -> None:
        """A label in ``lang`` unless the entity has one in that language; else an alias."""
        key = iri.value
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold(text)
        names = self._names[key]
        if folded in names:
            return
        names.add(folded)
        existing = self.resolver.existing.label_langs.get(key, ())
        if lang not in existing and lang not in self._langs[key]:
            self._langs[key].add(lang)
            label = ox.Literal(text, language=lang)
            self._add(iri, RDFS.label, label)
            if pref:
                self._add(iri, SKOS.prefLabel, label)
        elif alias:
            self._add(iri, SKOS.altLabel, ox.Literal(text, language=lang))

    # -- entities ----------------------------------------------------------------------------
    def country(self, country: Country, origin: str, fname: str) -> ox.NamedNode:
        iri = self.node(self.resolver.country_iri(country.iso2))
        key = iri.value
        if self._touch(key, origin, fname):
            self._add(iri, RDF.type, COOP.Country)
            if not self.resolver.exists(key):
                self._add(iri, COOP.isoCode, ox.Literal(country.iso2))
            self._label(iri, country.name_en, "en", pref=True, alias=False)
            self._label(iri, country.name_fr, "fr", pref=True, alias=False)
            self._add(iri, DCTERMS.source, self.source)
        return iri

    def side(self, side: Side, origin: str, fname: str) -> ox.NamedNode:
        country = self.country(side.country, origin, f"{fname}_country")
        place = self.node(side.place)
        key = place.value
        if self._touch(key, origin, f"{fname}_place" if fname else fname):
            self._add(place, RDF.type, COOP.Place)
            if not self.resolver.exists(key):
                self._add(place, COOP.inCountry, country)
                city = side.city
                if city is not None:
                    lat, lon = Decimal(str(city.lat)), Decimal(str(city.lon))
                    geometry = self.node(mint.geometry(side.place))
                    self._add(place, WGS.lat, decimal(lat))
                    self._add(place, WGS.long, decimal(lon))
                    self._add(place, GEO.hasGeometry, geometry)
                    self._add(geometry, RDF.type, GEO.Geometry)
                    self._add(geometry, GEO.asWKT, ox.Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral))
                    self._add(place, COOP.geonamesId, ox.Literal(str(city.geonames_id)))
                    self._add(place, OWL.sameAs, self.node(f"{GEONAMES}{city.geonames_id}/"))
            self._label(place, side.place_name, "en" if side.city else self.lang, alias=True)
            self._add(place, DCTERMS.source, self.source)
        authority = self.node(side.authority)
        key = authority.value
        if self._touch(key, origin, fname):
            self._add(authority, RDF.type, COOP.LocalAuthority)
            if not self.resolver.exists(key):
                self._add(authority, COOP.authorityKind, self.node(AUTHORITY_KIND[side.kind]))
                self._add(authority, COOP.governs, place)
            self._add(authority, DCTERMS.source, self.source)
        self._label(authority, side.name, self.lang, pref=True)
        return authority

    def record(
        self, record: PilotRecord, a: Side, b: Side, origin: str, themes: list[URIRef], instrument: URIRef | None
    ) -> ox.NamedNode:
        """The triples of one record: both authorities, their partnership, and its project."""
        first = self.side(a, origin, "authority")
        second = self.side(b, origin, "partner")
        partnership = self.node(self.resolver.partnership(a, b))
        left, right = sorted((a, b), key=lambda s: s.key)
        if self._touch(partnership.value, origin, ""):
            self._add(partnership, RDF.type, COOP.Partnership)
            self._label(partnership, f"{left.name} – {right.name}", self.lang, alias=False)
            self._add(partnership, DCTERMS.source, self.source)
        for member in (first, second):
            self._add(partnership, ORG.hasMember, member)
        if a.french != b.french:
            french, foreign = (first, second) if a.french else (second, first)
            self._add(partnership, COOP.frenchPartner, french)
            self._add(partnership, COOP.foreignPartner, foreign)
        target = partnership
        if record.title:
            project_iri = self.resolver.project(record.title)
            project = self.node(project_iri)
            if self._touch(project.value, origin, "title"):
                self._add(project, RDF.type, COOP.Project)
                self._label(project, record.title, self.lang, alias=False)
                if not self.resolver.exists(project_iri):
                    self._add(project, DCTERMS.title, ox.Literal(record.title, language=self.lang))
                self._add(project, DCTERMS.source, self.source)
            self._add(project, COOP.partOfPartnership, partnership)
            self._add(project, COOP.involves, first)
            self._add(project, COOP.involves, second)
            if record.description:
                self._add(project, DCTERMS.description, ox.Literal(record.description, language=self.lang))
            if instrument is not None:
                funding = self.node(instrument)
                if record.amount is not None:
                    grant = self.node(mint.grant(self.resolver.base, record.title, funding.value.rsplit("/", 1)[-1]))
                    if self._touch(grant.value, origin, "amount"):
                        self._add(grant, RDF.type, COOP.Grant)
                        self._add(grant, COOP.fromInstrument, funding)
                        self._add(grant, COOP.fundsProject, project)
                        self._add(grant, COOP.amount, decimal(record.amount))
                        self._add(grant, DCTERMS.source, self.source)
                    self._add(project, COOP.fundedBy, grant)
                else:
                    self._add(project, COOP.fundedBy, funding)
            elif record.amount is not None:
                self._add(project, COOP.budget, decimal(record.amount))
            target = project
        elif record.description:
            self._add(partnership, DCTERMS.description, ox.Literal(record.description, language=self.lang))
        # Dates, status and themes belong to the project when there is one (a partnership may
        # hold several projects, each with its own), else to the partnership.
        self._facts(target, record, themes)
        return partnership

    def _facts(self, node: ox.NamedNode, record: PilotRecord, themes: Iterable[URIRef]) -> None:
        if record.start_year is not None:
            self._add(node, COOP.startYear, ox.Literal(str(record.start_year), datatype=XSD.integer))
        if record.end_date is not None:
            self._add(node, COOP.endDate, ox.Literal(record.end_date.isoformat(), datatype=XSD.date))
        if record.status:
            self._add(node, COOP.status, self.node(STATUS[record.status]))
        for theme in themes:
            self._add(node, COOP.theme, self.node(theme))
        if record.source_url:
            self._add(node, DCTERMS.source, self.node(record.source_url))
