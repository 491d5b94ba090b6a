"""/sparql served ahead of FastAPI's routing (api.direct), and the form decoder it reads with
(api.forms): the same answers as through FastAPI, the same problems and headers, the same
pairs as the standard library's parser."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import Response

from api.app import create_app
from api.direct import DirectRoutes, Handler
from api.forms import form_pairs
from api.routes import sparql
from api.settings import Settings
from graph.store import Store, open_store

QUERY = 'SELECT ?s ?name WHERE { ?s <http://example.org/name> ?name } ORDER BY ?s # "comment" & 100% + more'


@pytest.fixture(scope="module")
def store() -> Store:
    store = open_store(":memory:")
    store.update(
        'INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/name> "Besançon"@fr ;'
        " <http://example.org/n> 1 . } }"
    )
    return store


def _without_direct_routes(app: FastAPI) -> FastAPI:
    app.user_middleware = [m for m in app.user_middleware if m.cls is not DirectRoutes]
    return app


@pytest.fixture(scope="module")
def clients(store: Store) -> tuple[TestClient, TestClient]:
    """The app as served, and the same app with /sparql left to FastAPI's routes."""
    direct = create_app(store, Settings(token="t"))
    assert any(m.cls is DirectRoutes for m in direct.user_middleware)
    routed = _without_direct_routes(create_app(store, Settings(token="t")))
    return TestClient(direct), TestClient(routed)


REQUESTS = [
    ("GET", {"params": {"query": QUERY}}),
    ("GET", {"params": {"query": QUERY, "format": "csv"}}),
    ("GET", {"params": {}}),  # the service description
    ("GET", {"params": {"update": "CLEAR ALL"}}),  # 405
    ("GET", {"params": {"query": "SELECT * WHERE { ?s ?p }"}}),  # malformed: 400 with its position
    ("POST", {"data": {"query": QUERY}}),
    ("POST", {"content": QUERY.encode(), "headers": {"Content-Type": "application/sparql-query"}}),
    ("POST", {"content": QUERY.encode(), "headers": {"Content-Type": "text/plain"}}),  # 415
    ("POST", {"data": {"query": QUERY}, "headers": {"Accept": "image/png"}}),  # 406
    ("POST", {"data": {"update": "CLEAR ALL"}}),  # 401: no token
    ("PUT", {"content": b""}),  # not a direct route: FastAPI's 405
]


@pytest.mark.parametrize(("method", "kwargs"), REQUESTS)
def test_direct_and_routed_answers_are_the_same(
    clients: tuple[TestClient, TestClient], method: str, kwargs: dict[str, object]
) -> None:
    direct, routed = (c.request(method, "/sparql", **kwargs) for c in clients)  # type: ignore[arg-type]
    assert direct.status_code == routed.status_code
    assert direct.content == routed.content
    ignore = {"content-security-policy", "x-request-id", "date"}  # a nonce and an id per request
    assert {k: v for k, v in direct.headers.items() if k not in ignore} == {
        k: v for k, v in routed.headers.items() if k not in ignore
    }
    assert direct.headers["x-content-type-options"] == "nosniff" and "content-security-policy" in direct.headers


def test_direct_routes_behind_a_proxy_prefix(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a ``root_path`` (a proxy serving the app under /coop), /coop/sparql goes the direct way
    (the handlers in ``DIRECT`` see the requests; FastAPI's routes would call them otherwise)."""
    seen: list[str] = []

    def recorded(handler: Handler) -> Handler:
        async def wrapped(request: Request) -> Response:
            seen.append(f"{request.method} {request.url.path}")
            return await handler(request)

        return wrapped

    for key, handler in list(sparql.DIRECT.items()):
        monkeypatch.setitem(sparql.DIRECT, key, recorded(handler))
    client = TestClient(create_app(store, Settings(token="t")), root_path="/coop")
    r = client.post("/coop/sparql", data={"query": QUERY})
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["name"]["value"] == "Besançon"
    assert client.get("/coop/sparql", params={"query": QUERY}).json() == r.json()
    assert seen == ["POST /coop/sparql", "GET /coop/sparql"]


def test_direct_routes_stay_in_the_openapi_description(clients: tuple[TestClient, TestClient]) -> None:
    paths = clients[0].get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/sparql"])


def test_other_paths_and_methods_go_on_to_fastapi(clients: tuple[TestClient, TestClient]) -> None:
    direct = clients[0]
    r = direct.delete("/sparql")
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert direct.get("/healthz").json()["status"] == "ok"
    assert direct.get("/sparql/", follow_redirects=False).status_code == 307  # not the direct path


# -- form decoding ----------------------------------------------------------------------------

ESCAPY = st.text(
    alphabet=st.sampled_from(list("ab%+&=\\x0123456789AFfgé ;\n")) | st.characters(exclude_categories=["Cs"]),
    max_size=60,
)
"""Text as it comes from HTTP (decoded bytes: no lone surrogates), rich in escapes gone wrong."""


@settings(max_examples=400, deadline=None)
@given(ESCAPY)
def test_form_pairs_agree_with_parse_qsl_on_any_text(raw: str) -> None:
    """Malformed escapes, stray '%', backslashes, '+', blanks: the same pairs as the standard parser."""
    assert form_pairs(raw) == parse_qsl(raw, keep_blank_values=True)
    assert form_pairs(raw.encode("utf-8")) == parse_qsl(raw, keep_blank_values=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=20), st.text(max_size=200)), max_size=5))
def test_form_pairs_read_back_what_urlencode_wrote(pairs: list[tuple[str, str]]) -> None:
    assert form_pairs(urlencode(pairs)) == pairs


def test_form_pairs_of_a_long_query() -> None:
    text = QUERY * 200
    assert form_pairs(urlencode({"query": text, "default-graph-uri": "http://example.org/g"})) == [
        ("query", text),
        ("default-graph-uri", "http://example.org/g"),
    ]
