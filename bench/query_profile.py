"""Time every named query of ``graph/queries`` on a store, each in its own process with a limit.

Oxigraph's planner has blind spots (an OPTIONAL group of several patterns joined on a
variable bound outside it ran 300× slower than the same patterns as separate OPTIONALs), so
every query the code runs is timed here at Atlas scale and the slow ones are rewritten (see
"Writing queries for Oxigraph" in DEVELOPERS.md).

    python -m bench.query_profile --store STORE_DIR [--limit 20] [--only PREFIX]
                                  [--unbound-only] [--bind NAME=VALUE ...]

Each query runs once with no parameter bound (the widest case, the way the list pages and
projections call it), then once per parameter that has an example binding (the way a detail
page, a filter or a competency question calls it: one parameter bound at a time). The example
bindings are in ``EXAMPLES`` (by parameter name) and ``QUERY_EXAMPLES`` (by query, where the
parameter means something different there); ``--bind NAME=VALUE`` overrides them. A value is
an IRI relative to the store's base (``authority/fr/lille``), an absolute IRI, an integer, or
``"text"`` for a plain literal. The store folder is opened read-only, so a server may hold it
meanwhile.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import time
from typing import Any

from graph import queries

DEF = "https://w3id.org/coopgraph/def"

# Example bindings by parameter name: values the code passes (seed entities, so they exist in
# the seed store and in every generated Atlas-scale store, which loads the seed too).
EXAMPLES: dict[str, str] = {
    "authority": "authority/fr/metropole-europeenne-de-lille",
    "country": "country/sn",
    "place": "place/2998324",
    "iri": "authority/fr/metropole-europeenne-de-lille",
    "subject": "authority/fr/metropole-europeenne-de-lille",
    "node": "authority/fr/metropole-europeenne-de-lille",
    "member": "person/akim-oural",
    "organization": "authority/fr/metropole-europeenne-de-lille",
    "organisation": "authority/fr/metropole-europeenne-de-lille",
    "theme": f"{DEF}/theme/gouvernance-democratie-locales",
    "broader": f"{DEF}/theme/gouvernance-democratie-locales",
    "status": f"{DEF}/status/implementation",
    "instrument": "funding/ficol",
    "event": "event/rencontre-ville-intelligente-partagee-2018-09",
    "report": "document/vers-un-modele-francais-des-villes-intelligentes-partagees",
    "label": "label/villes-internet",
    "person": "person/akim-oural",
    "batch": "batch/bench-1x-s42",
    "graph": "graph/meta",
    "year_from": "2015",
    "year_to": "2020",
    "fromYear": "2015",
    "toYear": "2020",
    "checksum": '"sha256:0"',
}

# Where a parameter means something else in one query (``item`` is the entity of a detail page).
QUERY_EXAMPLES: dict[str, dict[str, str]] = {
    "api_list_authorities": {
        "item": "authority/fr/metropole-europeenne-de-lille",
        "kind": f"{DEF}/authority-kind/commune",
    },
    "api_list_countries": {"item": "country/sn"},
    "api_list_documents": {"item": "document/guide-smart-city-afd"},
    "api_list_events": {"item": "event/rencontre-ville-intelligente-partagee-2018-09"},
    "api_list_exchanges": {"item": "exchange/fleury-sur-orne-numerique-2018"},
    "api_list_funding": {"item": "funding/ficol"},
    "api_list_labels": {"item": "label/villes-internet"},
    "api_list_organisations": {"item": "organisation/afd"},
    "api_list_partnerships": {"item": "partnership/metropole-europeenne-de-lille-district-metropolitain-de-quito"},
    "api_list_people": {"item": "person/akim-oural"},
    "api_list_places": {"item": "place/2998324"},
    "api_list_projects": {"item": "project/lille-quito-ville-intelligente-partagee"},
    "api_list_themes": {"item": f"{DEF}/theme/gouvernance-democratie-locales"},
    "api_is_a": {"class": f"{DEF}#LocalAuthority"},
    "api_search_bearers": {"label": '"Lille"'},
    "net_name_bearers": {"label": '"Lille"'},
    "batch_exists": {"batch": "batch/bench-1x-s42"},
    "gsp_node_types": {"node": "authority/fr/metropole-europeenne-de-lille"},
}

# Parameters not timed on their own (they only choose the language of the labels).
_SKIP = {"lang"}


def examples_for(name: str, overrides: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The binding sets ``name`` is timed with besides unbound: one per parameter with an example.

    ``api_is_a`` needs both its parameters; every other query gets one parameter at a time.
    """
    params = [p for p in queries.load(name).params if p not in _SKIP]
    table = {**EXAMPLES, **QUERY_EXAMPLES.get(name, {}), **(overrides or {})}
    if name == "api_is_a":
        return [{p: table[p] for p in params if p in table}]
    return [{p: table[p]} for p in params if p in table]


