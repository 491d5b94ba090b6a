"""The JSON API's lists, details, filters, pagination, exports, provenance and questions.

Runs on a known graph (tests/api_data.py: the ontology plus a small data set); a subset runs
again on a real Oxigraph server (the remote backend).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from api_data import AUTHORITIES, load
from fastapi.testclient import TestClient
from rdflib import URIRef

from api.app import create_app
from graph import resources as res
from graph.store import Store, open_store

BASE = "https://w3id.org/coopgraph/id/"


def ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("authorities", AUTHORITIES),
        ("places", 4),
        ("countries", 3),
        ("projects", 2),
        ("partnerships", 2),
        ("people", 2),
        ("organisations", 2),
        ("exchanges", 1),
        ("funding", 1),
        ("events", 1),
        ("documents", 1),
        ("labels", 1),
    ],
)
def test_every_list_counts_its_kind(api_client: TestClient, kind: str, expected: int) -> None:
    r = api_client.get(f"/api/{kind}")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == expected == len(body["items"])
    assert r.headers["X-Total-Count"] == str(expected)


def test_themes_list_holds_the_scheme(api_client: TestClient) -> None:
    body = api_client.get("/api/themes?size=500").json()
    assert "theme/ville-intelligente" in ids(body)
    narrow = api_client.get("/api/themes?broader=economie-durable").json()
    assert set(ids(narrow)) == {
        "theme/technologies-information-communication",
        "theme/ville-intelligente",
        "theme/amenagement-numerique",
    }


def test_pagination_totals_and_link_headers(api_client: TestClient) -> None:
    full = ids(api_client.get("/api/authorities").json())
    pages = [api_client.get(f"/api/authorities?size=2&page={n}") for n in (1, 2, 3)]
    assert [i for p in pages for i in ids(p.json())] == full
    middle = pages[1]
    assert middle.json()["total"] == AUTHORITIES and middle.json()["pages"] == 3
    links = middle.headers["Link"]
    for rel, n in (("first", 1), ("prev", 1), ("next", 3), ("last", 3)):
        assert f'page={n}>; rel="{rel}"' in links
    assert "size=2" in links
    assert 'rel="next"' not in pages[2].headers["Link"]
    assert 'rel="prev"' not in pages[0].headers["Link"]
    beyond = api_client.get("/api/authorities?size=2&page=9").json()
    assert beyond["items"] == [] and beyond["total"] == AUTHORITIES


@pytest.mark.parametrize(("param", "value"), [("size", "501"), ("size", "0"), ("page", "0"), ("page", "x")])
def test_bad_pagination_names_the_parameter(api_client: TestClient, param: str, value: str) -> None:
    r = api_client.get(f"/api/places?{param}={value}")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["parameter"] == param


def test_cq1_partnerships_by_partner_country(api_client: TestClient) -> None:
    body = api_client.get("/api/partnerships?country=EC").json()
    assert ids(body) == ["partnership/lille-quito"]
    item = body["items"][0]
    assert [p["id"] for p in item["frenchPartner"]] == ["authority/fr/mel"]
    assert item["startYear"] == 1994
    assert [t["id"] for t in item["themes"]] == ["theme/eau-assainissement"]
    iri = api_client.get(f"/api/partnerships?country={BASE}country/sn").json()
    assert ids(iri) == ["partnership/besancon-dakar"]


def test_cq2_projects_of_an_authority(api_client: TestClient) -> None:
    body = api_client.get("/api/projects?authority=authority/fr/mel").json()
    assert ids(body) == ["project/quito-digital"]
    assert body["items"][0]["status"]["id"] == "status/implementation"
    assert {i["id"] for i in body["items"][0]["involves"]} == {"authority/fr/mel", "authority/ec/quito"}


def test_cq3_authority_detail_shows_place_and_country(api_client: TestClient) -> None:
    for path in ("/api/authorities/authority/fr/besancon", "/api/authorities/fr/besancon"):
        body = api_client.get(path).json()
        assert body["place"]["label"] == "Besançon"
        assert body["country"]["id"] == "country/fr"
    by_iri = api_client.get(f"/api/authorities?iri={BASE}authority/sn/dakar").json()
    assert by_iri["country"]["id"] == "country/sn"


def test_cq4_cq9_person_memberships(api_client: TestClient) -> None:
    body = api_client.get("/api/people/person/myriam-el-yassa").json()
    assert [m["organization"]["id"] for m in body["memberships"]] == ["authority/fr/besancon"]
    assert body["memberships"][0]["role"]["iri"].endswith("person-role/councillor")
    members = api_client.get("/api/authorities/fr/besancon").json()["members"]
    assert [m["member"]["id"] for m in members] == ["person/myriam-el-yassa"]
    assert ids(api_client.get("/api/people?organisation=authority/fr/besancon").json()) == ["person/myriam-el-yassa"]


def test_cq5_funding_instruments(api_client: TestClient) -> None:
    item = api_client.get("/api/funding").json()["items"][0]
    assert [o["id"] for o in item["operatedBy"]] == ["organisation/afd"]
    assert [p["id"] for p in item["funds"]] == ["project/quito-digital"]


def test_cq6_exchanges_by_theme_label_or_slug(api_client: TestClient) -> None:
    for theme in ("digital", "ville-intelligente", "economie-durable", "Numérique"):
        body = api_client.get(f"/api/exchanges?theme={theme}").json()
        assert ids(body) == ["exchange/digital-dakar"], theme
    item = body["items"][0]
    assert [a["id"] for a in item["sharedBy"]] == ["authority/fr/besancon"]
    assert [a["id"] for a in item["receivedBy"]] == ["authority/sn/dakar"]
    assert api_client.get("/api/exchanges?theme=eau-assainissement").json()["total"] == 0


def test_cq7_event_detail(api_client: TestClient) -> None:
    body = api_client.get("/api/events/event/2018-meeting").json()
    assert [o["id"] for o in body["organizer"]] == ["organisation/villes-internet"]
    assert {p["id"] for p in body["participants"]} == {"person/myriam-el-yassa", "person/akim-oural"}
    assert body["presentations"][0]["presenter"]["id"] == "person/myriam-el-yassa"
    assert body["presentations"][0]["presents"]["id"] == "partnership/besancon-dakar"
    assert api_client.get("/api/events?year_from=2019").json()["total"] == 0
    assert api_client.get("/api/events?year_from=2018&year_to=2018").json()["total"] == 1


def test_cq8_cq10_documents_and_labels(api_client: TestClient) -> None:
    doc = api_client.get("/api/documents").json()["items"][0]
    assert [c["id"] for c in doc["creators"]] == ["person/akim-oural"]
    assert doc["handedOnDate"] == "2018-07-03"
    label = api_client.get("/api/labels").json()["items"][0]
    assert [a["id"] for a in label["awardedBy"]] == ["organisation/villes-internet"]
    assert [a["id"] for a in label["heldBy"]] == ["authority/fr/besancon"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=closed", {"partnership/lille-quito"}),
        ("status=implementation", {"partnership/besancon-dakar"}),
        ("year_from=2011", {"partnership/besancon-dakar"}),
        ("year_to=2000", {"partnership/lille-quito"}),
        ("year_from=1990&year_to=1993", set()),
        ("year_from=1995&year_to=2009", {"partnership/lille-quito", "partnership/besancon-dakar"}),
        ("status=closed&year_from=2011", set()),
        ("theme=digital", {"partnership/besancon-dakar"}),
    ],
)
def test_cq11_partnerships_by_status_and_years(api_client: TestClient, query: str, expected: set[str]) -> None:
    assert set(ids(api_client.get(f"/api/partnerships?{query}").json())) == expected


def test_project_year_and_kind_filters(api_client: TestClient) -> None:
    assert ids(api_client.get("/api/projects?year_to=2004").json()) == ["project/dakar-water"]
    assert ids(api_client.get("/api/projects?year_from=2005").json()) == ["project/quito-digital"]
    communes = api_client.get("/api/authorities?kind=commune").json()
    assert set(ids(communes)) == {"authority/fr/besancon", "authority/fr/evil"}
    assert ids(api_client.get("/api/organisations?kind=association").json()) == ["organisation/villes-internet"]
    assert set(ids(api_client.get("/api/places?country=fr").json())) == {"place/3033123", "place/2998324"}


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("/api/partnerships?country=ZZ", "country"),
        ("/api/partnerships?country=France", "country"),
        ("/api/partnerships?theme=nothing-like-it", "theme"),
        ("/api/partnerships?status=ongoing", "status"),
        ("/api/partnerships?year_from=abc", "year_from"),
        ("/api/partnerships?year_to=20 10", "year_to"),
        ("/api/partnerships?year_from=2010&year_to=2000", "year_from"),
        ("/api/authorities?kind=university", "kind"),
        ("/api/projects?authority=not an id", "authority"),
        ("/api/authorities?iri=not-an-iri", "iri"),
        ("/api/search?q=%20%21%21", "q"),
        ("/api/export?format=xml", "format"),
        ("/api/export?format=turtle&country=FR", "kind"),
        ("/api/export?format=turtle&kind=nope", "kind"),
    ],
)
def test_errors_are_problems_naming_the_parameter(api_client: TestClient, query: str, param: str) -> None:
    r = api_client.get(query)
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["parameter"] == param and body["status"] == 400 and body["title"]


def test_unknown_resource_is_404_problem(api_client: TestClient) -> None:
    r = api_client.get("/api/authorities/fr/nowhere")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    # a place is not an authority
    assert api_client.get("/api/authorities/place/3033123").status_code == 404


def test_detail_lists_statements_incoming_and_partnerships(api_client: TestClient) -> None:
    body = api_client.get("/api/authorities/fr/besancon").json()
    props = {s["property"]["curie"] for s in body["statements"]}
    assert {"coop:governs", "coop:authorityKind", "rdfs:label", "dcterms:source"} <= props
    incoming = {(s["subject"]["id"], s["property"]["curie"]) for s in body["incoming"]}
    assert ("partnership/besancon-dakar", "org:hasMember") in incoming
    assert [p["id"] for p in body["partnerships"]] == ["partnership/besancon-dakar"]
    assert body["provenance"]["sources"][0]["id"] == "source/article"


def test_detail_sub_collections_page_through_incoming_and_partnerships(
    api_client: TestClient, api_store: Store
) -> None:
    iri = BASE + "country/fr"
    detail = api_client.get("/api/countries/fr").json()
    assert detail["incomingTotal"] == len(detail["incoming"]) >= 2  # under the cap: all of them, no "more"
    assert detail["partnershipsTotal"] == len(detail["partnerships"]) >= 1 and "more" not in detail
    # the paginated routes give the same rows, in the same order, a page at a time
    pages = [api_client.get("/api/incoming", params={"iri": iri, "size": 1, "page": n}) for n in (1, 2)]
    assert [p.json()["items"][0] for p in pages] == detail["incoming"][:2]
    assert pages[0].json()["total"] == detail["incomingTotal"] and 'rel="next"' in pages[0].headers["Link"]
    partnerships = api_client.get("/api/partnerships-of", params={"iri": iri, "size": 500}).json()
    assert partnerships["items"] == detail["partnerships"] and partnerships["total"] == detail["partnershipsTotal"]
    # past the cap a detail embeds the first rows only, with the totals
    capped = res.about(api_store, iri, size=1)
    assert capped["incoming"] == detail["incoming"][:1] and capped["incomingTotal"] == detail["incomingTotal"]
    assert len(capped["partnerships"]) == 1 and capped["partnershipsTotal"] == detail["partnershipsTotal"]
    assert api_client.get("/api/incoming", params={"iri": BASE + "place/nowhere"}).status_code == 404
    assert api_client.get("/api/incoming", params={"iri": "not an iri"}).json()["parameter"] == "iri"
    assert api_client.get("/api/partnerships-of", params={"iri": iri, "size": 0}).json()["parameter"] == "size"


@pytest.mark.parametrize("kind", ["authorities", "partnerships", "projects"])
def test_country_order_walked_from_the_country_matches_the_filter(api_store: Store, kind: str) -> None:
    """``api_order_{kind}_in_country`` (used when a country is given) finds what the general order
    query's FILTER EXISTS finds, with each other filter too."""
    from graph.resources.rows import solution_rows

    for code in ("fr", "sn", "ec"):
        country = URIRef(BASE + "country/" + code)
        variant = set(solution_rows(api_store, f"api_order_{kind}_in_country", country=country))
        assert variant == set(solution_rows(api_store, f"api_order_{kind}", country=country))
        assert code != "fr" or variant


