"""Reconciliation: a record's names → the IRIs the graph already uses, or freshly minted ones.

What the store holds is read once per import through the named queries ``import_*.rq``
(authorities, places, countries, partnerships, projects and funding, themes) into an
:class:`Existing` index; each record side is then resolved against it and the gazetteer:
the same authority (by IRI, or by country and folded name or alias, or else as the one
authority of the same kind that governs the resolved place), the same place (by GeoNames id,
or country and name), the same partnership (by its two members, whatever its IRI), the same
project (by title) get the same IRI across batches.

Reconciling by governed place is what makes "Quito" (Ecuador) land on the graph's "District
métropolitain de Quito", which governs Quito. The kind must agree, because a commune and the
intercommunalité around it govern the same city (Lille and the Métropole européenne de Lille):
a record "Lille" (a commune unless it says otherwise) does not become the MEL. When several
authorities of that kind govern the place, none is chosen and the record's own is minted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import SKOS

from graph import mint
from graph.gazetteer import FRENCH, City, Country, Gazetteer, fold
from graph.namespaces import AUTHORITY_KIND, THEME
from graph.store import Store


@dataclass
class Existing:
    """What the graph holds that an import may land on."""

    entities: set[str] = field(default_factory=set)
    label_langs: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Entity → languages of its rdfs:label / skos:prefLabel (a second one per language is refused)."""
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """Entity → folded names it is known by (labels and aliases)."""
    authorities: dict[tuple[str, str], str] = field(default_factory=dict)
    """(iso2 or "", folded name) → authority IRI."""
    governing: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    """Place IRI → authority kind IRI ("" if none stated) → the authorities of that kind governing it."""
    places_by_geonames: dict[str, str] = field(default_factory=dict)
    places: dict[tuple[str, str], str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    partnerships: dict[frozenset[str], str] = field(default_factory=dict)
    projects: dict[str, str] = field(default_factory=dict)
    funding: dict[str, str] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)


def load_existing(store: Store) -> Existing:
    """Index the store's authorities, places, countries, partnerships, projects and themes."""
    ex = Existing()
    _, rows = store.select_values("import_authorities")
    for iri, prop, label, lang, iso in rows:
        assert iri is not None
        ex.entities.add(iri)
        if label:
            name = fold(label)
            ex.names[iri].add(name)
            ex.authorities.setdefault((iso or "", name), iri)
            ex.authorities.setdefault(("", name), iri)
            if prop and not prop.endswith("altLabel") and lang:
                ex.label_langs[iri].add(lang)
    _, rows = store.select_values("import_governed")
    for iri, place, kind in rows:
        if iri and place:
            ex.governing.setdefault(place, defaultdict(set))[kind or ""].add(iri)
    _, rows = store.select_values("import_places")
    for iri, gid, prop, label, lang, iso in rows:
        assert iri is not None
        ex.entities.add(iri)
        if gid:
            ex.places_by_geonames.setdefault(gid, iri)
        if label:
            ex.places.setdefault((iso or "", fold(label)), iri)
            if prop and prop.endswith("label") and not prop.endswith("altLabel") and lang:
                ex.label_langs[iri].add(lang)
    _, rows = store.select_values("import_countries")
    for iri, iso, _prop, lang in rows:
        assert iri is not None
        ex.entities.add(iri)
        if iso:
            ex.countries.setdefault(iso.upper(), iri)
        if lang:
            ex.label_langs[iri].add(lang)
    _, rows = store.select_values("import_partnerships")
    members: dict[str, set[str]] = defaultdict(set)
    for iri, member, lang in rows:
        assert iri is not None
        ex.entities.add(iri)
        if member:
            members[iri].add(member)
        if lang:
            ex.label_langs[iri].add(lang)
    for iri, group in members.items():
        if len(group) == 2:
            ex.partnerships.setdefault(frozenset(group), iri)
    _, rows = store.select_values("import_projects")
    for iri, cls, prop, label, lang in rows:
        assert iri is not None and cls is not None
        ex.entities.add(iri)
        if label:
            target = ex.projects if cls.endswith("Project") else ex.funding
            target.setdefault(fold(label), iri)
            if prop and (prop.endswith("#label") or prop.endswith("prefLabel")) and lang:
                ex.label_langs[iri].add(lang)
    _, rows = store.select_values("import_themes")
    for concept, label in rows:
        if concept and label:
            ex.themes.setdefault(fold(label), concept)
    if not ex.themes:
        ex.themes.update(_ontology_themes())
    return ex


def _ontology_themes() -> dict[str, str]:
    """Theme labels from ``ontology/themes.ttl`` when the store has not loaded the ontology."""
    from graph.validate import ontology_graph

    out: dict[str, str] = {}
    graph = ontology_graph()
    for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation):
        for concept, label in graph.subject_objects(prop):
            if str(concept).startswith(str(THEME)):
                out.setdefault(fold(str(label)), str(concept))
    return out


@dataclass
class Side:
    """One authority of a record, resolved."""

    name: str
    country: Country
    kind: str
    key: str
    authority: URIRef
    place: URIRef
    place_name: str
    city: City | None
    french: bool


@dataclass
class Note:
    """A warning about a resolved record (becomes a coop:Flag)."""

    code: str
    field: str
    message: str
    about: URIRef
    stated: str | None = None
    corrected: URIRef | None = None


