"""Namespaces and IRI conventions shared by every layer.

The ontology lives in ``ontology/`` as data; this module only names the namespaces so that
code and queries agree on them. schema.org is used in its ``https://schema.org/`` form (the
one rdflib's ``SDO`` constant uses) and never mixed with ``http://schema.org/``.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

COOP = Namespace("https://w3id.org/coopgraph/def#")
"""The coopgraph ontology (classes and properties)."""

COOP_DEF = "https://w3id.org/coopgraph/def/"
"""Root of the SKOS concept schemes (themes, statuses, roles, kinds) published with the ontology."""

THEME = Namespace(COOP_DEF + "theme/")
STATUS = Namespace(COOP_DEF + "status/")
ROLE = Namespace(COOP_DEF + "role/")
AUTHORITY_KIND = Namespace(COOP_DEF + "authority-kind/")
ORG_KIND = Namespace(COOP_DEF + "organisation-kind/")

DEFAULT_BASE = "https://w3id.org/coopgraph/id/"
"""Default base of minted data IRIs; configurable per store (``COOPGRAPH_BASE``)."""

# rdflib 7.6's WGS constant carries a wrong https IRI: declare the W3C one ourselves.
WGS = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
FRAPO = Namespace("http://purl.org/cerif/frapo/")
VANN = Namespace("http://purl.org/vocab/vann/")
GEONAMES = Namespace("https://sws.geonames.org/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "coop": str(COOP),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "rov": str(ROV),
    "prov": str(PROV),
    "schema": str(SDO),
    "time": str(TIME),
    "geo": str(GEO),
    "wgs": str(WGS),
    "frapo": str(FRAPO),
    "vann": str(VANN),
}
"""Prefixes every named query and serialisation may rely on."""

__all__ = [
    "AUTHORITY_KIND",
    "COOP",
    "COOP_DEF",
    "DEFAULT_BASE",
    "FRAPO",
    "GEO",
    "GEONAMES",
    "ORG_KIND",
    "PREFIXES",
    "ROLE",
    "ROV",
    "STATUS",
    "THEME",
    "VANN",
    "WD",
    "WGS",
]