def test_lang_parameter_picks_labels(api_client: TestClient) -> None:
    fr = api_client.get("/api/countries/ec").json()
    en = api_client.get("/api/countries/ec?lang=en").json()
    assert (fr["label"], en["label"]) == ("Équateur", "Ecuador")
    assert api_client.get("/api/countries?lang=de").json()["parameter"] == "lang"


def test_cq14_provenance(api_client: TestClient) -> None:
    body = api_client.get(f"/api/provenance?iri={BASE}authority/fr/evil").json()
    (graph,) = body["graphs"]
    assert graph["graph"]["id"] == "graph/batch/b1"
    assert graph["batch"]["id"] == "batch/b1"
    assert graph["date"].startswith("2024-01-02")
    assert graph["file"] == "evil.csv"
    assert api_client.get(f"/api/provenance?iri={BASE}authority/none").status_code == 404
    assert api_client.get("/api/provenance?iri=a b").json()["parameter"] == "iri"


def test_export_whole_graph_in_every_format(api_client: TestClient, api_store: Store) -> None:
    quads = list(api_store.quads())
    nq = api_client.get("/api/export?format=nquads")
    assert nq.headers["content-type"].startswith("application/n-quads")
    assert len(list(ox.parse(nq.content, format=ox.RdfFormat.N_QUADS))) == len(quads)
    ttl = api_client.get("/api/export?format=turtle")
    triples = {q.triple for q in quads}
    assert {q.triple for q in ox.parse(ttl.content, format=ox.RdfFormat.TURTLE)} == triples
    jsonld = api_client.get("/api/export?format=jsonld")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert {q.triple for q in ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD)} == triples
    rows = list(csv.DictReader(io.StringIO(api_client.get("/api/export?format=csv").text)))
    assert len(rows) == len(quads)
    assert {"subject", "predicate", "object", "datatype", "language", "graph"} == set(rows[0])


