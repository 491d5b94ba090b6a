"""HTTP hardening: security headers and the CSP nonce, CORS (writes same-origin), the upload cap,
request ids, the write token on every write route (constant-time, never logged), and pages that
escape hostile names."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

import api.auth
from api.app import create_app
from api.settings import Settings
from graph.servers import free_port
from graph.store import Store, open_store

TOKEN = "s3cret-token-value-0123456789"
HOSTILE = "<script>alert(1)</script>\"'&"
LIMIT = 4096
CORS_OK = "https://friend.example"


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    """The seed, with one French partner authority renamed to a hostile label."""
    s = open_store(":memory:")
    s.init()
    rows = s.select_values(
        "SELECT ?a WHERE { ?p a <https://w3id.org/coopgraph/def#Partnership> ; "
        "<https://w3id.org/coopgraph/def#frenchPartner> ?a } ORDER BY ?a LIMIT 1"
    )[1]
    authority = rows[0][0]
    assert authority
    literal = '"' + HOSTILE.replace("\\", "\\\\").replace('"', '\\"') + '"'
    s.update(
        f"DELETE {{ GRAPH ?g {{ <{authority}> ?p ?l }} }} WHERE {{ GRAPH ?g {{ <{authority}> ?p ?l "
        "FILTER(?p IN (<http://www.w3.org/2000/01/rdf-schema#label>, <http://www.w3.org/2004/02/skos/core#prefLabel>,"
        " <http://www.w3.org/2004/02/skos/core#altLabel>)) } } ;"
        f"INSERT DATA {{ GRAPH <{s.graph('seed/hostile')}> {{ <{authority}> "
        f"<http://www.w3.org/2000/01/rdf-schema#label> {literal}@fr , {literal}@en ; "
        f"<http://www.w3.org/2004/02/skos/core#prefLabel> {literal}@fr , {literal}@en }} }}"
    )
    s.hostile = authority  # type: ignore[attr-defined]
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    settings = Settings(token=TOKEN, max_upload=LIMIT, cors_origins=(CORS_OK,))
    return TestClient(create_app(store, settings), raise_server_exceptions=False)


# -- headers and the CSP ---------------------------------------------------------------------

PAGES = ["/", "/query", "/docs", "/map", "/api/authorities", "/openapi.json", "/sparql", "/id/country/fr"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_answer(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text[:300]
    csp = r.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src is not None
    sources = script_src.group(1).split()
    assert sources[0] == "'self'" and all(s == "'self'" or s.startswith("'nonce-") for s in sources)
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp and "connect-src 'self'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"


def test_error_answers_carry_headers_too(client: TestClient) -> None:
    r = client.get("/api/authorities", params={"page": "x"})
    assert r.status_code == 400
    assert "content-security-policy" in r.headers and r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/query", "/docs"])
def test_inline_scripts_carry_this_requests_nonce(client: TestClient, path: str) -> None:
    """Every executable inline script of the page has the nonce the policy names, and it changes."""
    nonces = []
    for _ in range(2):
        r = client.get(path)
        nonce = re.search(r"'nonce-([^']+)'", r.headers["content-security-policy"])
        assert nonce is not None
        nonces.append(nonce.group(1))
        scripts = re.findall(r"<script([^>]*)>", r.text)
        inline = [a for a in scripts if "src=" not in a and "application/json" not in a]
        assert inline, "the page has an inline script"
        assert all(f'nonce="{nonce.group(1)}"' in a for a in inline)
        external = [a for a in scripts if "src=" in a]
        assert all(re.search(r'src="/', a) for a in external), external  # same-origin only
    assert nonces[0] != nonces[1]


def test_map_page_runs_no_inline_script(client: TestClient) -> None:
    r = client.get("/map")
    scripts = re.findall(r"<script([^>]*)>", r.text)
    assert all("src=" in a or "application/json" in a for a in scripts)


def test_request_id_echoed_when_safe_minted_otherwise(client: TestClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"
    minted = client.get("/healthz", headers={"x-request-id": "bad id <script>" + "x" * 80}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", minted)
    assert client.get("/healthz").headers["x-request-id"] != client.get("/healthz").headers["x-request-id"]


# -- CORS ------------------------------------------------------------------------------------


def test_cors_reads_for_listed_origins_only(client: TestClient) -> None:
    ok = client.get("/api/countries", headers={"origin": CORS_OK})
    assert ok.headers["access-control-allow-origin"] == CORS_OK
    assert "Origin" in ok.headers["vary"]
    other = client.get("/api/countries", headers={"origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


def test_cors_preflight_never_allows_the_token_header(client: TestClient) -> None:
    def preflight(origin: str, method: str, headers: str) -> httpx.Response:
        return client.options(
            "/sparql",
            headers={
                "origin": origin,
                "access-control-request-method": method,
                "access-control-request-headers": headers,
            },
        )

    good = preflight(CORS_OK, "POST", "content-type")
    assert good.status_code == 204 and good.headers["access-control-allow-origin"] == CORS_OK
    assert "authorization" not in good.headers["access-control-allow-headers"].lower()
    assert preflight(CORS_OK, "POST", "authorization,content-type").status_code == 403
    assert preflight(CORS_OK, "DELETE", "").status_code == 403
    assert preflight(CORS_OK, "PUT", "content-type").status_code == 403
    assert preflight("https://evil.example", "POST", "content-type").status_code == 403


def test_cross_origin_writes_refused_even_with_the_token(client: TestClient, store: Store) -> None:
    before = store.stats()["triples"]
    for origin in ("https://evil.example", "null"):
        r = client.post(
            "/sparql",
            data={"update": "CLEAR ALL"},
            headers={"origin": origin, "authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 403
        assert r.headers["content-type"] == "application/problem+json"
    assert store.stats()["triples"] == before
    same = client.post("/sparql", data={"query": "ASK {}"}, headers={"origin": "http://testserver"})
    assert same.status_code == 200


# -- upload cap ------------------------------------------------------------------------------


def test_oversize_upload_refused_by_content_length(client: TestClient) -> None:
    r = client.post("/sparql", content=b"#" * (LIMIT + 1), headers={"content-type": "application/sparql-query"})
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert str(LIMIT) in r.json()["detail"]


def test_oversize_streamed_upload_refused() -> None:
    """A chunked body (no Content-Length) is cut as soon as it passes the limit."""
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(1000):
            sent += 1024
            yield b"#" * 1024

    s = open_store(":memory:")
    app = create_app(s, Settings(token=TOKEN, max_upload=LIMIT))
    with serving(app) as url:
        r = httpx.post(
            url + "/rdf-graph-store?graph=http://example.org/g",
            content=chunks(),
            headers={"content-type": "text/turtle", "authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
    assert r.status_code == 413
    assert r.json()["status"] == 413
    assert s.named_graphs() == []


def test_upload_under_limit_is_read(client: TestClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 " + "#" * (LIMIT - 100)
    r = client.post("/sparql", content=query.encode(), headers={"content-type": "application/sparql-query"})
    assert r.status_code == 200


def test_bad_content_length_refused() -> None:
    """A Content-Length that is not a number is refused before the app reads anything."""
    import socket

    s = open_store(":memory:")
    with serving(create_app(s, Settings(max_upload=LIMIT))) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
            head = sock.recv(4096).decode("latin-1")
    assert head.split(" ", 2)[1] in ("400", "413"), head


# -- the write token -------------------------------------------------------------------------


def write_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route that is not GET/HEAD, however the routers are nested."""

    def walk(routes: list[Any]) -> Iterator[Any]:
        for route in routes:
            contexts = getattr(route, "effective_route_contexts", None)
            if contexts is not None:
                yield from contexts()
            else:
                yield route

    found = set()
    for route in walk(app.routes):
        methods = getattr(route, "methods", None) or set()
        for method in methods - {"GET", "HEAD", "OPTIONS"}:
            found.add((method, route.path))
    return sorted(found)


