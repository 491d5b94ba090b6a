"""graph.jsonld writes JSON-LD that any processor reads back as exactly the triples given."""

from __future__ import annotations

import json

import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from graph.jsonld import compact
from graph.namespaces import PREFIXES

BASE = "https://w3id.org/coopgraph/id/"
CONTEXT = PREFIXES | {"id": BASE}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def read(body: bytes) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)}


def test_every_kind_of_term_comes_back() -> None:
    me, place = ox.NamedNode(BASE + "authority/fr/besancon"), ox.NamedNode(BASE + "place/3033123")
    odd = ox.NamedNode(BASE + "/double-slash")  # "id:" + "/double-slash" would be another IRI
    triples = {
        ox.Triple(me, RDF_TYPE, ox.NamedNode(PREFIXES["coop"] + "LocalAuthority")),
        ox.Triple(me, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Besançon", language="fr")),
        ox.Triple(me, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Besancon")),
        ox.Triple(me, ox.NamedNode(PREFIXES["coop"] + "governs"), place),
        ox.Triple(place, ox.NamedNode(PREFIXES["wgs"] + "lat"),
                  ox.Literal("47.24", datatype=ox.NamedNode(PREFIXES["xsd"] + "decimal"))),
        ox.Triple(place, ox.NamedNode("http://example.org/created"),
                  ox.Literal("2024-01-02T03:04:05Z", datatype=ox.NamedNode(PREFIXES["xsd"] + "dateTime"))),
        ox.Triple(ox.BlankNode("b1"), ox.NamedNode(PREFIXES["rdfs"] + "seeAlso"), odd),
        ox.Triple(me, ox.NamedNode(PREFIXES["rdfs"] + "seeAlso"), ox.NamedNode("urn:x:y")),
    }  # fmt: skip
    body = compact(triples, CONTEXT)
    document = json.loads(body)
    assert document["@context"]["id"] == BASE
    assert {n["@id"] for n in document["@graph"]} >= {"id:authority/fr/besancon", "id:place/3033123"}
    got = read(body)
    assert {t for t in got if not isinstance(t.subject, ox.BlankNode)} == {
        t for t in triples if not isinstance(t.subject, ox.BlankNode)
    }
    assert [t.object for t in got if isinstance(t.subject, ox.BlankNode)] == [odd]


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
IRIS = st.builds(lambda ns, rest: ns + rest.replace(" ", ""), st.sampled_from([*CONTEXT.values(), "http://x.org/"]),
                 st.text(alphabet="abc/:é-_.", min_size=1, max_size=6))  # fmt: skip
DATATYPES = st.sampled_from(
    [PREFIXES["xsd"] + t for t in ("string", "integer", "date", "anyURI")] + ["http://x.org/dt"]
)
TERMS = st.one_of(
    IRIS.map(ox.NamedNode),
    TEXT.map(ox.Literal),
    st.builds(lambda v, tag: ox.Literal(v, language=tag), TEXT, st.sampled_from(["fr", "en", "es-419"])),
    st.builds(lambda v, dt: ox.Literal(v, datatype=ox.NamedNode(dt)), TEXT, DATATYPES),
)


@given(st.lists(st.tuples(IRIS, IRIS, TERMS), max_size=12))
def test_any_triples_round_trip(rows: list[tuple[str, str, object]]) -> None:
    triples = {ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o) for s, p, o in rows}  # type: ignore[arg-type]
    assert read(compact(triples, CONTEXT)) == triples