def test_export_of_a_filter(api_client: TestClient) -> None:
    r = api_client.get("/api/export?format=nquads&kind=places&country=SN")
    subjects = {q.subject.value for q in ox.parse(r.content, format=ox.RdfFormat.N_QUADS)}
    assert subjects == {BASE + "place/2253354"}
    r = api_client.get("/api/export?format=turtle&kind=places&country=FR")
    subjects = {t.subject.value for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE)}
    # the geometry sub-node of Besançon comes with it
    assert subjects == {BASE + "place/3033123", BASE + "place/3033123#geometry", BASE + "place/2998324"}
    rows = list(
        csv.DictReader(io.StringIO(api_client.get("/api/export?format=csv&kind=partnerships&status=closed").text))
    )
    assert {r["subject"] for r in rows} == {BASE + "partnership/lille-quito"}


def test_questions_list_and_run(api_client: TestClient) -> None:
    listed = api_client.get("/api/questions").json()["items"]
    names = [q["name"] for q in listed]
    assert names == sorted(names) and all(n.startswith("cq") for n in names)
    assert api_client.get("/api/questions/cq99_nothing").status_code == 404
    if not listed:
        pytest.skip("no competency-question queries yet")
    first = listed[0]
    r = api_client.get(f"/api/questions/{first['name']}")
    assert r.status_code == 200 and r.json()["count"] == len(r.json()["rows"])
    assert api_client.get(f"/api/questions/{first['name']}?no_such_param=1").json()["parameter"] == "no_such_param"