def _term(value: str, base: str) -> Any:
    from rdflib import Literal, URIRef

    if re.fullmatch(r"-?\d+", value):
        return Literal(int(value))
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return Literal(value[1:-1])
    if re.match(r"[a-z][a-z0-9+.\-]*:", value):
        return URIRef(value)
    return URIRef(base + value)


def _is_update(name: str) -> bool:
    return queries.load(name).text.lstrip().upper().startswith(("DELETE", "INSERT")) or name == "undo_batch"


def _run(location: str, name: str, bindings: dict[str, str], out: Any) -> None:
    from graph.store import open_store

    _evaluate(open_store(location, read_only=True), name, bindings, out)


def _evaluate(store: Any, name: str, bindings: dict[str, str], out: Any) -> None:
    terms = {k: _term(v, store.base) for k, v in bindings.items()}
    started = time.perf_counter()
    result = store.run(name, terms)
    rows = sum(1 for _ in getattr(result, "rows", getattr(result, "triples", [])) or [])
    if hasattr(result, "value"):  # ASK
        rows = int(bool(result.value))
    out.put((name, time.perf_counter() - started, rows))


def _seed_store() -> Any:
    from graph.store import open_store

    store = open_store(":memory:")
    store.init()
    return store


def _timed(location: str, name: str, bindings: dict[str, str], limit: float) -> dict[str, Any]:
    out: Any = mp.Queue()
    process = mp.Process(target=_run, args=(location, name, bindings, out))
    process.start()
    process.join(limit)
    entry: dict[str, Any] = {"query": name, "bindings": bindings, "seconds": None, "rows": None}
    if process.is_alive():
        process.kill()
        process.join()
    elif not out.empty():
        _, seconds, rows = out.get()
        entry.update(seconds=round(seconds, 4), rows=rows)
    else:
        entry["rows"] = "error"
    return entry


def profile(
    location: str,
    limit: float,
    only: str = "",
    *,
    bound: bool = True,
    overrides: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Seconds and rows of each named query, unbound and (``bound``) with each example binding.

    ``location`` is a store folder (each run in its own process, killed past ``limit``), or
    ``":memory:"`` for the seed store (built once, runs in this process: a check that the tool
    and every query still work, not a measure). ``None`` seconds: past ``limit`` (``"error"``
    rows: the query failed).
    """
    results = []
    seed = _seed_store() if location == ":memory:" else None
    for name in queries.names():
        if not name.startswith(only) or _is_update(name):
            continue
        runs: list[dict[str, str]] = [{}] + (examples_for(name, overrides) if bound else [])
        for bindings in runs:
            if seed is not None:  # the seed store is small: one store, in this process, no limit
                results.append(_in_process(seed, name, bindings))
            else:
                results.append(_timed(location, name, bindings, limit))
    return results


def _in_process(store: Any, name: str, bindings: dict[str, str]) -> dict[str, Any]:
    out: Any = _ListQueue()
    _evaluate(store, name, bindings, out)
    _, seconds, rows = out.items[0]
    return {"query": name, "bindings": bindings, "seconds": round(seconds, 4), "rows": rows}


class _ListQueue:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def put(self, item: Any) -> None:
        self.items.append(item)


def _parse_binds(pairs: list[str]) -> dict[str, str]:
    binds = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"--bind expects NAME=VALUE, got {pair!r}")
        binds[name] = value
    return binds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", required=True, help="store folder, or :memory: for the seed store")
    parser.add_argument("--limit", type=float, default=20.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--unbound-only", action="store_true", help="time each query unbound only")
    parser.add_argument("--bind", action="append", default=[], metavar="NAME=VALUE", help="example binding override")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = profile(args.store, args.limit, args.only, bound=not args.unbound_only, overrides=_parse_binds(args.bind))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for r in sorted(results, key=lambda r: -(r["seconds"] if r["seconds"] is not None else 1e9)):
        seconds = f"> {args.limit:.0f}" if r["seconds"] is None else f"{r['seconds']:.3f}"
        bound = " ".join(f"{k}={v.rsplit('/', 1)[-1]}" for k, v in r["bindings"].items())
        print(f"{r['query'] + (' ' + bound if bound else ''):70} {seconds:>10} s  {r['rows']} rows")


if __name__ == "__main__":
    main()
