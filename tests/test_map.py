"""The map's data (graph/render*.py), its API routes and the offline pages, without a browser."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))
from browser.graphgen import HOSTILE, generate, ontology_quads

from graph import render
from graph.render_geo import great_circle, split_antimeridian
from graph.render_index import build_index
from graph.render_network import network_data, network_page
from graph.store import Store, open_store


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    s.add(ontology_quads(s.base) + generate(300))
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    from api.app import create_app

    return TestClient(create_app(store))


def test_great_circle_ends_at_both_places_and_bends_north():
    (line,) = great_circle(3.06, 50.63, -78.5, -0.22)  # Lille → Quito
    assert line[0] == [3.06, 50.63] and line[-1] == [-78.5, -0.22]
    midpoint = line[len(line) // 2]
    assert midpoint[1] > (50.63 - 0.22) / 2  # a great circle leaves the straight line towards the pole


def test_line_across_the_antimeridian_is_split_at_180():
    segments = great_circle(178.4, -18.1, -149.6, -17.5)  # Suva → Papeete
    assert len(segments) == 2
    assert segments[0][-1][0] == 180.0 and segments[1][0][0] == -180.0
    assert segments[0][-1][1] == segments[1][0][1]
    assert split_antimeridian([[10, 0], [20, 0]]) == [[[10, 0], [20, 0]]]


def test_places_count_partnerships_and_filters_narrow_them(store: Store):
    everything = render.places_geojson(store)
    assert everything["meta"]["partnerships"] == 300
    total = sum(f["properties"]["count"] for f in everything["features"])
    assert total >= 2 * 290  # each partnership counts at its French and its foreign place
    mali = render.places_geojson(store, render.Filters.parse(country="ml"))
    expected = [
        p
        for p in render.map_index(store).partnerships
        if any((pl := render.map_index(store).place_of(a)) and pl.iso == "ML" for a in p.authorities())
    ]
    assert mali["meta"]["partnerships"] == len(expected) > 0
    assert len(mali["features"]) < len(everything["features"])
    closed = render.Filters.parse(status="closed", year_from="2000", year_to="2005")
    for p in render.select(render.map_index(store), closed):
        assert p.status == "closed" and p.start is not None and p.start <= 2005 and (p.end or 9999) >= 2000


def test_theme_filter_includes_narrower_themes(store: Store):
    top = render.Filters.parse(theme="technologies-information-communication")
    narrow = render.Filters.parse(theme="ville-intelligente")
    index = render.map_index(store)
    assert len(render.select(index, top)) > len(render.select(index, narrow)) > 0


def test_text_search_ignores_accents_and_case(store: Store):
    index = render.map_index(store)
    hits = render.select(index, render.Filters.parse(q='SAINT-"QUOTE"'))
    assert hits and all(HOSTILE in [index.name(a) for a in p.authorities()] for p in hits)


def test_bad_filters_name_the_parameter():
    with pytest.raises(render.FilterError) as err:
        render.Filters.parse(year_from="soon")
    assert err.value.parameter == "year_from"
    with pytest.raises(render.FilterError):
        render.Filters.parse(year_from="2010", year_to="2000")
    with pytest.raises(render.FilterError) as err:
        render.Filters.parse(q="北京 !!")  # folds to nothing: it would match every partnership
    assert err.value.parameter == "q"


def test_dense_views_aggregate_to_country_pairs(store: Store):
    index = render.map_index(store)
    lines = render.build_lines(index, index.partnerships, max_lines=50)
    assert lines["meta"]["aggregation"] == "country"
    assert sum(f["properties"]["count"] for f in lines["features"]) == sum(
        1 for p in index.partnerships for _ in p.pairs()
    )  # every partnership is in one country-pair line (all pairs here are FR × elsewhere)
    assert render.build_lines(index, index.partnerships)["meta"]["aggregation"] == "place"


def test_api_answers_geojson_and_problems(client: TestClient):
    facets = client.get("/api/map/facets", params={"lang": "en"}).json()
    country = next(c["code"] for c in facets["countries"] if c["code"] != "FR")
    r = client.get("/api/map/partnerships", params={"country": country})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    assert r.json()["features"] and all(f["geometry"]["type"].endswith("LineString") for f in r.json()["features"])
    bad = client.get("/api/map/places", params={"year_to": "x"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "year_to"
    assert bad.headers["content-type"] == "application/problem+json"
    assert client.get("/api/map/place", params={"iri": "https://example.org/nowhere"}).status_code == 404
    assert {s["code"] for s in facets["statuses"]} >= {"implementation", "closed"}
    assert client.get("/map/static/../../pyproject.toml").status_code == 404


def test_big_answers_are_kept_compressed_and_served_either_way(client: TestClient, monkeypatch: pytest.MonkeyPatch):
    """An answer past ``KEEP_PLAIN`` is held gzipped only; with or without gzip the client reads
    the same JSON, and a small answer is held as text."""
    small = render.JsonAnswer.of({"a": 1})
    assert not small.compressed and small.body == b'{"a":1}' and small.size == 7
    data = {"features": [{"name": f"Besançon {i}", "n": i} for i in range(20_000)]}
    big = render.JsonAnswer.of(data)
    assert big.compressed and big.size > render.KEEP_PLAIN and len(big.packed) < big.size / 4
    assert json.loads(big.body) == data and big.gzipped is big.packed
    monkeypatch.setattr(render, "KEEP_PLAIN", 100)  # every map answer of the test store is "big"
    fresh = {"year_from": "1901"}  # filters no other test asks: the answer is made now, compressed
    zipped = client.get("/api/map/places", params=fresh, headers={"Accept-Encoding": "gzip"})
    plain = client.get("/api/map/places", params=fresh, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and zipped.headers["content-encoding"] == "gzip"
    assert plain.json()["features"] and plain.content == zipped.content  # httpx decoded the gzip


def test_place_panel_lists_partnerships_projects_and_people(client: TestClient, store: Store):
    index = render.map_index(store)
    hostile = next(a for a in index.authorities.values() if index.name(a.iri) == HOSTILE)
    detail = client.get("/api/map/place", params={"iri": hostile.place}).json()
    assert HOSTILE in [a["name"] for a in detail["authorities"]]
    assert detail["partnerships"] and detail["partners"]
    assert any(p["name"] == HOSTILE for p in detail["people"])
    assert any("pilote" in p["title"] for p in detail["projects"])


def test_network_page_is_offline_and_escapes_names(store: Store, client: TestClient):
    data = network_data(store)
    assert data["level"] == "authority" and len(data["nodes"]) > 100
    html = network_page(data)
    assert "<script>window.__xss" not in html and "\\u003cscript\\u003e" in html
    assert '<link rel="stylesheet"' not in html and "<script src=" not in html
    assert "cdn.jsdelivr" not in html and "cdnjs.cloudflare" not in html
    small = network_data(store, max_nodes=10)
    assert small["level"] == "country" and {n["id"] for n in small["nodes"]} >= {"FR"}
    hostile = next(n["id"] for n in data["nodes"] if n["label"] == HOSTILE)
    ego = network_data(store, ego=hostile, radius=1)
    assert hostile in {n["id"] for n in ego["nodes"]} and len(ego["nodes"]) < len(data["nodes"])
    r = client.get("/network", params={"ego": "https://example.org/none"})
    assert r.status_code == 404 and r.json()["parameter"] == "ego"
    assert client.get("/network", params={"colour": "community", "size": "betweenness"}).status_code == 200


def test_map_page_escapes_and_cli_writes_offline_pages(tmp_path: Path, store: Store, client: TestClient):
    page = client.get("/map").text
    assert "https://" not in page.replace("https://w3id.org", "")
    store_dir = tmp_path / "store"
    disk = open_store(str(store_dir))
    disk.add(ontology_quads(disk.base) + generate(60))
    disk.close()
    from graph.cli import main

    runner = CliRunner()
    out = tmp_path / "map.html"
    result = runner.invoke(main, ["map", "--store", str(store_dir), "--out", str(out), "--status", "implementation"])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "<script>window.__xss" not in html and "L.map" in html and '"embedded":true' in html
    assert '<link rel="stylesheet" href' not in html and "<script src=" not in html
    embedded = html.split('id="map-embedded">', 1)[1].split("</script>", 1)[0]
    data = json.loads(embedded)
    assert data["places"]["features"] and all(d["partnerships"] for d in data["details"].values())
    net = tmp_path / "net.html"
    result = runner.invoke(
        main, ["network-view", "--store", str(store_dir), "--out", str(net), "--colour", "community"]
    )
    assert result.exit_code == 0, result.output
    assert "vis.Network" in net.read_text() and "<script src=" not in net.read_text()


# Statements that contradict the seed, stated in another graph, as a second source would: the
# network tests' Besançon–Dakar (closed, 2010–2016) over the seed's (under way in 2018), and Dakar
# governing a second place that has no coordinates and an IRI that sorts first.
LATER_SOURCE = """
@prefix coop: <https://w3id.org/coopgraph/def#> .
@prefix status: <https://w3id.org/coopgraph/def/status/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<partnership/besancon-dakar> coop:status status:closed ; coop:startYear 2012 , 2010 ;
    coop:endDate "2016-12-31"^^xsd:date .
