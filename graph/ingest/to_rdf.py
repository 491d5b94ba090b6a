"""Resolved records → triples in the fixed vocabulary, remembering which row made each node.

Each entity is described once per batch (by the first row that names it); later rows only
add what is new (an alias as ``skos:altLabel``). An entity the graph already holds is not
described again: the batch adds its type, a new alias and its source, never a second label
in a language it already has, a second kind or a second place. ``origins`` maps every node
to the rows that produced it, so a SHACL result can be reported against its row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib import namespace as _ns

from graph import mint
from graph import namespaces as _coop_ns
from graph.gazetteer import Country, fold
from graph.ingest.records import PilotRecord
from graph.ingest.resolve import Resolver, Side
from graph.namespaces import AUTHORITY_KIND, GEONAMES, STATUS
from graph.terms import OxTerm, to_ox


class _Terms:
    """A namespace whose terms are looked up once: rdflib builds a new ``URIRef`` (and checks
    it) on every ``NS.term`` access, which is a third of the time of building 400,000 triples."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term = URIRef(str(self._namespace[name]))
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

Triple = tuple[URIRef, URIRef, object]

PREDICATE_FIELDS: dict[URIRef, str] = {
    COOP.startYear: "start_year",
    COOP.endDate: "end_date",
    COOP.status: "status",
    COOP.theme: "themes",
    COOP.budget: "amount",
    COOP.amount: "amount",
    COOP.fundedBy: "funding_instrument",
    DCTERMS.title: "title",
    DCTERMS.description: "description",
    COOP.inCountry: "country",
}


