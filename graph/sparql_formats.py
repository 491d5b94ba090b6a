"""SPARQL answer formats: the media types offered, content negotiation, and serialisers.

SELECT and ASK answers are serialised by small writers over rows (so the endpoint's row cap
applies before anything is written), or, for the embedded store's SELECT answers, by Oxigraph
itself, its output counted and cut at the cap (:func:`native_solutions`); graphs go through
``pyoxigraph.serialize``. The service description of the endpoint is written here too, as it
lists these formats.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring as _json_string  # type: ignore[attr-defined]
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.namespaces import PREFIXES
from graph.sparql_errors import NotAcceptable

# -- formats -----------------------------------------------------------------------------------

RESULT_FORMATS: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
"""SELECT and ASK answers: format name → the media type answered."""

GRAPH_FORMATS: dict[str, str] = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
"""CONSTRUCT and DESCRIBE answers (and graphs): format name → media type."""

RESULT_ALIASES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_ALIASES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",  # Turtle is N3
    "text/rdf+n3": "turtle",
    "application/ld+json": "jsonld",
    "application/x-json+ld": "jsonld",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",  # the old N-Triples media type
    "application/rdf+xml": "rdfxml",
}
RESULT_FORMAT_NAMES: dict[str, str] = {
    "json": "json",
    "srj": "json",
    "xml": "xml",
    "srx": "xml",
    "csv": "csv",
    "tsv": "tsv",
}
GRAPH_FORMAT_NAMES: dict[str, str] = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "ntriples": "ntriples",
    "n-triples": "ntriples",
    "nt": "ntriples",
    "rdfxml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
}
"""Values of the ``format=`` parameter (ours and those SPARQLWrapper sends) per answer form."""
OX_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
W3C_FORMATS: dict[str, str] = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
}


# -- content negotiation ---------------------------------------------------------------------


def negotiate(accept: str | None, aliases: dict[str, str], default: str) -> str | None:
    """The format name best matching an ``Accept`` header (q-values, ``type/*``, ``*/*``).

    ``aliases`` maps media types to format names in the server's order of preference.
    Missing or empty ``Accept`` → ``default``; nothing acceptable → ``None``.
    """
    if not accept or not accept.strip():
        return default
    ranges: list[tuple[str, str, float, int]] = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        main, _, sub = media.partition("/")
        ranges.append((main, sub, q, position))
    refused = {
        name
        for media, name in aliases.items()
        for r_main, r_sub, q, _ in ranges
        if q <= 0 and f"{r_main}/{r_sub}" == media
    }
    best: tuple[float, int, int, int] | None = None
    chosen: str | None = None
    for order, (media, name) in enumerate(aliases.items()):
        main, _, sub = media.partition("/")
        match: tuple[int, float, int] | None = None  # (specificity, q, position)
        for r_main, r_sub, q, position in ranges:
            if r_main == main and r_sub == sub:
                spec = 2
            elif r_main == main and r_sub == "*":
                spec = 1
            elif r_main == "*" and r_sub == "*":
                spec = 0
            else:
                continue
            if match is None or spec > match[0]:
                match = (spec, q, position)
        if match is None or match[1] <= 0 or name in refused:
            continue
        # Higher q, then the more specific range, then the client's order, then ours.
        score = (match[1], match[0], -match[2], -order)
        if best is None or score > best:
            best, chosen = score, name
    return chosen


def choose_format(form: str, accept: str | None, format_param: str | Sequence[str] | None) -> tuple[str, str]:
    """(format name, media type) for an answer of ``form``, from ``format=`` or ``Accept``.

    ``format`` may be repeated or hold a comma-separated list (SPARQLWrapper sends both): the
    first value naming a format this form can take wins.

    Raises :class:`NotAcceptable` (→ 406) when neither names a format this form can take.
    """
    formats = GRAPH_FORMATS if form == "GRAPH" else RESULT_FORMATS
    aliases = GRAPH_ALIASES if form == "GRAPH" else RESULT_ALIASES
    default = "turtle" if form == "GRAPH" else "json"
    if isinstance(format_param, str):
        format_param = [format_param]
    if format_param:
        short = GRAPH_FORMAT_NAMES if form == "GRAPH" else RESULT_FORMAT_NAMES
        wanted = [w.strip().lower() for value in format_param for w in value.split(",")]
        names = [short.get(w) or aliases.get(w.split(";")[0].strip()) for w in wanted]
        name = next((n for n in names if n), None)
        if name is None:
            raise NotAcceptable(
                f"format={format_param!r} cannot carry a {_form_word(form)} answer; use one of {', '.join(formats)}",
                list(formats.values()),
            )
        return name, formats[name]
    name = negotiate(accept, aliases, default)
    if name is None:
        raise NotAcceptable(
            f"no acceptable format for a {_form_word(form)} answer (Accept: {accept}); "
            f"this endpoint offers {', '.join(formats.values())}",
            list(formats.values()),
        )
    return name, formats[name]


def _form_word(form: str) -> str:
    return "CONSTRUCT/DESCRIBE" if form == "GRAPH" else form


# -- serialisers ---------------------------------------------------------------------------------

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


_XML_SPACE = " \t\r\n"


def _xml_text(value: str) -> str:
    """``value`` as XML text; white space at either end as character references (as Oxigraph
    writes it), as a reader may trim it otherwise (pyoxigraph's reader read ``"\\n"`` as ``""``)."""
    core = value.strip(_XML_SPACE)
    if len(core) == len(value):
        return escape(value)
    start = len(value) - len(value.lstrip(_XML_SPACE))
    lead, trail = value[:start], value[start + len(core) :]
    return "".join(f"&#{ord(c)};" for c in lead) + escape(core) + "".join(f"&#{ord(c)};" for c in trail)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
        return f"<literal>{_xml_text(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
        f"</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):  # the values of its terms, as Oxigraph writes it
        return " ".join(_csv_value(t) for t in (term.subject, term.predicate, term.object))
    return term.value


def _tsv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Triple):  # a triple term is ``<<( s p o )>>``; str() leaves out the outer one
        return f"<<( {term} )>>"
    return str(term)


