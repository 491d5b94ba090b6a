"""What a run's figures mean: per-query comparison, the targets of issue 7, and the Markdown
tables that go into BENCHMARKS.md as they are (``coopgraph bench`` prints them).

A query or route that ran past the per-call timeout shows as ``timeout (> N s)``, one that
failed as ``error``, one that was not run as ``—``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TARGETS = {
    "sparql_vs_oxigraph_max_ratio": 1.5,
    "faster_than_rdflib_endpoint": 20.0,
    "start_existing_store_s": 3.0,
    "peak_rss_bytes": 1 << 30,
    "rest_detail_median_ms": 20.0,
}

TARGET_NAMES = {
    "sparql_within_1_5x_of_oxigraph": "/sparql median within 1.5× of raw Oxigraph on every query",
    "20x_faster_than_rdflib_endpoint": "20× faster than rdflib-endpoint over the whole set",
    "start_existing_store_under_3s": "server start on the existing store < 3 s",
    "peak_rss_under_1GiB": "peak RSS of the coopgraph server < 1 GiB",
    "rest_detail_under_20ms": "REST detail routes < 20 ms median",
}


def _medians(results: dict[str, Any], engine: str) -> dict[str, dict[str, Any]]:
    """The per-query figures of one engine."""
    e = results.get("engines", {}).get(engine, {})
    if engine == "coopgraph":
        e = e.get("sparql", {})
    return e.get("queries", {}) or {}


def compare(results: dict[str, Any]) -> dict[str, Any]:
    """Per query: each engine's median, rows agree or not, and the two ratios issue 7 sets."""
    coop = _medians(results, "coopgraph")
    oxi = _medians(results, "oxigraph")
    rep = _medians(results, "rdflib_endpoint")
    rdf = _medians(results, "rdflib")
    per_query: dict[str, Any] = {}
    total: dict[str, Any] = {"coopgraph": 0.0, "rdflib_endpoint": 0.0, "rdflib_endpoint_lower_bound": False}
    for name in results.get("queries", {}):
        row: dict[str, Any] = {}
        for engine, table in (("coopgraph", coop), ("oxigraph", oxi), ("rdflib_endpoint", rep), ("rdflib", rdf)):
            r = table.get(name)
            if r is None:
                continue
            row[engine + "_ms"] = r.get("median_ms")
            if "median_ms" not in r:
                row[engine + "_skipped_after_s"] = r.get("skipped_after_s")
                if r.get("timeout"):
                    row[engine + "_timeout_s"] = r.get("timeout_s") or r.get("skipped_after_s")
                elif r.get("error"):
                    row[engine + "_error"] = r["error"]
        rows = {
            e: t[name].get("rows")
            for e, t in (("coopgraph", coop), ("oxigraph", oxi), ("rdflib_endpoint", rep), ("rdflib", rdf))
            if name in t and t[name].get("rows") is not None
        }
        row["rows"] = rows
        row["rows_agree"] = len(set(rows.values())) <= 1
        c, o = row.get("coopgraph_ms"), row.get("oxigraph_ms")
        if c and o:
            row["coopgraph_vs_oxigraph"] = round(c / o, 2)
        if c is not None and name in rep:
            slow = rep[name].get("median_ms") or (rep[name].get("skipped_after_s") or 0) * 1000
            if slow:
                row["rdflib_endpoint_vs_coopgraph"] = round(slow / c, 1) if c else None
                total["coopgraph"] += c
                total["rdflib_endpoint"] += slow
                total["rdflib_endpoint_lower_bound"] |= "median_ms" not in rep[name]
        per_query[name] = row
    overall = None
    if total["coopgraph"]:
        overall = round(total["rdflib_endpoint"] / total["coopgraph"], 1)
    return {"per_query": per_query, "whole_set": total | {"rdflib_endpoint_vs_coopgraph": overall}}


