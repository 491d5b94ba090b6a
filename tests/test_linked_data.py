"""/id/… dereferences every resource: HTML for browsers, Turtle, JSON-LD or N-Triples by Accept."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from api_data import load
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.linked_data import negotiate
from graph.store import open_store

BASE = "https://w3id.org/coopgraph/id/"
HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    s = open_store(":memory:")
    load(s)
    yield TestClient(create_app(s))
    s.close()


def test_html_page_shows_label_types_statements_links(client: TestClient) -> None:
    r = client.get("/id/authority/fr/besancon", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert "<h1>Ville de Besançon</h1>" in page
    assert "coop:LocalAuthority" in page or "Collectivité territoriale" in page
    assert 'href="/id/place/3033123"' in page  # internal IRIs link to /id/
    assert 'href="/id/partnership/besancon-dakar"' in page  # incoming link and its partnerships
    assert "coop:governs" in page
    assert 'href="/id/source/article"' in page  # its sources
    assert "graph/seed/test" in page
    assert 'href="/static/site.css"' in page
    assert "http://" not in page.split("<main>")[0].replace('xmlns="http://', "")  # nothing external in head


def test_html_page_shows_its_import_batch(client: TestClient) -> None:
    page = client.get("/id/authority/fr/evil", headers=HTML).text
    assert 'href="/id/batch/b1"' in page and "evil.csv" in page and "2024-01-02" in page


def test_hostile_label_is_text(client: TestClient) -> None:
    page = client.get("/id/authority/fr/evil", headers=HTML).text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    # and where the evil authority appears as a link on another page (a search page is JSON; the home is not)
    assert "<script>" not in client.get("/", headers=HTML).text


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
    ],
)
def test_rdf_by_accept(client: TestClient, accept: str, media: str, fmt: ox.RdfFormat) -> None:
    r = client.get("/id/authority/fr/besancon", headers={"accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    triples = {q.triple for q in ox.parse(r.content, format=fmt)}
    me = ox.NamedNode(BASE + "authority/fr/besancon")
    governs = ox.NamedNode("https://w3id.org/coopgraph/def#governs")
    assert ox.Triple(me, governs, ox.NamedNode(BASE + "place/3033123")) in triples
    member = ox.NamedNode("http://www.w3.org/ns/org#hasMember")
    assert ox.Triple(ox.NamedNode(BASE + "partnership/besancon-dakar"), member, me) in triples  # incoming
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    assert ox.Triple(ox.NamedNode(BASE + "place/3033123"), label, ox.Literal("Besançon", language="fr")) in triples


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    r = client.get("/id/place/2253354?format=ntriples", headers=HTML)
    assert r.headers["content-type"].startswith("application/n-triples")
    assert client.get("/id/place/2253354?format=pdf").json()["parameter"] == "format"


def test_unacceptable_media_is_406(client: TestClient) -> None:
    r = client.get("/id/place/2253354", headers={"accept": "application/pdf"})
    assert r.status_code == 406 and r.headers["content-type"].startswith("application/problem+json")


def test_unknown_iri_is_404_html_or_problem(client: TestClient) -> None:
    html = client.get("/id/authority/fr/atlantis", headers=HTML)
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")
    assert "atlantis" in html.text
    problem = client.get("/id/authority/fr/atlantis", headers={"accept": "text/turtle"})
    assert problem.status_code == 404 and problem.headers["content-type"].startswith("application/problem+json")
    hostile = client.get("/id/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers=HTML)
    assert hostile.status_code == 404 and "<script>alert(1)" not in hostile.text


def test_negotiate() -> None:
    assert negotiate(HTML["accept"]) == "text/html"
    assert negotiate("text/turtle;q=0.5, application/ld+json") == "application/ld+json"
    assert negotiate("text/html;q=0.1, text/turtle") == "text/turtle"
    assert negotiate("image/png") is None
    assert negotiate("") == "text/turtle"


# -- what the RDF answer holds -------------------------------------------------------------------
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://xmlns.com/foaf/0.1/name",
}
SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")


def expected_document(triples: set[ox.Triple], iri: str, incoming: set[ox.Triple] | None = None) -> set[ox.Triple]:
    """The document of ``iri`` derived from every triple of the store: its statements, those of
    its fragments (``iri#…``), the statements pointing at it (or ``incoming``), and the labels of
    every IRI these link to."""
    own = {t for t in triples if t.subject.value == iri or t.subject.value.startswith(iri + "#")}
    pointing = incoming if incoming is not None else {t for t in triples if t.object == ox.NamedNode(iri)}
    linked = {t.object for t in own if isinstance(t.object, ox.NamedNode)} | {t.subject for t in pointing}
    labels = {t for t in triples if t.subject in linked and t.predicate.value in LABELS}
    return own | pointing | labels


def test_rdf_document_of_every_resource(client: TestClient) -> None:
    """Every resource of the test graph (none with more than 100 incoming links) gets all its
    statements both ways, those of its fragments, the labels of what they link to, nothing else."""
    store = client.app.state.store  # type: ignore[attr-defined]
    triples = {q.triple for q in store.quads()}
    resources = {t.subject.value for t in triples if t.subject.value.startswith(BASE) and "#" not in t.subject.value}
    assert len(resources) > 20
    for iri in sorted(resources):
        r = client.get("/id/" + iri[len(BASE) :], headers={"accept": "application/n-triples"})
        assert r.status_code == 200, iri
        got = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}
        assert got == expected_document(triples, iri), iri


def test_rdf_document_holds_its_fragments(client: TestClient) -> None:
    r = client.get("/id/place/3033123", headers={"accept": "text/turtle"})
    triples = {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    wkt = ox.NamedNode("http://www.opengis.net/ont/geosparql#asWKT")
    assert any(t.subject.value == BASE + "place/3033123#geometry" and t.predicate == wkt for t in triples)


HUB_LINKS = 130


@pytest.fixture(scope="module")
def hub_client() -> Iterator[TestClient]:
    """The test graph plus a funding instrument that 130 projects point at."""
    s = open_store(":memory:")
    load(s)
    lines = ["<graph/seed/hub> {", "<funding/big> a <https://w3id.org/coopgraph/def#FundingInstrument> ."]
    for n in range(HUB_LINKS):
        lines.append(
            f'<project/p-{n:03d}> <http://www.w3.org/2000/01/rdf-schema#label> "Projet {n}"@fr ; '
            "<https://w3id.org/coopgraph/def#fundedBy> <funding/big> ."
        )
    lines.append("}")
    s.add(ox.parse("\n".join(lines), format=ox.RdfFormat.TRIG, base_iri=s.base))
    yield TestClient(create_app(s))
    s.close()


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [("application/n-triples", ox.RdfFormat.N_TRIPLES), ("text/turtle", ox.RdfFormat.TURTLE),
     ("application/ld+json", ox.RdfFormat.JSON_LD)],
)  # fmt: skip
def test_hub_document_holds_the_first_incoming_links_and_points_to_the_rest(
    hub_client: TestClient, accept: str, fmt: ox.RdfFormat
) -> None:
    from graph import resources as res

    iri = BASE + "funding/big"
    r = hub_client.get("/id/funding/big", headers={"accept": accept})
    assert r.status_code == 200
    got = {q.triple for q in ox.parse(r.content, format=fmt)}
    store = hub_client.app.state.store  # type: ignore[attr-defined]
    triples = {q.triple for q in store.quads()}
    me = ox.NamedNode(iri)
    pointing = sorted((t for t in triples if t.object == me), key=lambda t: (t.predicate.value, t.subject.value))
    assert len(pointing) == HUB_LINKS > res.SUBLIST_SIZE
    first = set(pointing[: res.SUBLIST_SIZE])
    (see_also,) = [t for t in got if t.predicate == SEE_ALSO]
    assert see_also.subject == me
    assert got - {see_also} == expected_document(triples, iri, incoming=first)
    # the pointer is the paginated JSON list of every incoming link
    url = see_also.object.value
    assert url.startswith("http://testserver/api/incoming?")
    listed = hub_client.get(url[len("http://testserver") :] + "&size=500").json()
    assert listed["total"] == HUB_LINKS
    assert {i["subject"]["iri"] for i in listed["items"]} == {t.subject.value for t in pointing}


def test_normal_resource_has_no_pointer(hub_client: TestClient) -> None:
    r = hub_client.get("/id/project/p-001", headers={"accept": "application/n-triples"})
    assert not any(q.predicate == SEE_ALSO for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
