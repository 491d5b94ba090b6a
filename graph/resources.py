"""Resources of the graph as plain data: lists with filters, details, search, describe, export.

The JSON API and the linked-data pages are thin layers over this module. Every query it runs
is a named ``api_*.rq`` file; filter values arrive as text, are validated here (a clear error
naming the parameter) and are bound as RDF terms, never pasted into a query.

Lists are one query per kind that returns every matching resource with its facets (optional
filters are ``FILTER(!BOUND(?param) || …)`` at the top level of the query, so an unbound
parameter matches everything). Pagination and ordering happen here over those rows: LIMIT and
OFFSET cannot be bound as terms, and sorting by display label needs the language preference.

Labels and the search index come from one query over every label, cached per store version:
SPARQL has no accent folding, and a small in-memory index folds accents once ("besancon"
finds Besançon) instead of a ``REPLACE`` chain evaluated on every row of every search.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pycountry
import pyoxigraph as ox
from rdflib import Graph, URIRef

from graph.namespaces import COOP, COOP_DEF, PREFIXES, THEME
from graph.results import Solutions
from graph.store import Store

__all__ = [
    "KINDS",
    "InvalidParameter",
    "Kind",
    "NotFound",
    "Page",
    "describe",
    "export",
    "get_resource",
    "list_resources",
    "provenance",
    "search",
]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
DC_TITLE = "http://purl.org/dc/terms/title"
_LABEL_RANK = {SKOS_PREF: 0, RDFS_LABEL: 1, FOAF_NAME: 2, DC_TITLE: 3, SKOS_ALT: 9}

MAX_PAGE_SIZE = 500
EXPORT_FORMATS = ("turtle", "jsonld", "nquads", "csv")


class InvalidParameter(ValueError):
    """A parameter's value is not acceptable; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter
        self.message = message


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


# -- the label index -------------------------------------------------------------------------
@dataclass
class LabelIndex:
    """Every label of every resource, their accent-folded keys, and every resource's types."""

    labels: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    """IRI → [(text, language, property)]."""
    types: dict[str, set[str]] = field(default_factory=dict)
    keys: list[tuple[str, str, str]] = field(default_factory=list)
    """(folded key, IRI, text) for search."""
    concepts: dict[str, str] = field(default_factory=dict)
    """Concept IRI → scheme IRI."""


_CACHE: weakref.WeakKeyDictionary[Store, tuple[int, LabelIndex]] = weakref.WeakKeyDictionary()


def fold(text: str) -> str:
    """``text`` without accents, case or punctuation: the search key ("Besançon" → "besancon")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", stripped.casefold()).split())


def label_index(store: Store) -> LabelIndex:
    """The label index of ``store``, rebuilt when the store's version moved."""
    cached = _CACHE.get(store)
    if cached is not None and cached[0] == store.version:
        return cached[1]
    version = store.version
    index = LabelIndex()
    for s, p, lit in _rows(store, "api_labels"):
        if not isinstance(s, ox.NamedNode) or not isinstance(lit, ox.Literal):
            continue
        index.labels.setdefault(s.value, []).append((lit.value, lit.language or "", p.value))  # type: ignore[union-attr]
        key = fold(lit.value)
        if key:
            index.keys.append((key, s.value, lit.value))
    for s, t in _rows(store, "api_types"):
        if isinstance(s, ox.NamedNode) and isinstance(t, ox.NamedNode):
            index.types.setdefault(s.value, set()).add(t.value)
    for c, scheme in _rows(store, "api_concepts"):
        if isinstance(c, ox.NamedNode) and isinstance(scheme, ox.NamedNode):
            index.concepts[c.value] = scheme.value
    _CACHE[store] = (version, index)
    return index


def _rows(store: Store, query: str, **bindings: Any) -> Iterator[tuple[Any, ...]]:
    result = store.run(query, bindings)
    if not isinstance(result, Solutions):
        raise TypeError(f"{query} is not a SELECT query")
    return result.rows


def _select(store: Store, query: str, *, keep_unbound: bool = False, **bindings: Any) -> list[dict[str, Any]]:
    """Rows of a named SELECT as dicts of pyoxigraph terms (unbound variables left out, or
    kept as ``None`` with ``keep_unbound`` so that every column shows in the answer)."""
    result = store.run(query, bindings)
    if not isinstance(result, Solutions):
        raise TypeError(f"{query} is not a SELECT query")
    names = result.variables
    return [{n: v for n, v in zip(names, row, strict=True) if keep_unbound or v is not None} for row in result.rows]


