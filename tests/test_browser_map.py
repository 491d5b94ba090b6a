"""/map, /network and /query in Debian's Chromium, over the seed graph and a 13,000-partnership graph.

Each page must draw, react to a filter and a click, ask nothing of any host but 127.0.0.1 and
log no console error. Screenshots land in tests/artifacts/.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser.graphgen import HOSTILE, generate, ontology_quads
from browser.pages import ARGS, chromium_path, watch

from graph.paths import seed_file
from graph.servers import coopgraph_server
from graph.store import open_store

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """coopgraph serve over a generated graph of 13,000 partnerships (1× the Atlas)."""
    folder = tmp_path_factory.mktemp("big") / "store"
    store = open_store(str(folder))
    store.add(ontology_quads(store.base) + generate(13000))
    store.close()
    with coopgraph_server(str(folder)) as server:
        yield server.url


@pytest.fixture(scope="module")
def seed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not seed_file().exists():
        pytest.skip("no seed graph yet")
    folder = tmp_path_factory.mktemp("seed") / "store"
    store = open_store(str(folder))
    store.init()
    store.close()
    with coopgraph_server(str(folder)) as server:
        yield server.url


FAVICON_404 = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def _clean(w: Any, origin: str, *, favicon_ok: bool = False) -> None:
    assert w.foreign_requests(origin) == []
    errors = w.errors
    if favicon_ok and not any(e.startswith("HTTP 404") for e in errors):
        # the browser's own /favicon.ico fetch (not a page request): the page declares no icon
        errors = [e for e in errors if e != FAVICON_404]
    assert errors == []


def _open_map(w: Any, url: str) -> None:
    w.page.goto(url)
    w.page.wait_for_selector("body[data-ready=true][data-loading=false]", timeout=60000)


def test_map_on_seed_graph(browser: Any, seed_server: str) -> None:
    w = watch(browser)
    _open_map(w, seed_server + "/map")
    assert int(w.page.get_attribute("body", "data-places") or 0) > 0
    assert w.page.locator("path.place-marker").count() > 0
    assert w.page.locator("path.partnership-line").count() > 0
    w.page.locator("path.place-marker").first.click(force=True)
    w.page.wait_for_selector("#panel:not([hidden]) h2")
    assert w.page.locator("#panel a.ego-link").count() == 1
    w.screenshot("map_seed")
    _clean(w, seed_server)
    w.page.close()


def test_map_at_atlas_scale_filters_clicks_and_escapes(browser: Any, big_server: str) -> None:
    w = watch(browser)
    _open_map(w, big_server + "/map")
    assert w.page.get_attribute("body", "data-partnerships") == "13000"
    assert w.page.get_attribute("body", "data-aggregation") == "country"
    assert w.page.locator(".marker-cluster").count() > 0
    assert w.page.locator("path.partnership-line").count() > 0
    w.screenshot("map_13000")
    # a filter changes what is shown, and lives in the URL
    w.page.select_option("#f-country", "ML")
    w.page.wait_for_url("**country=ML**")  # the URL is written as the load starts
    w.page.wait_for_selector("body[data-loading=false]")
    mali = int(w.page.get_attribute("body", "data-partnerships") or 0)
    assert 0 < mali < 13000
    assert w.page.locator("path.partnership-line").count() > 0
    # the shared URL restores the same view
    w.page.goto(w.page.url)
    w.page.wait_for_selector("body[data-ready=true][data-loading=false]")
    assert w.page.input_value("#f-country") == "ML"
    assert int(w.page.get_attribute("body", "data-partnerships") or 0) == mali
    # text search finds the authority whose name holds HTML; its panel shows the name as text
    w.page.select_option("#f-country", "")
    w.page.fill("#f-q", 'Saint-"Quote"')
    w.page.wait_for_url("**q=**")
    w.page.wait_for_selector("body[data-loading=false]")
    assert int(w.page.get_attribute("body", "data-partnerships") or 0) < 13000
    top, lon, lat = w.page.evaluate(
        "fetch('/api/map/places' + location.search).then(r => r.json())"
        ".then(g => g.features.reduce((a, b) => (b.properties.count > a.properties.count ? b : a)))"
        ".then(f => [f.properties.iri, f.geometry.coordinates[0], f.geometry.coordinates[1]])"
    )
    w.page.evaluate(f"window.coopMap.map.setView([{lat}, {lon}], 10, {{animate: false}})")  # out of its cluster
    marker = w.page.locator(f'path.place-marker[data-iri="{top}"]')
    marker.hover(force=True)
    assert w.page.inner_text(".leaflet-tooltip").endswith(")")  # "Place (number of partnerships)"
    marker.click(force=True)
    w.page.wait_for_selector("#panel:not([hidden]) h3")
    panel = w.page.inner_text("#panel-body")
    assert HOSTILE in panel
    assert w.page.locator("#panel b, #panel script").count() == 0
    assert w.page.evaluate("window.__xss") is None
    w.screenshot("map_13000_panel")
    # the language switch
    w.page.select_option("#lang", "en")
    w.page.wait_for_selector("body[data-ready=true]")
    assert "Partnership map" in w.page.inner_text("h1")
    _clean(w, big_server)
    w.page.close()


def _open_network(w: Any, url: str) -> int:
    w.page.goto(url)
    w.page.wait_for_selector("body[data-ready=true]", timeout=60000)
    w.page.wait_for_timeout(500)
    return int(w.page.evaluate("window.coopNetwork.body.data.nodes.length"))


def test_network_views(browser: Any, big_server: str) -> None:
    w = watch(browser)
    assert _open_network(w, big_server + "/network") > 10  # aggregated to countries past the threshold
    assert "agr" in w.page.inner_text("#status")
    w.screenshot("network_13000")
    narrow = _open_network(w, big_server + "/network?country=ML&colour=community&size=betweenness")
    assert narrow > 2
    hostile_ego = w.page.evaluate(
        "window.coopNetwork.body.data.nodes.get().map(n => n.id)"
    )  # any authority: take the first French one's ego network
    ego = next(i for i in hostile_ego if "/authority/fr/" in i)
    assert 1 < _open_network(w, big_server + "/network?radius=1&ego=" + quote(ego, safe="")) <= narrow
    w.screenshot("network_ego")
    _clean(w, big_server)
    w.page.close()


def test_network_tooltips_are_text(browser: Any, big_server: str) -> None:
    w = watch(browser)
    _open_network(w, big_server + "/network?q=" + quote('Saint-"Quote"'))
    title = w.page.evaluate(
        "(() => { const n = window.coopNetwork.body.data.nodes.get().find(n => n.label.includes('Quote'));"
        " return n.title.outerHTML; })()"
    )
    assert "&lt;script&gt;" in title and "<script>" not in title
    assert w.page.evaluate("window.__xss") is None
    _clean(w, big_server)
    w.page.close()


def test_query_page_runs_a_query(browser: Any, big_server: str) -> None:
    w = watch(browser)
    response = w.page.goto(big_server + "/query")
    if response is None or response.status == 404:
        pytest.skip("/query is not there yet")
    w.page.wait_for_selector(".yasqe .CodeMirror", timeout=30000)
    w.page.evaluate(
        "() => { window.coopgraphYasgui.getTab().setQuery("
        "'SELECT ?p WHERE { ?p a <https://w3id.org/coopgraph/def#Partnership> } ORDER BY ?p LIMIT 5'); return true; }"
    )
    w.page.locator(".yasqe_queryButton:visible").first.click()
    rows = w.page.locator(".yasr:visible table tbody tr")
    rows.first.wait_for(timeout=30000)
    assert rows.count() == 5
    assert "partnership/gen-" in w.page.inner_text(".yasr:visible table tbody")
    w.screenshot("query")
    _clean(w, big_server, favicon_ok=True)
    w.page.close()