def _json_fragment(term: Term) -> str:
    """One term as a SPARQL JSON results object, written as text (:func:`_json_term` as JSON)."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _json_string(term.value) + "}"
    if isinstance(term, ox.Literal):
        value = '{"type":"literal","value":' + _json_string(term.value)
        if term.language:
            return value + ',"xml:lang":' + _json_string(term.language) + "}"
        datatype = term.datatype.value
        return value + ("}" if datatype == XSD_STRING else ',"datatype":' + _json_string(datatype) + "}")
    return json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))


def _json_solutions(variables: Sequence[str], rows: Sequence[Sequence[Term | None]]) -> bytes:
    """SELECT rows as SPARQL JSON results, written as text with each distinct term encoded once.

    Why not ``json.dumps`` of dicts: building a dict per term and encoding it was most of the
    endpoint's time on answers of a few thousand rows; answers repeat predicates, classes and
    partners, so a per-answer cache of encoded terms saves most of the rest.
    """
    keys = [_json_string(v) + ":" for v in variables]
    cache: dict[Term, str] = {}
    out: list[str] = []
    for row in rows:
        parts = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            fragment = cache.get(term)
            if fragment is None:
                fragment = cache[term] = _json_fragment(term)
            parts.append(key + fragment)
        out.append("{" + ",".join(parts) + "}")
    head = '{"head":{"vars":[' + ",".join(_json_string(v) for v in variables) + ']},"results":{"bindings":['
    return (head + ",".join(out) + "]}}").encode("utf-8")


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def serialise_solutions(variables: Sequence[str], rows: Sequence[Sequence[Term | None]], fmt: str) -> bytes:
    """SELECT rows in a SPARQL results format (``json``, ``xml``, ``csv``, ``tsv``)."""
    if fmt == "json":
        return _json_solutions(variables, rows)
    if fmt == "xml":
        out = [_XML_HEAD, "<head>"]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>\n")
        for row in rows:
            out.append("<result>")
            for v, t in zip(variables, row, strict=True):
                if t is not None:
                    out.append(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("</result>\n")
        out.append("</results>\n</sparql>\n")
        return "".join(out).encode("utf-8")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join([_tsv_value(t) for t in row]) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"unknown results format {fmt!r}")


def serialise_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer; CSV and TSV (which define none) carry it as one ``true``/``false`` line."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
    if fmt == "xml":
        return f"{_XML_HEAD}<head/>\n<boolean>{word}</boolean>\n</sparql>\n".encode()
    if fmt in ("csv", "tsv"):
        return f"{word}\n".encode()
    raise ValueError(f"unknown results format {fmt!r}")


def serialise_triples(triples: Iterable[ox.Triple], fmt: str, *, base: str) -> bytes:
    """Triples in an RDF format (``turtle``, ``jsonld``, ``ntriples``, ``rdfxml``)."""
    items = list(triples)
    prefixes = _used_prefixes(items, {**PREFIXES, "id": base}) if fmt in ("turtle", "rdfxml") else None
    body = ox.serialize(items, None, OX_FORMATS[fmt], prefixes=prefixes)
    return body or b""


def _used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace some IRI of ``triples`` starts with (a readable header)."""
    iris = {t.predicate.value for t in triples}
    iris |= {n.value for t in triples for n in (t.subject, t.object) if isinstance(n, ox.NamedNode)}
    iris |= {t.object.datatype.value for t in triples if isinstance(t.object, ox.Literal)}
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


# -- service description -----------------------------------------------------------------------


def service_description(endpoint: str, graph_store: str, named_graphs: Iterable[str], fmt: str) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint``, as ``fmt``."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = ox.BlankNode("service")
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def n(local: str) -> ox.NamedNode:
        return ox.NamedNode(sd + local)

    triples = [
        ox.Triple(service, rdf_type, n("Service")),
        ox.Triple(service, n("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, n("supportedLanguage"), n("SPARQL11Query")),
        ox.Triple(service, n("supportedLanguage"), n("SPARQL11Update")),
        ox.Triple(service, n("feature"), n("UnionDefaultGraph")),
        ox.Triple(
            service,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            ox.Literal(
                "coopgraph SPARQL 1.1 endpoint. The default graph is the union of all named graphs; "
                f"relative IRIs resolve against the data base. SERVICE and LOAD are refused. "
                f"Graph Store HTTP Protocol at {graph_store}.",
                language="en",
            ),
        ),
        ox.Triple(service, n("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, n("Dataset")),
        ox.Triple(dataset, n("defaultGraph"), default),
        ox.Triple(default, rdf_type, n("Graph")),
    ]
    for name in sorted(set(W3C_FORMATS)):
        triples.append(ox.Triple(service, n("resultFormat"), ox.NamedNode(W3C_FORMATS[name])))
    for i, g in enumerate(named_graphs):
        node = ox.BlankNode(f"g{i}")
        triples += [
            ox.Triple(dataset, n("namedGraph"), node),
            ox.Triple(node, rdf_type, n("NamedGraph")),
            ox.Triple(node, n("name"), ox.NamedNode(g)),
        ]
    prefixes = {"sd": sd, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"} if fmt in ("turtle", "rdfxml") else None
    body = ox.serialize(triples, None, OX_FORMATS[fmt], prefixes=prefixes)
    return body or b""
