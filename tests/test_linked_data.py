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
