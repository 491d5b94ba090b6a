"""Facets that grow with the data (the projects of a funding instrument, the holders of a label,
the participants of an event): a detail embeds the first 100 with the total, a list item the
first 10, and a paginated route serves them all.

Runs on the API tests' small graph (tests/api_data.py) plus hubs big enough to pass both caps:
a funding instrument funding 130 projects directly and two through grants, a label held by 120
authorities, an event with 15 participants.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
from api_data import load
from fastapi.testclient import TestClient

from api.app import create_app
from api.routes.resources import SUBLIST_ROUTES
from graph import queries
from graph import resources as res
from graph.store import Store, open_store

BASE = "https://w3id.org/coopgraph/id/"
FUNDED_DIRECTLY = 130
HOLDERS = 120
PARTICIPANTS = 15


def hub_data() -> str:
    """TriG of the hubs (relative IRIs under the store's base)."""
    lines = [
        "@prefix coop: <https://w3id.org/coopgraph/def#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "<graph/seed/hubs> {",
        '  <funding/big> a coop:FundingInstrument ; rdfs:label "Gros fonds"@fr .',
        '  <label/big> a coop:Label ; rdfs:label "Gros label"@fr ; coop:aimsFor <authority/fr/besancon> .',
        '  <event/big> a coop:Event ; rdfs:label "Grande rencontre"@fr .',
        # two projects funded through grants: one named by the grant, one naming the grant
        "  <grant/g1> a coop:Grant ; coop:fromInstrument <funding/big> ; coop:fundsProject <project/via-grant-1> .",
        "  <grant/g2> a coop:Grant ; coop:fromInstrument <funding/big> .",
        '  <project/via-grant-1> a coop:Project ; rdfs:label "Par subvention 1"@fr .',
        '  <project/via-grant-2> a coop:Project ; rdfs:label "Par subvention 2"@fr ; coop:fundedBy <grant/g2> .',
    ]
    for n in range(FUNDED_DIRECTLY):
        lines.append(
            f'  <project/p-{n:03d}> a coop:Project ; rdfs:label "Projet {n}"@fr ; coop:fundedBy <funding/big> .'
        )
    for n in range(HOLDERS):
        lines.append(f'  <authority/xx/a-{n:03d}> a coop:LocalAuthority ; rdfs:label "Commune {n}"@fr .')
        lines.append(f"  <label/big> coop:heldBy <authority/xx/a-{n:03d}> .")
    for n in range(PARTICIPANTS):
        lines.append(f'  <person/p-{n:02d}> a foaf:Person ; foaf:name "Personne {n}" .')
        lines.append(f"  <event/big> coop:participant <person/p-{n:02d}> .")
    lines.append("}")
    return "\n".join(lines)


def hub_store() -> Store:
    store = open_store(":memory:")
    load(store)
    store.add(ox.parse(hub_data(), format=ox.RdfFormat.TRIG, base_iri=store.base))
    return store


@pytest.fixture(scope="module")
def hubs() -> Iterator[Store]:
    store = hub_store()
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(hubs: Store) -> TestClient:
    return TestClient(create_app(hubs))


FUNDED = sorted(
    [BASE + f"project/p-{n:03d}" for n in range(FUNDED_DIRECTLY)]
    + [BASE + "project/via-grant-1", BASE + "project/via-grant-2"]
)
HELD = sorted(BASE + f"authority/xx/a-{n:03d}" for n in range(HOLDERS))
ATTENDED = sorted(BASE + f"person/p-{n:02d}" for n in range(PARTICIPANTS))
# (sub-collection, kind, id of the hub, every member in order)
HUBS = [
    ("funds", "funding", "funding/big", FUNDED),
    ("heldBy", "labels", "label/big", HELD),
    ("aimsFor", "labels", "label/big", [BASE + "authority/fr/besancon"]),
    ("participants", "events", "event/big", ATTENDED),
]


def iris(items: list[dict[str, Any]]) -> list[str]:
    return [item["iri"] for item in items]


@pytest.mark.parametrize(("name", "kind", "ident", "expected"), HUBS)
def test_detail_embeds_the_first_members_with_the_total(
    client: TestClient, name: str, kind: str, ident: str, expected: list[str]
) -> None:
    detail = client.get(f"/api/{kind}/{ident}").json()
    assert iris(detail[name]) == expected[: res.SUBLIST_SIZE]
    assert detail[f"{name}Total"] == len(expected)
    more = detail.get("more", {}).get(name)
    if len(expected) > res.SUBLIST_SIZE:
        assert more == f"{SUBLIST_ROUTES[name]}?{urlencode({'iri': BASE + ident})}"
    else:
        assert more is None
    assert all(item["label"] for item in detail[name])  # labelled links, as every other facet


@pytest.mark.parametrize(("name", "kind", "ident", "expected"), HUBS)
def test_paginated_route_pages_through_every_member(
    client: TestClient, name: str, kind: str, ident: str, expected: list[str]
) -> None:
    route, iri, size = SUBLIST_ROUTES[name], BASE + ident, 50
    detail = client.get(f"/api/{kind}/{ident}").json()
    pages = -(-len(expected) // size)
    seen: list[dict[str, Any]] = []
    for n in range(1, pages + 1):
        r = client.get(route, params={"iri": iri, "page": n, "size": size})
        assert r.status_code == 200
        body = r.json()
        assert (body["iri"], body["total"], body["page"], body["size"], body["pages"]) == (
            iri,
            len(expected),
            n,
            size,
            pages,
        )
        assert r.headers["X-Total-Count"] == str(len(expected))
        assert f'page={pages}>; rel="last"' in r.headers["Link"]
        assert ('rel="next"' in r.headers["Link"]) == (n < pages)
        seen.extend(body["items"])
    assert iris(seen) == expected
    assert seen[: len(detail[name])] == detail[name]  # the detail's members are the first page's, as shown
    # the default page size is the detail's cap; past the end, an empty page with the total
    assert iris(client.get(route, params={"iri": iri}).json()["items"]) == expected[: res.SUBLIST_SIZE]
    beyond = client.get(route, params={"iri": iri, "page": pages + 1, "size": size}).json()
    assert beyond["items"] == [] and beyond["total"] == len(expected)


@pytest.mark.parametrize(("name", "kind", "ident", "expected"), HUBS)
def test_list_items_embed_only_the_first_members(
    client: TestClient, name: str, kind: str, ident: str, expected: list[str]
) -> None:
    body = client.get(f"/api/{kind}", params={"size": 500}).json()
    item = next(i for i in body["items"] if i["id"] == ident)
    assert iris(item[name]) == expected[: res.LIST_SUBLIST_SIZE]
    assert item[f"{name}Total"] == len(expected)
    if len(expected) > res.LIST_SUBLIST_SIZE:
        assert item["more"][name] == f"{SUBLIST_ROUTES[name]}?{urlencode({'iri': BASE + ident})}"
    else:
        assert name not in item.get("more", {})


def test_small_instrument_keeps_its_whole_list(client: TestClient) -> None:
    item = next(i for i in client.get("/api/funding").json()["items"] if i["id"] == "funding/ficol")
    assert iris(item["funds"]) == [BASE + "project/quito-digital"] and item["fundsTotal"] == 1
    assert "more" not in item


@pytest.mark.parametrize("route", sorted(SUBLIST_ROUTES.values()))
def test_sublist_route_errors(client: TestClient, route: str) -> None:
    unknown = client.get(route, params={"iri": BASE + "funding/nowhere"})
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")
    assert unknown.json()["parameter"] == "iri"
    wrong_kind = client.get(route, params={"iri": BASE + "place/3033123"})  # known, but of another kind
    assert wrong_kind.status_code == 404 and "not one of the" in wrong_kind.json()["detail"]
    for params, parameter in (
        ({"iri": "not an iri"}, "iri"),
        ({"iri": BASE + "funding/big>\n} UNION {"}, "iri"),
        ({}, "iri"),
        ({"iri": BASE + "funding/big", "size": 0}, "size"),
        ({"iri": BASE + "funding/big", "size": res.MAX_PAGE_SIZE + 1}, "size"),
        ({"iri": BASE + "funding/big", "page": 0}, "page"),
        ({"iri": BASE + "funding/big", "lang": "de"}, "lang"),
    ):
        r = client.get(route, params=params)
        assert r.status_code == 400, (route, params)
        assert r.json()["parameter"] == parameter


def test_library_validates_names_and_pages(hubs: Store) -> None:
    with pytest.raises(res.InvalidParameter) as err:
        res.members(hubs, "nothing", BASE + "funding/big")
    assert err.value.parameter == "name"
    with pytest.raises(res.InvalidParameter) as err:
        res.members(hubs, "funds", BASE + "funding/big", page=0)
    assert err.value.parameter == "page"
    with pytest.raises(res.NotFound):
        res.owner_kind_check(hubs, "funds", BASE + "label/big")


def test_totals_follow_writes() -> None:
    """The sorted members are kept per store version: a write shows at once."""
    store = hub_store()
    try:
        iri = BASE + "funding/big"
        before = res.get_resource(store, "funding", iri)["fundsTotal"]
        assert res.members(store, "funds", iri).total == before == len(FUNDED)
        store.add(
            ox.parse(
                "<graph/seed/more> { <project/late> <https://w3id.org/coopgraph/def#fundedBy> <funding/big> . }",
                format=ox.RdfFormat.TRIG,
                base_iri=store.base,
            )
        )
        assert res.get_resource(store, "funding", iri)["fundsTotal"] == before + 1
        assert BASE + "project/late" in iris(res.members(store, "funds", iri, size=500).items)
    finally:
        store.close()


def test_list_queries_never_aggregate_a_growing_facet() -> None:
    """A list query that GROUP_CONCATs a growing facet would put every member in each list page."""
    for sub in res.SUBLISTS.values():
        text = queries.load(res.KINDS[sub.kind].query).text
        assert f"?{sub.name}_list" not in text, sub.name
        assert sub.query in queries.names() and "iri" in queries.load(sub.query).params


def test_openapi_says_what_is_embedded_and_where_the_rest_is(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name, route in SUBLIST_ROUTES.items():
        op = paths[route]["get"]
        assert {p["name"] for p in op["parameters"]} == {"iri", "page", "size", "lang"}
        assert f"first {res.SUBLIST_SIZE}" in op["summary"] and f"{name}Total" in op["summary"]
        kind = res.SUBLISTS[name].kind
        assert route in paths[f"/api/{kind}"]["get"]["summary"]
        assert f"first {res.LIST_SUBLIST_SIZE}" in paths[f"/api/{kind}"]["get"]["summary"]
        assert route in paths[f"/api/{kind}/{{ident}}"]["get"]["summary"]
    assert "/api/incoming" in paths["/api/places/{ident}"]["get"]["summary"]
    assert "first" not in paths["/api/places"]["get"]["summary"]  # no growing facet: nothing capped