def _request_for(method: str, path: str) -> dict[str, Any]:
    """A plausible write request to ``path`` (an update for /sparql, Turtle for graphs, a file for imports)."""
    url = re.sub(r"\{[^}]+\}", "x", path)
    if url.startswith("/sparql"):
        return {"method": method, "url": url, "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}
    if "graph-store" in url:
        return {
            "method": method,
            "url": url + "?graph=http://example.org/g",
            "content": b"<urn:a> <urn:b> <urn:c> .",
            "headers": {"content-type": "text/turtle"},
        }
    return {"method": method, "url": url, "files": {"file": ("x.csv", b"a,b\n1,2\n", "text/csv")}}


def test_every_write_route_is_known(client: TestClient) -> None:
    routes = write_routes(client.app)
    assert ("POST", "/sparql") in routes
    assert ("DELETE", "/rdf-graph-store") in routes


def test_every_write_needs_the_token(client: TestClient, store: Store) -> None:
    before = store.stats()["triples"]
    for method, path in write_routes(client.app):
        request = _request_for(method, path)
        headers = request.pop("headers", {})
        none = client.request(**request, headers=headers)
        assert none.status_code == 401, (method, path, none.status_code, none.text[:200])
        assert none.headers["www-authenticate"] == "Bearer"
        request = _request_for(method, path)
        headers = request.pop("headers", {}) | {"authorization": "Bearer wrong"}
        wrong = client.request(**request, headers=headers)
        assert wrong.status_code == 403, (method, path, wrong.status_code, wrong.text[:200])
        request = _request_for(method, path)
        headers = request.pop("headers", {}) | {"authorization": f"Basic {TOKEN}"}
        assert client.request(**request, headers=headers).status_code == 401
    assert store.stats()["triples"] == before


def test_no_token_configured_refuses_every_write(store: Store) -> None:
    app = create_app(store, Settings(token=None))
    c = TestClient(app, raise_server_exceptions=False)
    r = c.post("/sparql", data={"update": "CLEAR ALL"}, headers={"authorization": "Bearer anything"})
    assert r.status_code == 403


def test_token_compared_in_constant_time(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = api.auth.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(api.auth.hmac, "compare_digest", spy)
    r = client.post("/sparql", data={"update": "CLEAR GRAPH <urn:none>"}, headers={"authorization": "Bearer nope"})
    assert r.status_code == 403
    assert calls == [(b"nope", TOKEN.encode())]
    r = client.post(
        "/sparql", data={"update": "CLEAR SILENT GRAPH <urn:none>"}, headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 204
    assert calls[-1] == (TOKEN.encode(), TOKEN.encode())


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + repr(record.args))


def serving(app: Any, **config: Any) -> Any:
    """``app`` served by uvicorn in a thread on a free loopback port (a context manager)."""
    from contextlib import contextmanager

    @contextmanager
    def run() -> Iterator[str]:
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level=config.get("log_level", "warning"))
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)

    return run()