def label_of(index: LabelIndex, iri: str, lang: str = "fr") -> str | None:
    """The best display label of ``iri``: preferred over alternate, ``lang`` over others."""
    candidates = index.labels.get(iri)
    if not candidates:
        return None

    def rank(item: tuple[str, str, str]) -> tuple[int, int, str]:
        text, language, prop = item
        lang_rank = 0 if language == lang else 1 if language == "" else 2 if language in ("en", "fr") else 3
        return (_LABEL_RANK.get(prop, 5), lang_rank, text)

    return min(candidates, key=rank)[0]


# -- identifiers -----------------------------------------------------------------------------
def id_of(store: Store, iri: str) -> str | None:
    """The path of ``iri`` after the store's base (or after ``…/def/`` for concepts)."""
    if iri.startswith(store.base):
        return iri[len(store.base) :]
    if iri.startswith(COOP_DEF):
        return iri[len(COOP_DEF) :]
    return None


def iri_for(store: Store, kind: Kind, ident: str) -> str:
    """The IRI of resource ``ident`` of ``kind``: an id (with or without its kind segment) or a full IRI."""
    if re.match(r"https?://", ident):
        return check_iri("id", ident)
    if not re.fullmatch(r"[A-Za-z0-9._~\-/#%]+", ident) or ident.startswith("/") or ".." in ident:
        raise InvalidParameter("id", f"not a resource id: {ident!r} (expected e.g. {kind.segment}/…)")
    if not ident.startswith(kind.segment + "/"):
        ident = f"{kind.segment}/{ident}"
    root = COOP_DEF if kind.concept else store.base
    return check_iri("id", root + ident)


def check_iri(parameter: str, text: str) -> str:
    """``text`` checked as an absolute IRI (no spaces, ``<``, ``>``, quotes or newlines)."""
    if not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", text):
        raise InvalidParameter(parameter, f"not an absolute IRI: {text!r}")
    try:
        return ox.NamedNode(text).value
    except ValueError as err:
        raise InvalidParameter(parameter, f"not a valid IRI: {text!r} ({err})") from err


# -- filters ---------------------------------------------------------------------------------
def parse_filters(store: Store, kind: Kind, raw: Mapping[str, str | None]) -> dict[str, Any]:
    """The filter values of ``raw`` (text, as received) as RDF terms, each checked; unknown
    filters and bad values raise :class:`InvalidParameter` naming the parameter."""
    terms: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None or value == "":
            continue
        if name not in kind.filters:
            allowed = ", ".join(kind.filters) or "none"
            raise InvalidParameter(name, f"{kind.name} cannot be filtered by {name!r} (filters: {allowed})")
        terms[name] = _filter_term(store, kind, name, value)
    if "year_from" in terms and "year_to" in terms and int(terms["year_from"]) > int(terms["year_to"]):
        raise InvalidParameter("year_from", f"year_from ({terms['year_from']}) is after year_to ({terms['year_to']})")
    return terms


def _filter_term(store: Store, kind: Kind, name: str, value: str) -> Any:
    value = value.strip()
    if name in ("year_from", "year_to"):
        if not re.fullmatch(r"-?\d{1,4}", value):
            raise InvalidParameter(name, f"expected a year (an integer), got {value!r}")
        return int(value)
    if name == "country":
        if re.fullmatch(r"[A-Za-z]{2}", value):
            if pycountry.countries.get(alpha_2=value.upper()) is None:
                raise InvalidParameter(name, f"{value!r} is not an ISO 3166-1 alpha-2 country code")
            return URIRef(f"{store.base}country/{value.lower()}")
        if re.match(r"https?://", value):
            return URIRef(check_iri(name, value))
        raise InvalidParameter(name, f"expected an ISO 3166-1 alpha-2 code (EC, SN) or a country IRI, got {value!r}")
    if name in ("theme", "broader"):
        return URIRef(_concept(store, name, "theme", value, by_label=True))
    if name == "status":
        return URIRef(_concept(store, name, "status", value))
    if name == "kind":
        return URIRef(_concept(store, name, kind.kind_scheme or "", value))
    if name in ("authority", "organisation"):
        if re.match(r"https?://", value):
            return URIRef(check_iri(name, value))
        if not re.fullmatch(r"[a-z0-9\-]+/[A-Za-z0-9._~\-/]+", value) or ".." in value:
            raise InvalidParameter(name, f"expected an id such as authority/fr/besancon or an IRI, got {value!r}")
        return URIRef(check_iri(name, store.base + value))
    raise InvalidParameter(name, "unknown filter")  # pragma: no cover - guarded by Kind.filters