<place/0> a coop:Place .
<authority/sn/dakar> coop:governs <place/0> .
"""


def _add_turtle(store: Store, text: str, graph: str) -> None:
    target = ox.NamedNode(store.graph(graph))
    triples = ox.parse(text, format=ox.RdfFormat.TURTLE, base_iri=store.base)
    store.add(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)


def test_several_values_are_picked_by_rule_not_by_row_order(seeded_store: Store):
    seed_index = build_index(seeded_store)
    dakar_bd = seeded_store.base + "partnership/besancon-dakar"
    dakar = seeded_store.base + "authority/sn/dakar"
    before = next(p for p in seed_index.partnerships if p.iri == dakar_bd)
    assert before.status == "implementation"  # the seed's article: under way in 2018
    _add_turtle(seeded_store, LATER_SOURCE, "test/later-source")
    index = build_index(seeded_store)
    after = next(p for p in index.partnerships if p.iri == dakar_bd)
    # closed is further along than implementation; the earliest start year; the end date's year
    assert (after.status, after.start, after.end) == ("closed", 2010, 2016)
    # of the two governed places, the one with coordinates, though place/0 sorts first
    assert index.authorities[dakar].place == seeded_store.base + "place/2253354"
    assert index.place_of(dakar) is not None


class _ShuffledStore(Store):
    """The same store (same backend), its rows handed over in another order: the answer of a
    query has no fixed order, and the index must not depend on it."""

    def __init__(self, store: Store, seed: int | None) -> None:
        super().__init__(store.backend, location=store.location, base=store.base)
        self.seed = seed
        self._version = store.version

    def iter_values(self, query: str, /, **bindings: Any) -> Iterator[tuple[str | None, ...]]:
        rows = list(super().iter_values(query, **bindings))
        if self.seed is None:
            rows.reverse()
        else:
            random.Random(self.seed).shuffle(rows)
        return iter(rows)


def test_index_does_not_depend_on_the_order_of_rows():
    s = open_store(":memory:")
    s.add(ontology_quads(s.base) + generate(80, seed=3))
    index = build_index(s)
    # give some partnerships, authorities and places a second value in another graph
    extra = []
    status = "https://w3id.org/coopgraph/def/status/"
    kind = "https://w3id.org/coopgraph/def/authority-kind/"
    for i, p in enumerate(index.partnerships[:20]):
        extra.append(f"<{p.iri}> coop:status <{status}{['closed', 'pipeline', 'suspended'][i % 3]}> ;")
        extra.append(f"  coop:startYear {1990 + i} ; coop:endYear {2030 - i} .")
    for i, a in enumerate(list(index.authorities.values())[:20]):
        extra.append(f"<{a.iri}> coop:authorityKind <{kind}region> ; coop:governs <{s.base}place/{i}> .")
        extra.append(f"<{s.base}place/{i}> a coop:Place ; wgs:lat {i}.5 ; wgs:long {i}.25 .")
    prefixes = "@prefix coop: <https://w3id.org/coopgraph/def#> .\n"
    prefixes += "@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .\n"
    _add_turtle(s, prefixes + "\n".join(extra), "test/second-source")
    reference = build_index(s)
    assert sum(p.status == "closed" for p in reference.partnerships[:20]) >= 7  # the conflicts are there
    for seed in (None, 1, 2, 3):
        assert build_index(_ShuffledStore(s, seed)) == reference, seed
    s.close()
