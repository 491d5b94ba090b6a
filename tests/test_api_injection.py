"""Hostile text in every parameter is data: quotes, braces, UNION, IRIs holding '>' and
newlines either match nothing (200, no items) or are refused naming the parameter (400/404) —
never a 500 and never more data than an honest value would give."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph import resources as res
from graph.store import Store

PAYLOADS = [
    '"',
    "'",
    "}",
    "{",
    '" } UNION { ?item ?p ?o } #',
    "EC' } UNION { ?s ?p ?o }",
    "https://w3id.org/coopgraph/id/country/ec> . ?item ?p ?o . <x",
    "https://w3id.org/coopgraph/id/authority/fr/mel>",
    "authority/fr/mel> } UNION { ?item a ?t",
    "fr\nUNION",
    "closed\n} UNION {",
    "2010) || true || (1",
    "%",
    "\\",
]
LIST_PARAMS = sorted({(k.name, f) for k in res.KINDS.values() for f in k.filters})
OTHER = [
    ("/api/search", "q"),
    ("/api/search", "kind"),
    ("/api/search", "limit"),
    ("/api/export", "format"),
    ("/api/export", "kind"),
    ("/api/provenance", "iri"),
    ("/api/authorities", "iri"),
    ("/api/authorities", "page"),
    ("/api/authorities", "size"),
    ("/api/authorities", "lang"),
    ("/id/authority/fr/besancon", "format"),
]


@pytest.fixture(scope="module")
def api_client(api_store: Store) -> TestClient:
    """Server errors come back as 500 answers here (the tests check there are none)."""
    return TestClient(create_app(api_store), raise_server_exceptions=False)


def check(r: Any, param: str) -> None:
    assert r.status_code in (200, 400, 404, 406), (r.status_code, r.text)
    if r.status_code == 400:
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["parameter"] == param, r.text


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("kind", "param"), LIST_PARAMS)
def test_list_filters(api_client: TestClient, kind: str, param: str, payload: str) -> None:
    r = api_client.get(f"/api/{kind}", params={param: payload})
    check(r, param)
    if r.status_code == 200:
        assert r.json()["total"] == 0, r.text


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("path", "param"), OTHER)
def test_other_parameters(api_client: TestClient, path: str, param: str, payload: str) -> None:
    params = {param: payload}
    if path == "/api/search" and param != "q":
        params["q"] = "besancon"
    r = api_client.get(path, params=params)
    check(r, param)
    if r.status_code == 200 and path == "/api/search":
        tokens = res.fold(payload).split()
        for hit in r.json()["items"]:
            assert all(t in res.fold(hit["matched"]) for t in tokens)
    if r.status_code == 200 and path == "/api/authorities":
        assert param in ("page", "lang") or r.json().get("total") in (0, None)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_export_filters(api_client: TestClient, payload: str) -> None:
    r = api_client.get("/api/export", params={"format": "nquads", "kind": "partnerships", "country": payload})
    check(r, "country")
    if r.status_code == 200:
        assert r.content == b""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ids_in_paths(api_client: TestClient, payload: str) -> None:
    for prefix in ("/api/authorities/", "/api/themes/", "/id/"):
        r = api_client.get(prefix + payload.replace("%", "%25").replace("\n", "%0A"), headers={"accept": "text/turtle"})
        assert r.status_code in (400, 404), (prefix, payload, r.status_code, r.text)
        if r.status_code == 400:
            assert r.json()["parameter"] == "id"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_question_parameters(api_client: TestClient, payload: str) -> None:
    for question in api_client.get("/api/questions").json()["items"]:
        for param in question["params"]:
            r = api_client.get(f"/api/questions/{question['name']}", params={param: payload})
            check(r, param)


def test_library_refuses_iris_that_would_break_out(api_store: Store) -> None:
    with pytest.raises(res.InvalidParameter) as err:
        res.list_resources(api_store, "partnerships", {"authority": "https://x.org/a> } UNION { ?item ?p ?o"})
    assert err.value.parameter == "authority"
    with pytest.raises(res.InvalidParameter):
        res.describe(api_store, "https://x.org/a>\n")