def _concept(store: Store, parameter: str, scheme: str, value: str, *, by_label: bool = False) -> str:
    """The concept of ``scheme`` named by slug, IRI or (``by_label``) one of its labels."""
    index = label_index(store)
    scheme_iri = COOP_DEF + scheme
    members = sorted(c for c, s in index.concepts.items() if s == scheme_iri)
    if value in members:
        return value
    slug = value.lower()
    if COOP_DEF + f"{scheme}/{slug}" in members:
        return COOP_DEF + f"{scheme}/{slug}"
    if by_label:
        key = fold(value)
        hits = sorted({c for c in members for text, _, _ in index.labels.get(c, []) if fold(text) == key})
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            slugs = ", ".join(h.rsplit("/", 1)[-1] for h in hits)
            raise InvalidParameter(parameter, f"{value!r} names several concepts ({slugs}): give a slug")
    known = ", ".join(m.rsplit("/", 1)[-1] for m in members) or "none loaded"
    raise InvalidParameter(parameter, f"unknown {scheme} {value!r}; known: {known}")


# -- lists and details -----------------------------------------------------------------------
def _value(store: Store, index: LabelIndex, term: Any, lang: str) -> Any:
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


def _item(store: Store, index: LabelIndex, row: dict[str, Any], lang: str) -> dict[str, Any]:
    iri = row["item"].value
    item = link(store, index, iri, lang)
    for name, term in row.items():
        if name == "item":
            continue
        if name.endswith("_list"):
            text = term.value if isinstance(term, ox.Literal) else ""
            item[name[: -len("_list")]] = [link(store, index, i, lang) for i in sorted(set(text.split()))]
        else:
            item[name] = _value(store, index, term, lang)
    return item


def _sort_key(item: dict[str, Any]) -> tuple[str, str]:
    return (fold(item.get("label") or "") or "\uffff", item["iri"])


def list_resources(
    store: Store,
    kind: str,
    filters: Mapping[str, str | None] | None = None,
    page: int = 1,
    size: int = 50,
    lang: str = "fr",
) -> Page:
    """One page of the resources of ``kind`` matching ``filters`` (text values, validated here),
    ordered by label, with the total number of matches."""
    spec = _kind(kind)
    if not isinstance(page, int) or page < 1:
        raise InvalidParameter("page", f"expected an integer ≥ 1, got {page!r}")
    if not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidParameter("size", f"expected an integer from 1 to {MAX_PAGE_SIZE}, got {size!r}")
    terms = parse_filters(store, spec, filters or {})
    index = label_index(store)
    rows = _select(store, spec.query, keep_unbound=True, **terms)
    items = sorted((_item(store, index, row, lang) for row in rows), key=_sort_key)
    start = (page - 1) * size
    return Page(items=items[start : start + size], total=len(items), page=page, size=size)


def matching_iris(store: Store, kind: str, filters: Mapping[str, str | None] | None = None) -> list[str]:
    """Every IRI of ``kind`` matching ``filters`` (for exports)."""
    spec = _kind(kind)
    terms = parse_filters(store, spec, filters or {})
    return sorted(row["item"].value for row in _select(store, spec.query, **terms))


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise InvalidParameter("kind", f"unknown kind {kind!r}; known: {', '.join(KINDS)}")
    return KINDS[kind]