class Resolver:
    """Resolves record sides against the store index and the gazetteer, and mints the rest."""

    def __init__(self, base: str, existing: Existing, gaz: Gazetteer) -> None:
        self.base = base
        self.existing = existing
        self.gaz = gaz
        self._country_iris: dict[str, URIRef] = {}
        self._partnerships: dict[tuple[str, str, str, str], URIRef] = {}
        self._sides: dict[tuple[str, str, str | None, str | None, str], tuple[Side, list[Note]]] = {}

    def country_iri(self, iso2: str) -> URIRef:
        iri = self._country_iris.get(iso2)
        if iri is None:
            iri = URIRef(self.existing.countries.get(iso2) or mint.country(self.base, iso2))
            self._country_iris[iso2] = iri
        return iri

    def side(
        self, name: str, country: Country, kind: str | None, place_name: str | None, field_prefix: str
    ) -> tuple[Side, list[Note]]:
        """The authority ``name`` of ``country`` resolved, and the notes that says about it.

        Remembered for the import (the answer depends only on the arguments and on what the
        graph held when it started): twin-town pairs name the same towns thousands of times.
        The answer is shared, so callers must not change it."""
        key = (name, country.iso2, kind, place_name, field_prefix)
        found = self._sides.get(key)
        if found is None:
            found = self._sides[key] = self._side(name, country, kind, place_name, field_prefix)
        return found

    def _side(
        self, name: str, country: Country, kind: str | None, place_name: str | None, field_prefix: str
    ) -> tuple[Side, list[Note]]:
        notes: list[Note] = []
        iso = country.iso2
        french = iso in FRENCH
        kind = kind or ("commune" if french else "foreign-local-government")
        stated_place = place_name or name
        match = self.gaz.city(stated_place, iso)
        if match.city is not None:
            gid = str(match.city.geonames_id)
            place = URIRef(self.existing.places_by_geonames.get(gid) or mint.place(self.base, geonames_id=int(gid)))
        else:
            known = self.existing.places.get((iso, fold(stated_place)))
            place = URIRef(known) if known else mint.place(self.base, iso2=iso, name=stated_place)
            place_field = f"{field_prefix}_place" if place_name else field_prefix
            if match.how == "mismatch" and match.suggestion is not None:
                sugg = match.suggestion
                right = self.gaz.country_by_code(sugg.country)
                right_name = right.name_en if right else sugg.country
                notes.append(
                    Note(
                        "city-country-mismatch",
                        f"{field_prefix}_country",
                        f"{stated_place!r} is given in {country.name_en}, but the gazetteer knows {sugg.name} in "
                        f"{right_name} (GeoNames {sugg.geonames_id}, {sugg.population:,} inhabitants) and no "
                        f"{stated_place!r} in {country.name_en}: kept as stated, please check",
                        place,
                        stated=country.name_en,
                        corrected=self.country_iri(sugg.country),
                    )
                )
            else:
                notes.append(
                    Note(
                        "unresolved-place",
                        place_field,
                        f"no place named {stated_place!r} in {country.name_en} in the gazetteer "
                        "(GeoNames, towns of 500+): recorded without coordinates",
                        place,
                        stated=stated_place,
                    )
                )
        folded = fold(name)
        authority = (
            self.existing.authorities.get((iso, folded))
            or self.existing.authorities.get(("", folded))
            or self.governor(place, kind)
        )
        auth_iri = URIRef(authority) if authority else mint.authority(self.base, iso, name)
        side = Side(
            name=name,
            country=country,
            kind=kind,
            key=mint.authority_key(iso, name),
            authority=auth_iri,
            place=place,
            place_name=match.city.name if match.city else stated_place,
            city=match.city,
            french=french,
        )
        return side, notes

    def governor(self, place: URIRef, kind: str) -> str | None:
        """The one existing authority of ``kind`` that governs ``place``, if there is exactly one."""
        found = self.existing.governing.get(str(place), {}).get(str(AUTHORITY_KIND[kind]), set())
        return next(iter(found)) if len(found) == 1 else None

    def partnership(self, a: Side, b: Side) -> URIRef:
        """The partnership of two sides: the graph's, whatever its IRI, or a minted one
        (remembered: a twin-town file lists most pairs twice, once from each town)."""
        key = (str(a.authority), str(b.authority), a.key, b.key)
        found = self._partnerships.get(key)
        if found is None:
            known = self.existing.partnerships.get(frozenset(key[:2]))
            found = URIRef(known) if known else mint.partnership(self.base, a.key, b.key)
            self._partnerships[key] = self._partnerships[(key[1], key[0], key[3], key[2])] = found
        return found

    def project(self, title: str) -> URIRef:
        known = self.existing.projects.get(fold(title))
        return URIRef(known) if known else mint.project(self.base, title)

    def funding(self, name: str) -> URIRef:
        known = self.existing.funding.get(fold(name))
        return URIRef(known) if known else mint.funding(self.base, name)

    def theme(self, label: str) -> URIRef | None:
        found = self.existing.themes.get(fold(label))
        if found:
            return URIRef(found)
        slugged = mint.slug(label)
        for iri in self.existing.themes.values():
            if iri.rsplit("/", 1)[-1] == slugged:
                return URIRef(iri)
        return None

    def exists(self, iri: URIRef | str) -> bool:
        return str(iri) in self.existing.entities
