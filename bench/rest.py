"""The REST routes of a running coopgraph: every GET route under /api/ (and /id/) that its
OpenAPI document lists at run time, path parameters filled with real identifiers."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from bench.clients import CallTimeout, DeadlineClient
from bench.machine import peak_rss
from bench.options import Options
from bench.timing import fmt, time_calls

JSON = {"Accept": "application/json"}

_COLLECTION_KINDS = {
    "authorit": "authority",
    "place": "place",
    "countr": "country",
    "project": "project",
    "partnership": "partnership",
    "funding": "funding",
    "theme": "theme",
}


def _examples(values: dict[str, Any], base: str) -> dict[str, str]:
    """An example IRI of each kind, for filling path parameters of REST routes."""
    found = {k: str(v.value) for k, v in values.items() if isinstance(v, ox.NamedNode)}
    return found | {
        "funding": f"{base}funding/ficol",
        "node": found["authority"],
        "source": found["authority"],
        "target": found.get("foreign", found["authority"]),
        "iri": found["authority"],
    }


def bench_rest(url: str, options: Options, values: dict[str, Any], pid: int | None = None) -> dict[str, Any]:
    """Every GET route of the running API under /api/ (and /id/), as the OpenAPI document lists
    them at run time; path parameters filled with real identifiers, tried in the usual forms.
    With the server's ``pid``, each route records the server's peak RSS once it has answered
    (``peak_rss_bytes_after``), which shows where the run's peak was reached."""
    http = DeadlineClient(options.http_timeout_s, base_url=url)
    try:
        spec = json.loads(http.request("GET", "/openapi.json")[1])
    except Exception as err:
        return {"available": False, "why": f"no OpenAPI document: {err}"}
    examples = _examples(values, options.base)
    routes: dict[str, Any] = {}
    for path, ops in sorted(spec.get("paths", {}).items()):
        if "get" not in ops or not path.startswith(("/api/", "/id/")):
            continue
        required_query = [
            p["name"] for p in ops["get"].get("parameters", []) if p.get("in") == "query" and p.get("required")
        ]
        candidates = _fill(path, examples, options.base)
        if candidates is None:
            routes[path] = {"skipped": "no example for its path parameters"}
            continue
        query = {name: _query_value(name, examples) for name in required_query}
        chosen = None
        for candidate in candidates:
            started = time.perf_counter()
            try:
                r, _ = http.request("GET", candidate, params=query, headers=JSON)
            except CallTimeout as err:
                elapsed = round(time.perf_counter() - started, 2)
                routes[path] = {"url": candidate, "timeout": True, "timeout_s": http.timeout_s, "error": str(err)}
                routes[path] |= {"skipped_after_s": elapsed, "detail": _is_detail(path)}
                options.log(f"    GET {candidate[:60]:60} timeout (over {http.timeout_s:g} s)")
                break
            except httpx.HTTPError as err:
                routes[path] = {"error": str(err)}
                break
            if r.status_code == 200:
                chosen = candidate
                break
        if chosen is None:
            routes.setdefault(path, {"skipped": f"no candidate answered 200 (tried {candidates[:3]})"})
            continue

        def call(target: str = chosen, query: dict[str, str] = query) -> int:
            r, body = http.request("GET", target, params=query, headers=JSON)
            r.raise_for_status()
            return len(body)

        timed = time_calls(call, options.repetitions, options.http_timeout_s)
        timed["url"] = chosen
        timed["detail"] = _is_detail(path)
        options.log(f"    GET {chosen[:60]:60} {fmt(timed).replace('rows', 'bytes')}")
        if "rows" in timed:
            timed["bytes"] = timed.pop("rows")
        if pid is not None:
            timed["peak_rss_bytes_after"] = peak_rss(pid)
        routes[path] = timed
    http.close()
    return {"available": True, "routes": routes}


def _is_detail(path: str) -> bool:
    """A route of one resource (``/api/authorities/{id}``), which the 20 ms target is about."""
    return "{" in path and path.rstrip("/").endswith("}")


def _fill(path: str, examples: dict[str, str], base: str) -> list[str] | None:
    """Concrete URLs for a route template, or ``None`` if a parameter has no example."""
    params = re.findall(r"\{([^}]+)\}", path)
    if not params:
        return [path]
    if len(params) > 1:
        return None
    name = params[0].split(":")[0]
    before = path.split("{", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    kind = next((k for stem, k in _COLLECTION_KINDS.items() if stem in before or stem in name), None)
    if path.startswith("/id/") and kind is None:
        kind = "authority"
    if kind is None or kind not in examples:
        return None
    iri = examples[kind]
    local = iri[len(base) :] if iri.startswith(base) else iri
    after_kind = local.split("/", 1)[1] if "/" in local else local
    forms = [after_kind, local, quote(iri, safe=""), after_kind.rsplit("/", 1)[-1]]
    head, tail = path.split("{", 1)[0], path.split("}", 1)[1]
    seen: list[str] = []
    for form in forms:
        url = head + form + tail
        if url not in seen:
            seen.append(url)
    return seen


def _query_value(name: str, examples: dict[str, str]) -> str:
    if name in examples:
        return examples[name]
    for stem, kind in _COLLECTION_KINDS.items():
        if stem in name and kind in examples:
            return examples[kind]
    return {"q": "saint", "text": "saint", "search": "saint"}.get(name, "1")
