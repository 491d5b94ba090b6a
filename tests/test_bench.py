"""The benchmark generator and harness, end to end at a tiny scale (the figures live in bench/)."""

from __future__ import annotations

import json
import re
import sys
import time
import types
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from bench import extensions, harness, report, stores, timing
from bench import generate as gen
from bench.clients import CallTimeout, DeadlineClient
from bench.queryset import QUERY_DIR
from graph.allocator import jemalloc_library
from graph.namespaces import COOP

SCALE = 0.01
SEED = 7


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The harness's work folder: the data of :func:`tiny` is in its ``data`` folder, where the
    harness finds it and does not generate it again."""
    return tmp_path_factory.mktemp("bench-work")


@pytest.fixture(scope="module")
def tiny(workdir: Path) -> gen.Generated:
    return gen.write_all(workdir / "data", SCALE, seed=SEED)


def test_generation_is_deterministic_by_seed(tmp_path: Path) -> None:
    a, b, c = gen.generate(SCALE, 3), gen.generate(SCALE, 3), gen.generate(SCALE, 4)
    gen.write_nquads(a, tmp_path / "a.nq")
    gen.write_nquads(b, tmp_path / "b.nq")
    gen.write_nquads(c, tmp_path / "c.nq")
    assert (tmp_path / "a.nq").read_bytes() == (tmp_path / "b.nq").read_bytes()
    assert (tmp_path / "a.nq").read_bytes() != (tmp_path / "c.nq").read_bytes()


def test_counts_follow_the_atlas_at_scale() -> None:
    data = gen.generate(SCALE, 1)
    counts = data.counts()
    assert counts["french_authorities"] == round(gen.ATLAS["french"] * SCALE)
    assert counts["foreign_authorities"] == round(gen.ATLAS["foreign"] * SCALE)
    assert counts["projects"] == round(gen.ATLAS["projects"] * SCALE)
    # every foreign authority is in at least one partnership, every partnership has a project
    assert {p.foreign.key for p in data.partnerships} == {a.key for a in data.foreign}
    assert {p.partnership.key for p in data.projects} == {p.key for p in data.partnerships}


def test_places_are_real_and_in_the_right_country() -> None:
    data = gen.generate(SCALE, 2)
    by_id = {c.geonames_id: c for cities in gen.gazetteer().values() for c in cities}
    for authority in data.french + data.foreign:
        real = by_id[authority.city.geonames_id]
        assert real.country == authority.country
        assert (real.lat, real.long) == (authority.city.lat, authority.city.long)
    assert {a.country for a in data.french} == {"FR"}
    assert "FR" not in {a.country for a in data.foreign}


def test_projects_are_skewed_towards_a_few_countries_and_authorities() -> None:
    data = gen.generate(0.2, 42)
    per_country = data.projects_per_country()
    non_european = [c for c, _ in per_country.most_common() if c in {"ML", "BF", "SN", "MA", "TN", "MG", "BJ", "CM"}]
    assert non_european[:3] == ["ML", "BF", "SN"]
    per_french = Counter(p.partnership.french.key for p in data.projects)
    top_tenth = sum(n for _, n in per_french.most_common(len(data.french) // 10))
    assert top_tenth / len(data.projects) > 0.3


def test_turtle_and_nquads_hold_the_same_triples_in_the_fixed_vocabulary(tiny: gen.Generated) -> None:
    nq = list(ox.parse(path=str(tiny.nquads), format=ox.RdfFormat.N_QUADS))
    ttl = {q.triple for q in ox.parse(path=str(tiny.turtle), format=ox.RdfFormat.TURTLE)}
    assert len(nq) == tiny.quads
    assert {q.triple for q in nq} == ttl
    assert {q.graph_name.value for q in nq} == {f"https://w3id.org/coopgraph/id/graph/batch/{tiny.batch_id}"}
    coop_terms = {q.predicate.value for q in nq} | {q.object.value for q in nq if q.predicate.value.endswith("#type")}
    used = {t.removeprefix(str(COOP)) for t in coop_terms if t.startswith(str(COOP))}
    ontology = Path(__file__).resolve().parents[1] / "ontology" / "coop.ttl"
    declared = {
        str(q.subject.value).removeprefix(str(COOP))
        for q in ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(COOP))
    }
    assert used <= declared, f"not in ontology/coop.ttl: {sorted(used - declared)}"


def test_csv_has_one_record_per_project(tiny: gen.Generated) -> None:
    import csv

    with tiny.csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == tiny.counts["projects"]
    assert list(rows[0]) == gen.CSV_COLUMNS
    assert all(r["title"] and r["french_authority"] and r["partner_country"] for r in rows)


def test_places_of_the_seed_keep_the_seeds_coordinates_only(tiny: gen.Generated) -> None:
    """The seed's places (Lille, Paris, Dakar, Quito…) are left to the seed: loaded together,
    each place has one latitude and one longitude, in one graph."""
    from graph.store import open_store

    store = open_store(":memory:")
    store.init()
    store.backend.ox.bulk_load(path=str(tiny.nquads), format=ox.RdfFormat.N_QUADS)  # type: ignore[union-attr]
    lat = "<http://www.w3.org/2003/01/geo/wgs84_pos#lat>"
    rows = list(
        store.backend.ox.query(  # type: ignore[union-attr]
            f"SELECT ?p WHERE {{ ?p {lat} ?lat }} GROUP BY ?p HAVING (COUNT(DISTINCT ?lat) > 1)",
            use_default_graph_as_union=True,
        )
    )
    assert rows == []
    generated = {q.subject.value for q in ox.parse(path=str(tiny.nquads), format=ox.RdfFormat.N_QUADS)}
    assert not any(f"{gen.DEFAULT_BASE}place/{g}" in generated for g in gen.seed_places())
    governed = {q.object.value for q in ox.parse(path=str(tiny.nquads), format=ox.RdfFormat.N_QUADS)}
    assert any(f"{gen.DEFAULT_BASE}place/{g}" in governed for g in gen.seed_places())  # the test bites


def test_csv_titles_are_unique_and_name_the_seeds_instruments(tiny: gen.Generated) -> None:
    import csv

    with tiny.csv.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len({r["title"] for r in rows}) == len(rows)
    assert {r["funding_instrument"] for r in rows} <= {"FICOL", gen.SEED_DAECT}


def test_p95_is_the_nearest_rank() -> None:
    figures = timing.summarise([i / 1000 for i in range(1, 21)])
    assert figures == {"median_ms": 10.5, "p95_ms": 19.0, "min_ms": 1.0}


def test_rdflib_baseline_counts_rows_and_stops_at_its_cap(tiny: gen.Generated) -> None:
    from bench.peers import QueryTimeout, load_rdflib, rdflib_query

    baseline = load_rdflib(tiny.nquads)
    store = ox.Store()
    store.bulk_load(path=str(tiny.nquads), format=ox.RdfFormat.N_QUADS)
    text = (QUERY_DIR / "agg_projects_by_country.rq").read_text(encoding="utf-8")
    expected = len(list(store.query(text, use_default_graph_as_union=True)))  # type: ignore[arg-type]
    # the generated file alone: the countries reached only through the seed's places are missing
    assert rdflib_query(baseline, text, cap_s=30) == expected
    assert tiny.counts["countries"] - len(gen.seed_places()) <= expected <= tiny.counts["countries"]
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with pytest.raises(QueryTimeout):
        rdflib_query(baseline, cross, cap_s=0.3)


def test_rdflib_endpoint_is_restarted_after_a_query_past_its_cap(tiny: gen.Generated) -> None:
    """rdflib-endpoint goes on with a query its client gave up on: the next query gets a fresh
    endpoint, and is timed as fast as it is, not as the tail of the abandoned one."""
    from bench.engines import bench_rdflib_endpoint

    texts = {
        "cross": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "countries": (QUERY_DIR / "agg_projects_by_country.rq").read_text(encoding="utf-8"),
    }
    options = harness.Options(scale=SCALE, seed=SEED, endpoint_cap_s=1.0, peer_repetitions=1, log=lambda m: None)
    result = bench_rdflib_endpoint(tiny.nquads, texts, options)
    assert result["queries"]["cross"]["timeout"] and result["restarts"] == 1
    assert result["queries"]["countries"]["rows"] > 0
    assert "timeout" not in result["queries"]["countries"] and result["peak_rss_bytes"] > 0


def test_rdflib_endpoint_restarts_by_forking_the_parsed_data(tiny: gen.Generated) -> None:
    """A restart replaces the answering server with a new fork of the process that parsed the
    data (which stays), and nothing outlives the endpoint."""
    import psutil

    from bench.peers import rdflib_endpoint_server

    ask = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
    with rdflib_endpoint_server(tiny.nquads) as server:
        first = server.server_pid()
        server.restart()
        second = server.server_pid()
        assert first is not None and second is not None and first != second
        assert not psutil.pid_exists(first) or psutil.Process(first).status() == psutil.STATUS_ZOMBIE
        assert psutil.Process(second).ppid() == server.process.pid
        request = urllib.request.Request(server.url + ask, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert json.loads(answer.read())["boolean"] is True
    assert server.process.poll() is not None and not psutil.pid_exists(second)


def test_extensions_are_called_by_the_names_their_run_asks_for(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def run(scale: float, csv: Path, optional: int = 3) -> dict[str, float]:
        seen.update(scale=scale, csv=csv, optional=optional)
        return {"records_per_s": 12.5}

    module = types.ModuleType("bench.bench_fake")
    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bench.bench_fake", module)
    options = harness.Options(log=lambda message: None)
    got = extensions.run_extension("bench_fake", {"scale": 0.5, "csv": Path("x.csv"), "other": 1}, options)
    assert got["figures"] == {"records_per_s": 12.5}
    assert seen == {"scale": 0.5, "csv": Path("x.csv"), "optional": 3}
    assert extensions.run_extension("bench_missing_module", {}, options) == {"available": False, "why": "not available"}
    needy = types.ModuleType("bench.bench_needy")
    needy.run = lambda unknown: None  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bench.bench_needy", needy)
    assert "unknown" in extensions.run_extension("bench_needy", {}, options)["why"]


def test_without_warmup_the_first_call_is_a_sample() -> None:
    made: list[int] = []

    def call() -> int:
        made.append(1)
        return 7

    once = timing.time_calls(call, 1, cap_s=5, warmup=False)
    assert len(made) == 1 and once["n"] == 1 and once["rows"] == 7 and once["median_ms"] == once["min_ms"]
    made.clear()
    timed = timing.time_calls(call, 3, cap_s=5, warmup=False)
    assert len(made) == 3 and timed["n"] == 3 and timed["rows"] == 7
    made.clear()
    warm = timing.time_calls(call, 3, cap_s=5)
    assert len(made) == 4 and warm["n"] == 3  # one warm-up call, then three timed


def test_paired_timing_takes_more_samples_of_quick_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    made = Counter[str]()

    def call(engine: str, seconds: float) -> int:
        made[engine] += 1
        time.sleep(seconds)
        return 3

    fast = timing.time_paired({"a": lambda: call("a", 0), "b": lambda: call("b", 0)}, 3, cap_s=5)
    assert made == {"a": timing.MAX_ROUNDS + 1, "b": timing.MAX_ROUNDS + 1}  # a warm-up each, then the rounds
    for figures in fast.values():
        assert figures["n"] == timing.MAX_ROUNDS and figures["rows"] == 3 and figures["first_ms"] >= 0
    monkeypatch.setattr(timing, "TIMED_BUDGET_S", 0.2)
    mixed = timing.time_paired({"a": lambda: call("a", 0), "b": lambda: call("b", 0.05)}, 2, cap_s=5)
    # the slower engine decides: about 0.2 s of its calls (4 rounds, 3 if a sleep ran long)
    assert mixed["a"]["n"] == mixed["b"]["n"] in (3, 4) and mixed["b"]["first_ms"] >= 50


def test_rounds_follow_the_slowest_warm_up() -> None:
    rounds = timing.paired_repetitions
    assert rounds(3, [0.001, 0.002]) == timing.MAX_ROUNDS == 21
    assert rounds(50, [0.001]) == 50  # more asked for than the most the budget gives
    assert rounds(3, [0.001, 0.2]) == 10  # 2 s of the slower one's calls
    assert rounds(3, [0.9, 0.05]) == 3  # 2.7 s already
    assert rounds(10, [0.5, timing.SLOW_FIRST_CALL_S]) == 3
    assert rounds(2, [timing.SLOW_FIRST_CALL_S]) == 2
    assert rounds(10, []) == 0  # no engine answered


def test_query_selection_takes_names_and_wildcards_and_refuses_unknown_names() -> None:
    from bench.queryset import SelectionError, query_set, select

    everything = query_set(competency_questions=True)
    assert select(everything, ()) == everything
    picked = [q.name for q in select(everything, ("cq1?_*", "edge_list"))]
    expected = [q.name for q in everything if re.match(r"cq1\d_", q.name) or q.name == "edge_list"]
    assert picked == expected and len(picked) == 8  # cq10–cq16 and the edge list, in the set's order
    with pytest.raises(SelectionError) as refused:
        select(everything, ("edge_list", "cq99_*"))
    assert "'cq99_*'" in str(refused.value) and "edge_list" in str(refused.value)


def test_a_query_of_one_authority_is_not_narrowed_to_the_benchmarks_country() -> None:
    """cq03 takes an authority and a country: bound to the busiest (French) authority and Mali it
    answered nothing on every engine; the country is left unbound where an authority is bound."""
    from bench.queryset import bind, query_set

    by_name = {q.name: q for q in query_set(competency_questions=True)}
    values = {"authority": ox.NamedNode("urn:authority"), "country": ox.NamedNode("urn:country")}
    places = bind(by_name["cq03_authority_places"], values)
    assert "<urn:authority>" in places and "<urn:country>" not in places
    reach = bind(by_name["two_hop_country_reach"], values)  # a country and no authority: bound
    assert "<urn:country>" in reach


def test_bench_command_refuses_an_unknown_query_before_doing_anything(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graph.cli import main

    work = tmp_path / "work"
    result = CliRunner().invoke(main, ["bench", "--query", "no_such_query", "--workdir", str(work)])
    assert result.exit_code == 2 and "--query" in result.output and "no_such_query" in result.output
    assert not work.exists()  # nothing generated, loaded or written


def test_bench_command_refuses_a_missing_jemalloc_before_doing_anything(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graph.cli import main

    work = tmp_path / "work"
    args = ["bench", "--allocator", "jemalloc", "--workdir", str(work)]
    result = CliRunner().invoke(main, args, env={"COOPGRAPH_JEMALLOC": str(tmp_path / "nowhere.so")})
    assert result.exit_code == 2 and "--allocator" in result.output and "nowhere.so" in result.output
    assert not work.exists()


def test_a_call_past_its_cap_is_recorded_as_a_timeout() -> None:
    def never(_: int = 0) -> int:
        raise CallTimeout("no answer within 5 s")

    timed = timing.time_calls(never, 3, cap_s=5)
    assert timed["timeout"] is True and timed["timeout_s"] == 5 and "median_ms" not in timed
    assert timing.time_calls(lambda: 1, 2, cap_s=0)["timeout"] is True  # slower than a cap of 0 s
    broken = timing.time_calls(lambda: int("x"), 2, cap_s=5)
    assert "ValueError" in broken["error"] and "timeout" not in broken
    calls = iter([1, 1, CallTimeout("late"), 1])

    def flaky() -> int:
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    paired = timing.time_paired({"coopgraph": flaky}, 3, cap_s=5)["coopgraph"]  # fails on the second repetition
    assert paired["timeout"] is True and paired["n"] == 1 and "(repetition 2)" in paired["error"]


def test_deadline_client_gives_up_on_a_slow_server() -> None:
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Trickle(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(20):  # 2 s in all, a byte every 0.1 s: no single read ever waits long
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = DeadlineClient(0.5, base_url=f"http://127.0.0.1:{server.server_address[1]}")
    try:
        started = time.perf_counter()
        with pytest.raises(CallTimeout):
            client.request("GET", "/")
        assert time.perf_counter() - started < 1.5
        timed = timing.time_calls(lambda: len(client.request("GET", "/")[1]), 3, cap_s=0.5)
        assert timed["timeout"] is True
    finally:
        client.close()
        server.shutdown()
        server.server_close()


def test_tables_show_a_timeout_as_a_timeout() -> None:
    results = {
        "scale": 10.0,
        "date": "2026-11-26",
        "repetitions": 3,
        "data": {"quads": 4639258, "reused_store": True},
        "queries": {"slow": {}, "quick": {}},
        "engines": {
            "coopgraph": {
                "start_s": [1.4],
                "peak_rss_bytes": 900_000_000,
                "sparql": {
                    "queries": {
                        "slow": timing.failure(CallTimeout("no answer"), 120.0, 120.0),
                        "quick": {"rows": 3, "median_ms": 12.5, "p95_ms": 14.0},
                    }
                },
                "rest": {
                    "routes": {
                        "/api/countries": {"url": "/api/countries", "timeout": True, "timeout_s": 120.0},
                        "/api/countries/{iso}": {"url": "/api/countries/ml", "median_ms": 45.0, "p95_ms": 50.0},
                    }
                },
            },
            "oxigraph": {"queries": {"slow": {"rows": 7, "median_ms": 1500.0, "p95_ms": 1600.0}}},
        },
        "map": {
            "available": True,
            "figures": {
                "pages": {
                    "/network": {"url": "/network", **timing.failure(CallTimeout("no answer"), 120.0, 120.0)},
                    "/map": {"url": "/map", "first_ms": 30.0, "median_ms": 2.5, "p95_ms": 3.0, "bytes": 9000},
                }
            },
        },
        "network": {"available": True, "error": "MemoryError: "},
    }
    results["comparison"] = report.compare(results)
    results["targets"] = report.targets(results)
    assert results["comparison"]["per_query"]["slow"]["coopgraph_timeout_s"] == 120.0
    markdown = report.table(results)
    assert "| slow | 7 | timeout (> 120 s) | 1,500.0 |" in markdown
    assert "| quick | 3 | 12.5 | — |" in markdown
    assert "| `/api/countries` | `/api/countries` | timeout (> 120 s) |" in markdown
    assert "4,639,258 quads, store reused" in markdown
    assert "| `/network` | timeout (> 120 s) | timeout (> 120 s) | — |" in markdown
    assert "| `/map` | 30.0 | 2.5 | 3.0 | 9,000 | — |" in markdown
    assert "Helpers: network: failed (MemoryError: )." in markdown


def test_reload_forgets_the_generated_data_and_the_loaded_store(tmp_path: Path) -> None:
    """``--reload``: the data's manifest and the store's marker go, so both are made again."""
    options = harness.Options(scale=0.5, seed=3, reload=True, log=lambda message: None)
    data_dir, store_dir = tmp_path / "data", tmp_path / "store-coopgraph-0_5x-s3"
    data_dir.mkdir()
    store_dir.mkdir()
    manifest = data_dir / f"atlas-{gen.scale_tag(0.5)}x-s3.json"
    other = data_dir / f"atlas-{gen.scale_tag(0.5)}x-s4.json"
    for path in (manifest, other, store_dir / stores.MARKER):
        path.write_text("{}", encoding="utf-8")
    harness._forget(data_dir, store_dir, options)
    assert not manifest.exists() and not (store_dir / stores.MARKER).exists()
    assert other.exists()  # another seed's data is left alone

    def generated() -> gen.Generated:
        raise AssertionError("generated")

    with pytest.raises(AssertionError, match="generated"):  # no marker: the store is loaded again
        stores.coopgraph_store(store_dir, generated, gen.DEFAULT_BASE)


def test_a_loaded_store_is_reused_without_generating_the_data(tmp_path: Path) -> None:
    folder = tmp_path / "store-coopgraph-10x-s42"
    folder.mkdir()
    (folder / stores.MARKER).write_text(json.dumps({"batch_id": "bench-10x-s42", "quads": 12}), encoding="utf-8")

    def must_not_generate() -> gen.Generated:
        raise AssertionError("the data was generated again")

    loaded, data = stores.coopgraph_store(folder, must_not_generate, gen.DEFAULT_BASE)
    assert data is None and loaded == {"batch_id": "bench-10x-s42", "quads": 12, "reused": True}
    with pytest.raises(AssertionError, match="generated again"):
        stores.coopgraph_store(folder, must_not_generate, gen.DEFAULT_BASE, reuse=False)
    with pytest.raises(AssertionError, match="generated again"):
        stores.coopgraph_store(tmp_path / "absent", must_not_generate, gen.DEFAULT_BASE)


def _servers_run(workdir: Path, output: Path, **options: Any) -> harness.Options:
    """A run of coopgraph and raw Oxigraph on the tiny data, one repetition, quiet."""
    return harness.Options(
        scale=SCALE,
        seed=SEED,
        repetitions=1,
        peers=False,
        engines=("coopgraph", "oxigraph"),
        workdir=workdir,
        output=output,
        http_timeout_s=60,
        log=lambda message: None,
        **options,
    )


@pytest.mark.slow
def test_harness_runs_end_to_end_on_coopgraph_and_oxigraph(tmp_path: Path, workdir: Path, tiny: gen.Generated) -> None:
    output = tmp_path / "results.json"
    options = _servers_run(workdir, output, extensions=("network", "map"), competency_questions=False)
    results = harness.run(options)
    saved = json.loads(output.read_text(encoding="utf-8"))
    assert saved["scale"] == SCALE and saved["machine"]["nproc"] >= 1
    assert saved["data"]["quads"] == tiny.quads and saved["data"]["batch_id"] == tiny.batch_id
    assert saved["load"]["coopgraph"]["triples"] > saved["data"]["quads"]
    bench_queries = [n for n, q in saved["queries"].items() if q["origin"] == "bench"]
    assert len(bench_queries) == len(list(QUERY_DIR.glob("*.rq")))
    oxi = saved["engines"]["oxigraph"]["queries"]
    for name in bench_queries:
        assert oxi[name]["median_ms"] > 0, name
    # the busiest partner country and authority of the data have answers
    assert oxi["agg_projects_by_country"]["rows"] == saved["data"]["counts"]["countries"]
    assert oxi["two_hop_co_partners"]["rows"] >= 0
    coop = saved["engines"]["coopgraph"]
    assert all(s > 0 for s in coop["start_s"]) and coop["peak_rss_bytes"] > 0
    # both servers on the same allocator: jemalloc where it is installed (read off each process)
    on = "jemalloc" if jemalloc_library({}) else "system"
    assert saved["allocator"] == "auto" and coop["allocator"] == saved["engines"]["oxigraph"]["allocator"] == on
    # where the peak was reached: the query set, or the first route after which it was the run's
    timed_routes = {p: r for p, r in coop["rest"]["routes"].items() if "median_ms" in r}
    assert timed_routes and all(r["peak_rss_bytes_after"] <= coop["peak_rss_bytes"] for r in timed_routes.values())
    assert coop["peak_rss_reached_at"] in {"the query set", *timed_routes}
    if coop["sparql"]["available"]:
        for name in bench_queries:
            row = saved["comparison"]["per_query"][name]
            assert row["rows_agree"], (name, row["rows"])
            assert row["coopgraph_vs_oxigraph"] > 0
    assert set(saved["targets"]) == {
        "sparql_within_1_5x_of_oxigraph",
        "20x_faster_than_rdflib_endpoint",
        "start_existing_store_under_3s",
        "peak_rss_under_1GiB",
        "rest_detail_under_20ms",
    }
    markdown = harness.table(results)
    assert "| agg_projects_by_country |" in markdown
    # network analyses, timed on the authority projection read from the loaded store
    network = saved["network"]
    assert network["available"] and "error" not in network, network
    figures = network["figures"]
    assert figures["nodes"] > saved["data"]["counts"]["french_authorities"] and figures["edges"] > 0
    assert figures["fetch_s"] > 0 and figures["build_s"] >= 0
    for name in ("summary", "degree", "betweenness (sampled)", "louvain", "shortest path", "ego r=2", "export gexf"):
        assert figures["analyses"][name]["seconds"] >= 0 and figures["analyses"][name]["peak_mib"] >= 0, name
    assert f"{figures['nodes']:,} nodes, {figures['edges']:,} edges" in markdown
    assert "| louvain |" in markdown
    assert f"| {on} |" in markdown.split("| engine | load s |")[1]
    # map data and pages, timed against a coopgraph server over the same store
    pages = saved["map"]["figures"]["pages"]
    assert set(pages) == {"/api/map/facets", "/api/map/places", "/api/map/partnerships", "/map", "/network"}
    for path, page in pages.items():
        assert page["first_ms"] > 0 and page["median_ms"] > 0 and page["n"] == 1, (path, page)
        assert page["bytes"] > 0 and page["wire_bytes"] > 0, path
    assert "| `/api/map/places` |" in markdown and "| `/network` |" in markdown
    assert "Helpers:" not in markdown  # both tabled, none failed


def test_a_run_on_part_of_the_set_times_those_queries_only(tmp_path: Path, workdir: Path, tiny: gen.Generated) -> None:
    output = tmp_path / "part.json"
    options = _servers_run(
        workdir, output, rest=False, extensions=False, queries=("two_hop_*", "cq15_import_flags"), allocator="system"
    )
    results = harness.run(options)
    saved = json.loads(output.read_text(encoding="utf-8"))
    assert saved["engines"]["coopgraph"]["allocator"] == saved["engines"]["oxigraph"]["allocator"] == "system"
    timed = set(saved["engines"]["oxigraph"]["queries"])
    assert timed == set(saved["queries"]) == set(saved["comparison"]["per_query"])
    assert timed == {"cq15_import_flags"} | {p.stem for p in QUERY_DIR.glob("two_hop_*.rq")}
    assert saved["selected_queries"] == ["two_hop_*", "cq15_import_flags"]
    for name in timed:  # each answered in well under 0.1 s at this scale: the most rounds
        for engine in ("coopgraph", "oxigraph"):
            figures = (
                saved["engines"][engine]["sparql"]["queries"][name]
                if engine == "coopgraph"
                else saved["engines"][engine]["queries"][name]
            )
            assert figures["n"] == timing.MAX_ROUNDS and figures["first_ms"] > 0, (engine, name)
    assert saved["targets"]["20x_faster_than_rdflib_endpoint"]["measured"] is None  # not the whole set
    assert "only the queries two_hop_*, cq15_import_flags" in harness.table(results)
    assert f"up to {timing.MAX_ROUNDS} on quicker queries" in harness.table(results)