def test_token_never_logged(store: Store) -> None:
    """uvicorn's access and error logs and every library logger, at DEBUG, never hold the token."""
    collect = _Collect()
    names = ["", "uvicorn", "uvicorn.access", "uvicorn.error", "fastapi", "api", "graph", "httpx"]
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    app = create_app(store, Settings(token=TOKEN))
    try:
        with serving(app, log_level="debug") as url:
            for lg in loggers:
                lg.addHandler(collect)
                lg.setLevel(logging.DEBUG)
            auth = {"authorization": f"Bearer {TOKEN}"}
            assert httpx.post(url + "/sparql", data={"update": "CLEAR SILENT GRAPH <urn:x>"}, headers=auth).is_success
            httpx.post(url + "/sparql", data={"update": "NOT SPARQL"}, headers=auth)
            httpx.put(url + "/rdf-graph-store?graph=urn:x", content=b"broken turtle <", headers=auth)
            httpx.post(url + "/sparql", data={"update": "CLEAR ALL"}, headers={"authorization": f"Bearer {TOKEN}x"})
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(collect)
            lg.setLevel(level)
    assert any("/sparql" in line for line in collect.lines), "the access log was captured"
    assert not [line for line in collect.lines if TOKEN in line]


# -- pages escape hostile names --------------------------------------------------------------


def _no_raw_markup(text: str) -> None:
    assert "<script>alert(1)" not in text
    assert HOSTILE not in text


def test_resource_page_escapes_a_hostile_label(client: TestClient, store: Store) -> None:
    iri: str = store.hostile  # type: ignore[attr-defined]
    r = client.get("/id/" + iri[len(store.base) :], headers={"accept": "text/html"})
    assert r.status_code == 200
    _no_raw_markup(r.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text


def test_pages_linking_the_hostile_authority_escape_it(client: TestClient, store: Store) -> None:
    """Every page naming the authority (its partnerships' pages, the home page) escapes it."""
    iri: str = store.hostile  # type: ignore[attr-defined]
    partnerships = store.select_values(
        f"SELECT ?p WHERE {{ ?p <https://w3id.org/coopgraph/def#frenchPartner> <{iri}> }}"
    )[1]
    assert partnerships
    for (p,) in partnerships:
        assert p is not None
        r = client.get("/id/" + p[len(store.base) :], headers={"accept": "text/html"})
        assert r.status_code == 200
        _no_raw_markup(r.text)
    _no_raw_markup(client.get("/").text)


def test_not_found_page_escapes_the_path(client: TestClient) -> None:
    r = client.get("/id/" + quote("<script>alert(1)</script>\"'&"), headers={"accept": "text/html"})
    assert r.status_code == 404
    _no_raw_markup(r.text)


def test_json_answers_are_json_not_html(client: TestClient, store: Store) -> None:
    r = client.get("/api/search", params={"q": "alert"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert any(HOSTILE in _strings(item) for item in r.json()["items"])  # the name as data, unaltered


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_network_page_keeps_hostile_names_inside_json(client: TestClient, store: Store) -> None:
    r = client.get("/network", params={"q": "alert"})
    if r.status_code == 404:
        pytest.skip("/network is not there yet")
    assert r.status_code == 200
    _no_raw_markup(r.text)
    # every occurrence of the name sits inside a JSON data block, with '<' escaped
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in r.text


def test_map_side_panel_data_is_json(client: TestClient, store: Store) -> None:
    r = client.get("/api/map/places", params={"q": "alert"})
    if r.status_code == 404:
        pytest.skip("/api/map/places is not there yet")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geo+json")