def get_resource(store: Store, kind: str, ident: str, lang: str = "fr") -> dict[str, Any]:
    """The resource ``ident`` (id or IRI) of ``kind``: its facets, labels, types, every statement
    about it (outgoing and incoming, with labels), its partnerships and its provenance.
    Raises :class:`NotFound` if it is not a resource of that kind."""
    spec = _kind(kind)
    iri = iri_for(store, spec, ident)
    rows = _select(store, spec.query, keep_unbound=True, item=URIRef(iri))
    if not rows:
        raise NotFound(f"no {spec.segment} {iri}")
    index = label_index(store)
    detail = _item(store, index, rows[0], lang)
    detail["kind"] = spec.name
    detail.update(about(store, iri, lang))
    if spec.name == "people":
        detail["memberships"] = memberships(store, member=iri, lang=lang)
    if spec.name in ("organisations", "authorities"):
        detail["members"] = memberships(store, organization=iri, lang=lang)
    if spec.name == "events":
        detail["presentations"] = [
            {k: _value(store, index, v, lang) for k, v in row.items()}
            for row in _select(store, "api_presentations", event=URIRef(iri))
        ]
    return detail


def about(store: Store, iri: str, lang: str = "fr") -> dict[str, Any]:
    """What any page says of ``iri``: labels, types, statements both ways, partnerships, provenance."""
    index = label_index(store)
    ref = URIRef(iri)
    out = [
        {
            "property": link(store, index, row["p"].value, lang) | {"curie": curie(row["p"].value)},
            "value": _value(store, index, row["o"], lang),
            "graph": row["g"].value,
        }
        for row in _select(store, "api_out", iri=ref)
    ]
    incoming = [
        {
            "subject": _value(store, index, row["s"], lang),
            "property": link(store, index, row["p"].value, lang) | {"curie": curie(row["p"].value)},
            "graph": row["g"].value,
        }
        for row in _select(store, "api_in", iri=ref)
    ]
    partnerships = [
        link(store, index, r["partnership"].value, lang) for r in _select(store, "api_partnerships_of", iri=ref)
    ]
    return {
        "labels": [{"value": t, "lang": lg or None, "property": curie(p)} for t, lg, p in index.labels.get(iri, [])],
        "types": [link(store, index, t, lang) | {"curie": curie(t)} for t in sorted(index.types.get(iri, ()))],
        "statements": out,
        "incoming": incoming,
        "partnerships": [p for p in partnerships if p["iri"] != iri],
        "provenance": provenance(store, iri, lang),
    }


def exists(store: Store, iri: str) -> bool:
    """Does the graph say anything about ``iri``?"""
    return store.ask("api_exists", iri=URIRef(check_iri("iri", iri)))


def provenance(store: Store, iri: str, lang: str = "fr") -> dict[str, Any]:
    """Where the statements about ``iri`` come from: named graphs, import batches and dates,
    sources, and the flags recorded on it (CQ14)."""
    index = label_index(store)
    ref = URIRef(check_iri("iri", iri))
    graphs = [
        {k: _value(store, index, v, lang) for k, v in row.items()} for row in _select(store, "api_provenance", iri=ref)
    ]
    sources: list[Any] = []
    flags: list[dict[str, Any]] = []
    for row in _select(store, "api_sources", iri=ref):
        if "source" in row:
            value = _value(store, index, row["source"], lang)
            if value not in sources:
                sources.append(value)
        elif "flag" in row:
            flags.append({k: _value(store, index, v, lang) for k, v in row.items()})
    return {"graphs": graphs, "sources": sources, "flags": flags}


def memberships(
    store: Store, *, member: str | None = None, organization: str | None = None, lang: str = "fr"
) -> list[dict[str, Any]]:
    """Memberships of a person (``member``) or in an organisation (``organization``): role, mandate, since."""
    index = label_index(store)
    pairs = (("member", member), ("organization", organization))
    bindings: dict[str, Any] = {k: URIRef(v) for k, v in pairs if v is not None}
    return [
        {k: _value(store, index, v, lang) for k, v in row.items()}
        for row in _select(store, "api_memberships", **bindings)
    ]