@dataclass
class Built:
    """Triples of a batch and the bookkeeping that reports and counts need."""

    triples: set[Triple] = field(default_factory=set)
    origins: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Node IRI → origins (``row 12``…) of the rows that produced it."""
    node_field: dict[str, str] = field(default_factory=dict)
    """Node IRI → the record field that named it (``authority``, ``partner_country``…)."""
    created: set[str] = field(default_factory=set)
    merged: set[str] = field(default_factory=set)
    _ox: list[tuple[OxTerm, OxTerm, OxTerm]] | None = None

    def ox_triples(self) -> list[tuple[OxTerm, OxTerm, OxTerm]]:
        """The triples as pyoxigraph terms, converted once (each distinct term once: a batch
        names the same countries, sources and classes thousands of times)."""
        if self._ox is None or len(self._ox) != len(self.triples):
            memo: dict[object, OxTerm] = {}
            get = memo.get
            out: list[tuple[OxTerm, OxTerm, OxTerm]] = []
            for s, p, o in self.triples:  # inlined: three function calls per triple would double the time
                a = get(s)
                if a is None:
                    a = memo[s] = to_ox(s)
                b = get(p)
                if b is None:
                    b = memo[p] = to_ox(p)
                c = get(o)
                if c is None:
                    c = memo[o] = to_ox(o)
                out.append((a, b, c))
            self._ox = out
        return self._ox


class Builder:
    """Accumulates the triples of the records of one batch."""

    def __init__(self, resolver: Resolver, source: URIRef, source_title: str, lang: str) -> None:
        self.resolver = resolver
        self.source = source
        self.lang = lang
        self.out = Built()
        self._described: set[str] = set()
        self._names: dict[str, set[str]] = defaultdict(set)
        self._langs: dict[str, set[str]] = defaultdict(set)
        self._add(source, RDF.type, COOP.SourceDocument)
        self._add(source, DCTERMS.title, Literal(source_title, lang="en"))

    # -- helpers -----------------------------------------------------------------------------
    def _add(self, s: URIRef, p: URIRef, o: object) -> None:
        self.out.triples.add((s, p, o))

    def _touch(self, iri: URIRef, origin: str, fname: str) -> bool:
        """Note that ``origin`` produced ``iri``; ``True`` the first time in this batch."""
        key = str(iri)
        if not self.out.origins[key] or self.out.origins[key][-1] != origin:
            self.out.origins[key].append(origin)
        self.out.node_field.setdefault(key, fname)
        if key in self._described:
            return False
        self._described.add(key)
        if self.resolver.exists(iri):
            self.out.merged.add(key)
        else:
            self.out.created.add(key)
        return True

    def _label(self, iri: URIRef, text: str, lang: str, *, pref: bool = False, alias: bool = True) -> None:
        """A label in ``lang`` unless the entity has one in that language; else an alias."""
        key = str(iri)
        folded = fold(text)
        if folded in self._names[key]:
            return
        self._names[key].add(folded)
        existing = self.resolver.existing.label_langs.get(key, set())
        if lang not in existing and lang not in self._langs[key]:
            self._langs[key].add(lang)
            self._add(iri, RDFS.label, Literal(text, lang=lang))
            if pref:
                self._add(iri, SKOS.prefLabel, Literal(text, lang=lang))
        elif alias:
            self._add(iri, SKOS.altLabel, Literal(text, lang=lang))

    # -- entities ----------------------------------------------------------------------------
    def country(self, country: Country, origin: str, fname: str) -> URIRef:
        iri = self.resolver.country_iri(country.iso2)
        if self._touch(iri, origin, fname):
            self._add(iri, RDF.type, COOP.Country)
            if not self.resolver.exists(iri):
                self._add(iri, COOP.isoCode, Literal(country.iso2))
            self._label(iri, country.name_en, "en", pref=True, alias=False)
            self._label(iri, country.name_fr, "fr", pref=True, alias=False)
            self._add(iri, DCTERMS.source, self.source)
        return iri

    def side(self, side: Side, origin: str, fname: str) -> URIRef:
        country = self.country(side.country, origin, f"{fname}_country")
        place = side.place
        if self._touch(place, origin, f"{fname}_place" if fname else fname):
            self._add(place, RDF.type, COOP.Place)
            if not self.resolver.exists(place):
                self._add(place, COOP.inCountry, country)
                city = side.city
                if city is not None:
                    lat, lon = Decimal(str(city.lat)), Decimal(str(city.lon))
                    geometry = mint.geometry(place)
                    self._add(place, WGS.lat, Literal(lat, datatype=XSD.decimal))
                    self._add(place, WGS.long, Literal(lon, datatype=XSD.decimal))
                    self._add(place, GEO.hasGeometry, geometry)
                    self._add(geometry, RDF.type, GEO.Geometry)
                    self._add(geometry, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral))
                    self._add(place, COOP.geonamesId, Literal(str(city.geonames_id)))
                    self._add(place, OWL.sameAs, URIRef(f"{GEONAMES}{city.geonames_id}/"))
            self._label(place, side.place_name, "en" if side.city else self.lang, alias=True)
            self._add(place, DCTERMS.source, self.source)
        authority = side.authority
        if self._touch(authority, origin, fname):
            self._add(authority, RDF.type, COOP.LocalAuthority)
            if not self.resolver.exists(authority):
                self._add(authority, COOP.authorityKind, AUTHORITY_KIND[side.kind])
                self._add(authority, COOP.governs, place)
            self._add(authority, DCTERMS.source, self.source)
        self._label(authority, side.name, self.lang, pref=True)
        return authority

    def record(
        self, record: PilotRecord, a: Side, b: Side, origin: str, themes: list[URIRef], instrument: URIRef | None
    ) -> URIRef:
        """The triples of one record: both authorities, their partnership, and its project."""
        first = self.side(a, origin, "authority")
        second = self.side(b, origin, "partner")
        partnership = self.resolver.partnership(a, b)
        left, right = sorted((a, b), key=lambda s: s.key)
        if self._touch(partnership, origin, ""):
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
            project = self.resolver.project(record.title)
            if self._touch(project, origin, "title"):
                self._add(project, RDF.type, COOP.Project)
                self._label(project, record.title, self.lang, alias=False)
                if not (self.resolver.exists(project)):
                    self._add(project, DCTERMS.title, Literal(record.title, lang=self.lang))
                self._add(project, DCTERMS.source, self.source)
            self._add(project, COOP.partOfPartnership, partnership)
            self._add(project, COOP.involves, first)
            self._add(project, COOP.involves, second)
            if record.description:
                self._add(project, DCTERMS.description, Literal(record.description, lang=self.lang))
            if instrument is not None:
                if record.amount is not None:
                    grant = mint.grant(self.resolver.base, record.title, str(instrument).rsplit("/", 1)[-1])
                    if self._touch(grant, origin, "amount"):
                        self._add(grant, RDF.type, COOP.Grant)
                        self._add(grant, COOP.fromInstrument, instrument)
                        self._add(grant, COOP.fundsProject, project)
                        self._add(grant, COOP.amount, Literal(record.amount, datatype=XSD.decimal))
                        self._add(grant, DCTERMS.source, self.source)
                    self._add(project, COOP.fundedBy, grant)
                else:
                    self._add(project, COOP.fundedBy, instrument)
            elif record.amount is not None:
                self._add(project, COOP.budget, Literal(record.amount, datatype=XSD.decimal))
            target = project
        elif record.description:
            self._add(partnership, DCTERMS.description, Literal(record.description, lang=self.lang))
        # Dates, status and themes belong to the project when there is one (a partnership may
        # hold several projects, each with its own), else to the partnership.
        self._facts(target, record, themes)
        return partnership

    def _facts(self, node: URIRef, record: PilotRecord, themes: Iterable[URIRef]) -> None:
        if record.start_year is not None:
            self._add(node, COOP.startYear, Literal(record.start_year, datatype=XSD.integer))
        if record.end_date is not None:
            self._add(node, COOP.endDate, Literal(record.end_date, datatype=XSD.date))
        if record.status:
            self._add(node, COOP.status, STATUS[record.status])
        for theme in themes:
            self._add(node, COOP.theme, theme)
        if record.source_url:
            self._add(node, DCTERMS.source, URIRef(record.source_url))