def targets(results: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue 7 with what was measured and whether it was met (``None``: not measured)."""
    cmp = results.get("comparison", {})
    ratios = [r["coopgraph_vs_oxigraph"] for r in cmp.get("per_query", {}).values() if "coopgraph_vs_oxigraph" in r]
    worst = max(ratios) if ratios else None
    whole = cmp.get("whole_set", {}).get("rdflib_endpoint_vs_coopgraph")
    if results.get("selected_queries"):  # part of the set: not the whole set's ratio
        whole = None
    coop = results.get("engines", {}).get("coopgraph", {})
    start = coop.get("start_s", [])
    rss = coop.get("peak_rss_bytes")
    rest = (coop.get("rest") or {}).get("routes", {})
    details = [r["median_ms"] for r in rest.values() if r.get("detail") and "median_ms" in r]
    worst_detail = max(details) if details else None

    def verdict(measured: float | None, ok: Callable[[float], bool]) -> bool | None:
        return None if measured is None else bool(ok(measured))

    return {
        "sparql_within_1_5x_of_oxigraph": {
            "measured_worst_ratio": worst,
            "met": verdict(worst, lambda x: x <= TARGETS["sparql_vs_oxigraph_max_ratio"]),
        },
        "20x_faster_than_rdflib_endpoint": {
            "measured": whole,
            "met": verdict(whole, lambda x: x >= TARGETS["faster_than_rdflib_endpoint"]),
        },
        "start_existing_store_under_3s": {
            "measured_s": start,
            "met": verdict(max(start[1:] or start) if start else None, lambda x: x < TARGETS["start_existing_store_s"]),
        },
        "peak_rss_under_1GiB": {
            "measured_bytes": rss,
            "measured_reached_at": coop.get("peak_rss_reached_at"),
            "met": verdict(rss, lambda x: x < TARGETS["peak_rss_bytes"]),
        },
        "rest_detail_under_20ms": {
            "measured_worst_median_ms": worst_detail,
            "met": verdict(worst_detail, lambda x: x < TARGETS["rest_detail_median_ms"]),
        },
    }


def table(results: dict[str, Any]) -> str:
    """Every table of the run in Markdown, ready for BENCHMARKS.md: queries, REST routes, servers
    and loads, targets."""
    parts = [_heading(results), _query_table(results)]
    rest = ((results.get("engines", {}).get("coopgraph") or {}).get("rest") or {}).get("routes")
    if rest:
        parts.append(_rest_table(rest))
    parts += [_server_table(results), _target_table(results)]
    tabled = {"network": _network_table, "map": _map_table}
    extensions = []
    for name in ("import", "network", "map"):
        if name not in results:
            continue
        figures = results[name]
        if name in tabled and figures.get("available") and "error" not in figures:
            parts.append(tabled[name](figures))
        else:
            extensions.append(f"{name}: {_extension(figures)}")
    if extensions:
        parts.append("Helpers: " + "; ".join(extensions) + ".")
    return "\n\n".join(parts)


def _network_table(extension: dict[str, Any]) -> str:
    """bench_network's figures: reading and building the projection, then each analysis."""
    f = extension.get("figures") or {}
    lines = [
        f"Network analyses on the {f.get('projection', 'authority')} projection of the store "
        f"({_num(f.get('nodes'))} nodes, {_num(f.get('edges'))} edges), in process:",
        "",
        "| step | ms | peak MiB |",
        "|---|---:|---:|",
        f"| read the projection tables (`net_*` queries) | {_num(_ms(f.get('fetch_s')), 1)} | — |",
        f"| build the graph | {_num(_ms(f.get('build_s')), 1)} | — |",
    ]
    for name, r in (f.get("analyses") or {}).items():
        lines.append(f"| {name} | {_num(_ms(r.get('seconds')), 1)} | {_num(r.get('peak_mib'), 1)} |")
    return "\n".join(lines)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def _map_table(extension: dict[str, Any]) -> str:
    """bench_map's figures: each map and network URL, cold first call then the repetitions."""
    f = extension.get("figures") or {}
    lines = [
        "Map and network pages over HTTP (first call on a freshly started server, then the repetitions):",
        "",
        "| URL | first ms | median ms | p95 ms | bytes | on the wire |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for path, r in (f.get("pages") or {}).items():
        median, p95 = _median_p95(r, "—")
        first = _num(r.get("first_ms"), 1) if r.get("first_ms") is not None else median
        lines.append(
            f"| `{path}` | {first} | {median} | {p95} | {_num(r.get('bytes'))} | {_num(r.get('wire_bytes'))} |"
        )
    browser = f.get("browser")
    if browser:
        lines += [
            "",
            f"`/map` in Chromium: interactive in {browser['interactive_s_median']} s (median, best "
            f"{browser['interactive_s_best']} s), {_num(browser['bytes_transferred'])} bytes in {browser['requests']} "
            "requests.",
        ]
    return "\n".join(lines)


def _heading(results: dict[str, Any]) -> str:
    data = results.get("data", {})
    start, end = results.get("load_average_at_start"), results.get("load_average_at_end")
    load = f", load average {start[0]:.1f} at the start, {end[0]:.1f} at the end" if start and end else ""
    reused = ", store reused as loaded before" if data.get("reused_store") else ""
    part = results.get("selected_queries")
    only = f", only the queries {', '.join(part)}" if part else ""
    rounds = results.get("rounds")  # runs made before this rule record none
    more = (
        ""
        if not rounds
        else f" (up to {rounds['max']} on quicker queries: about {rounds['budget_s']:g} s of calls on each server)"
    )
    return (
        f"Scale {results['scale']:g}× ({_num(data.get('quads'))} quads{reused}), {results['date']}, "
        f"{results['repetitions']} repetitions{more}{only}{load}. Median ms; timeout (> N s): no answer within the "
        "per-call timeout; error: the call failed; —: not run."
    )


def _num(value: Any, digits: int = 0) -> str:
    """``1,234`` or ``1,234.5``; ``—`` for nothing."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}" if isinstance(value, int | float) else str(value)


def _cell(row: dict[str, Any], engine: str) -> str:
    """One engine's median for a query, or what happened instead."""
    if row.get(engine + "_ms") is not None:
        return _num(row[engine + "_ms"], 1)
    if row.get(engine + "_timeout_s") is not None:
        return f"timeout (> {row[engine + '_timeout_s']:g} s)"
    if row.get(engine + "_error") is not None:
        return "error"
    if row.get(engine + "_skipped_after_s") is not None:
        return f"≥ {row[engine + '_skipped_after_s'] * 1000:,.0f}"
    return "—"


def _rows(row: dict[str, Any]) -> str:
    counts = row.get("rows", {})
    if not counts:
        return "—"
    if row.get("rows_agree", True):
        return _num(next(iter(counts.values())))
    return "differ: " + ", ".join(f"{e} {_num(n)}" for e, n in counts.items())


def _query_table(results: dict[str, Any]) -> str:
    lines = [
        "| query | rows | /sparql | oxigraph | /sparql ÷ oxigraph | rdflib-endpoint | rdflib "
        "| rdflib-endpoint ÷ /sparql |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in results.get("comparison", {}).get("per_query", {}).items():
        lines.append(
            f"| {name} | {_rows(row)} | {_cell(row, 'coopgraph')} | {_cell(row, 'oxigraph')} "
            f"| {_num(row.get('coopgraph_vs_oxigraph'), 2)} | {_cell(row, 'rdflib_endpoint')} "
            f"| {_cell(row, 'rdflib')} | {_num(row.get('rdflib_endpoint_vs_coopgraph'), 1)} |"
        )
    whole = results.get("comparison", {}).get("whole_set", {})
    if whole.get("rdflib_endpoint_vs_coopgraph") is not None and not results.get("selected_queries"):
        bound = (
            " (a lower bound: some queries hit rdflib-endpoint's cap)" if whole["rdflib_endpoint_lower_bound"] else ""
        )
        lines += ["", f"Whole set: rdflib-endpoint ÷ /sparql = {whole['rdflib_endpoint_vs_coopgraph']}{bound}."]
    return "\n".join(lines)


def _median_p95(r: dict[str, Any], otherwise: str) -> tuple[str, str]:
    """The median and p95 cells of a timed call, or what happened instead (timeout, error)."""
    if "median_ms" in r:
        return _num(r["median_ms"], 1), _num(r["p95_ms"], 1)
    if r.get("timeout"):
        return f"timeout (> {r.get('timeout_s') or r.get('skipped_after_s'):g} s)", "—"
    if r.get("error"):
        return "error", "—"
    return otherwise, "—"


def _rest_table(routes: dict[str, Any]) -> str:
    lines = ["| route | URL | median ms | p95 ms | bytes |", "|---|---|---:|---:|---:|"]
    for path, r in routes.items():
        median, p95 = _median_p95(r, "skipped")
        url = f"`{r['url']}`" if r.get("url") else "—"
        lines.append(f"| `{path}` | {url} | {median} | {p95} | {_num(r.get('bytes'))} |")
    return "\n".join(lines)


def _bytes(n: int | None) -> str:
    return "—" if n is None else f"{n / 1e9:.2f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


def _server_table(results: dict[str, Any]) -> str:
    engines, load = results.get("engines", {}), results.get("load", {})
    lines = ["| engine | load s | start s | peak RSS | allocator |", "|---|---:|---:|---:|---|"]
    labels = {"rdflib_endpoint": "rdflib-endpoint", "rdflib": "rdflib (in process, RSS growth)"}
    for name in ("coopgraph", "oxigraph", "rdflib_endpoint", "rdflib"):
        e = engines.get(name)
        if e is None:
            continue
        loaded = load.get(name) or {}
        load_s = "reused" if loaded.get("reused") else _num(loaded.get("load_s", e.get("load_s")), 2)
        start = ", ".join(f"{s:.2f}" for s in e.get("start_s", [])) or _num(e.get("load_and_start_s"), 2)
        rss = e.get("peak_rss_bytes", e.get("rss_delta_bytes"))
        allocator = e.get("allocator", "—")
        lines.append(f"| {labels.get(name, name)} | {load_s} | {start} | {_bytes(rss)} | {allocator} |")
    return "\n".join(lines)


def _target_table(results: dict[str, Any]) -> str:
    lines = ["| target | measured | status |", "|---|---|---|"]
    for key, t in results.get("targets", {}).items():
        measured = "; ".join(f"{k.removeprefix('measured_').replace('_', ' ')} {v}" for k, v in t.items() if k != "met")
        status = "met" if t["met"] else "**missed**" if t["met"] is False else "not measured"
        lines.append(f"| {TARGET_NAMES.get(key, key)} | {measured} | {status} |")
    return "\n".join(lines)


def _extension(figures: dict[str, Any]) -> str:
    if not figures.get("available"):
        return f"not run ({figures.get('why', 'not available')})"
    if "error" in figures:
        return f"failed ({figures['error']})"
    return f"done in {figures.get('seconds')} s (figures in the JSON)"