def test_openapi_documents_every_list_with_its_filters(api_client: TestClient) -> None:
    spec = api_client.get("/openapi.json").json()
    for kind in res.KINDS.values():
        params = {p["name"] for p in spec["paths"][f"/api/{kind.name}"]["get"]["parameters"]}
        assert set(kind.filters) | {"page", "size", "lang", "iri"} == params
        assert f"/api/{kind.name}/{{ident}}" in spec["paths"]


def test_docs_served_from_vendored_assets(api_client: TestClient) -> None:
    page = api_client.get("/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "unpkg" not in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert api_client.get(f"/static/vendor/swagger-ui-dist/{asset}").status_code == 200
    manifest = json.loads(api_client.get("/static/vendor/manifest.json").text)
    assert manifest["swagger-ui-dist"]["license"] == "Apache-2.0"


def test_home_page_links_and_counts(api_client: TestClient) -> None:
    page = api_client.get("/")
    assert page.status_code == 200
    for target in ('href="/map"', 'href="/network"', 'href="/query"', 'href="/docs"', 'href="/static/site.css"'):
        assert target in page.text
    assert f'<a href="/api/authorities">Local authorities</a></td><td>{AUTHORITIES}</td>' in page.text


# -- the same routes on a real Oxigraph server ---------------------------------------------------
@pytest.fixture(scope="module")
def remote_client(oxigraph: Any) -> Iterator[TestClient]:
    s = open_store(oxigraph.url + "/query")
    s.update("DROP SILENT ALL")
    load(s)
    yield TestClient(create_app(s))
    s.update("DROP SILENT ALL")
    s.close()


@pytest.mark.remote
def test_remote_backend_serves_the_same_answers(remote_client: TestClient, api_client: TestClient) -> None:
    for url in (
        "/api/partnerships?country=EC",
        "/api/partnerships?status=closed&year_from=1995&year_to=2009",
        "/api/authorities?size=2&page=2",
        "/api/projects?authority=authority/fr/mel",
        "/api/exchanges?theme=digital",
        "/api/search?q=besancon",
        "/api/funding",
        f"/api/funded-projects?iri={BASE}funding/ficol",
        "/api/events",
    ):
        remote, local = remote_client.get(url), api_client.get(url)
        assert remote.status_code == 200, url
        assert remote.json() == local.json(), url
        assert remote.headers.get("Link") == local.headers.get("Link")
    detail = remote_client.get("/api/authorities/fr/besancon").json()
    assert detail["country"]["id"] == "country/fr"
    assert remote_client.get("/api/partnerships?country=ZZ").json()["parameter"] == "country"
    assert remote_client.get("/id/authority/fr/besancon", headers={"accept": "text/turtle"}).status_code == 200
    nq = remote_client.get("/api/export?format=nquads&kind=places&country=SN")
    assert {q.subject.value for q in ox.parse(nq.content, format=ox.RdfFormat.N_QUADS)} == {BASE + "place/2253354"}


# -- the competency questions on the real seed graph ---------------------------------------------
def test_seed_graph_answers_through_rest(seed_store: Store) -> None:
    c = TestClient(create_app(seed_store))
    quito = c.get("/api/partnerships?country=EC").json()
    assert quito["total"] >= 1
    members = {m["id"] for item in quito["items"] for m in item["members"]}
    assert any(m.startswith("authority/ec/") for m in members) and any(m.startswith("authority/fr/") for m in members)
    lille = next(m for item in quito["items"] for m in item["frenchPartner"])
    projects = c.get("/api/projects", params={"authority": lille["id"]}).json()
    assert projects["total"] >= 1 and all(p["status"] for p in projects["items"])
    besancon = c.get("/api/search?q=besancon&kind=authorities").json()["items"][0]
    detail = c.get(f"/api/authorities/{besancon['id']}").json()
    assert detail["country"]["id"] == "country/fr" and detail["place"]["label"]
    assert c.get("/api/exchanges?theme=digital").json()["total"] >= 1
    events = c.get("/api/events").json()["items"]
    assert events and c.get(f"/api/events/{events[0]['id']}").json()["participants"]
    assert c.get("/api/funding").json()["total"] >= 1 and c.get("/api/labels").json()["total"] >= 1
    assert any(d["creators"] for d in c.get("/api/documents").json()["items"])
    prov = c.get("/api/provenance", params={"iri": besancon["iri"]}).json()
    assert prov["graphs"] and all(g["graph"]["id"].startswith("graph/") for g in prov["graphs"])