def curie(iri: str) -> str:
    """``iri`` as prefix:local when a known prefix covers it."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_\-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def kinds_of(index: LabelIndex, iri: str) -> list[str]:
    """The API kinds a resource belongs to (by its asserted types)."""
    types = index.types.get(iri, set())
    found = [k.name for k in KINDS.values() if k.cls in types and not k.concept]
    if not found and str(COOP.Report) in types:
        found.append("documents")
    if iri.startswith(str(THEME)):
        found.append("themes")
    return found


# -- search ----------------------------------------------------------------------------------
def search(store: Store, text: str, limit: int = 20, lang: str = "fr", kind: str | None = None) -> list[dict[str, Any]]:
    """Resources whose labels, alternate labels, names or titles contain ``text``, ignoring
    accents and case; best matches first (whole label, label start, word start, anywhere)."""
    query = fold(text or "")
    if not query:
        raise InvalidParameter("q", "give some letters or digits to search for")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidParameter("limit", f"expected an integer from 1 to {MAX_PAGE_SIZE}, got {limit!r}")
    if kind is not None:
        _kind(kind)
    index = label_index(store)
    tokens = query.split()
    best: dict[str, tuple[int, int, str]] = {}
    for key, iri, label in index.keys:
        if not all(t in key for t in tokens):
            continue
        if key == query:
            score = 0
        elif key.startswith(query):
            score = 1
        elif all(re.search(r"(?:^| )" + re.escape(t), key) for t in tokens):
            score = 2
        else:
            score = 3
        candidate = (score, len(key), label)
        if iri not in best or candidate < best[iri]:
            best[iri] = candidate
    hits = []
    for iri, (score, _, matched) in sorted(best.items(), key=lambda kv: (kv[1], kv[0])):
        kinds = kinds_of(index, iri)
        if kind is not None and kind not in kinds:
            continue
        hits.append(link(store, index, iri, lang) | {"matched": matched, "kinds": kinds, "score": score})
        if len(hits) >= limit:
            break
    return hits


# -- describe and export ---------------------------------------------------------------------
def describe(store: Store, iri: str) -> Graph:
    """Every statement with ``iri`` as subject or object, and the labels of the resources it
    links to, as an rdflib ``Graph`` (for Turtle, JSON-LD and N-Triples answers)."""
    graph = store.construct("api_describe", iri=URIRef(check_iri("iri", iri)))
    graph.bind("id", store.base)
    return graph


def _subject_quads(store: Store, iris: Iterable[str]) -> Iterator[ox.Quad]:
    """The quads of each subject, and of its fragment sub-nodes (``place/1#geometry``)."""
    seen: set[str] = set()
    todo = list(iris)
    while todo:
        iri = todo.pop()
        if iri in seen:
            continue
        seen.add(iri)
        subject = ox.NamedNode(iri)
        for row in _select(store, "api_subject_quads", iri=URIRef(iri)):
            obj = row["o"]
            if isinstance(obj, ox.NamedNode) and obj.value.startswith(iri.split("#", 1)[0] + "#"):
                todo.append(obj.value)
            yield ox.Quad(subject, row["p"], obj, row["g"])


def export(store: Store, fmt: str, kind: str | None = None, filters: Mapping[str, str | None] | None = None) -> bytes:
    """The whole graph, or the statements about the resources of ``kind`` matching ``filters``,
    as Turtle, JSON-LD, N-Quads (named graphs kept) or CSV (subject, predicate, object,
    datatype, language, graph)."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidParameter("format", f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    if kind is None:
        if any(filters.values() if filters else ()):
            raise InvalidParameter("kind", "filters need a kind (authorities, partnerships…) to apply to")
        quads: Iterable[ox.Quad] = store.quads()
    else:
        quads = _subject_quads(store, matching_iris(store, kind, filters))
    if fmt == "csv":
        return _csv(quads)
    if fmt == "nquads":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    triples = _distinct(quads)
    if fmt == "turtle":
        prefixes = PREFIXES | {"id": store.base}
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    return ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b""


def _distinct(quads: Iterable[ox.Quad]) -> Iterator[ox.Triple]:
    seen: set[ox.Triple] = set()
    for quad in quads:
        if quad.triple not in seen:
            seen.add(quad.triple)
            yield quad.triple


def _csv(quads: Iterable[ox.Quad]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["subject", "predicate", "object", "datatype", "language", "graph"])
    for q in quads:
        o = q.object
        datatype = language = ""
        if isinstance(o, ox.Literal):
            language = o.language or ""
            datatype = "" if language else o.datatype.value
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        subject = q.subject.value if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)) else str(q.subject)
        value = o.value if isinstance(o, (ox.NamedNode, ox.BlankNode, ox.Literal)) else str(o)
        writer.writerow([subject, q.predicate.value, value, datatype, language, graph])
    return out.getvalue().encode("utf-8")
