"""Map and network pages at Atlas scale: the data the map loads and the pages, timed over HTTP.

``run(url)`` times, against a running coopgraph server, what a visitor of the map and of the
network page waits for: ``/api/map/facets`` (the filters), ``/api/map/places`` and
``/api/map/partnerships`` (the markers and the lines, unfiltered: the whole Atlas), the ``/map``
page and the ``/network`` page (the whole authority network drawn). The first call of each is
reported apart (``first_ms``): the server builds its per-version indexes then, which is what the
first visitor after an import pays. Then median and p95 of the repeated calls, the size of the
answer and the bytes on the wire (gzip where the server compresses). A call past ``timeout_s``
is recorded as a timeout, as in the rest of the harness.

With ``browser=True`` it also loads ``/map`` in Debian's Chromium (Playwright) and reports the
time until markers and lines are drawn (``body[data-ready]``) and the bytes transferred.
``python -m bench.bench_map`` starts a coopgraph server over a generated 13,000-partnership
graph and runs both.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.clients import DeadlineClient
from bench.timing import failure, summarise

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip

PATHS = ("/api/map/facets", "/api/map/places", "/api/map/partnerships", "/map", "/network")
"""What the map and network pages need, in the order a visitor's browser asks for it."""


def run(
    url: str,
    *,
    repetitions: int = 3,
    http_timeout_s: float = 120.0,
    browser: bool = False,
    chromium: str = "/usr/bin/chromium",
) -> dict[str, Any]:
    """Each of :data:`PATHS` timed on the server at ``url`` (cold first call, then the repetitions)."""
    http = DeadlineClient(http_timeout_s, base_url=url)
    try:
        pages = {path: time_page(http, path, repetitions) for path in PATHS}
    finally:
        http.close()
    figures: dict[str, Any] = {"pages": pages}
    if browser:
        figures["browser"] = interactive(url, repeat=repetitions, chromium=chromium)
    return figures


def time_page(http: DeadlineClient, path: str, repetitions: int) -> dict[str, Any]:
    """``first_ms`` (cold), then median/p95/min of ``repetitions`` calls, ``bytes`` and ``wire_bytes``.

    A failure or a timeout keeps what was timed before it (the harness records, never stops).
    """
    cap = http.timeout_s
    out: dict[str, Any] = {"url": path}
    samples: list[float] = []
    for rep in range(repetitions + 1):
        started = time.perf_counter()
        try:
            response, body = http.request("GET", path)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {body[:200].decode('utf-8', 'replace')}")
        except Exception as err:
            out |= failure(err, time.perf_counter() - started, cap)
            if rep:
                out["error"] += f" (repetition {rep})"
            break
        elapsed = time.perf_counter() - started
        if rep == 0:
            out |= {"first_ms": round(elapsed * 1000, 2), "bytes": len(body)}
            out["wire_bytes"] = response.num_bytes_downloaded
            if elapsed >= cap:  # answered, but after the cap: no repetitions
                out |= {"timeout": True, "timeout_s": cap, "skipped_after_s": round(elapsed, 2)}
                break
        else:
            samples.append(elapsed)
    if samples:
        out |= {"n": len(samples), **summarise(samples)}
    return out


def interactive(url: str, *, repeat: int = 3, chromium: str = "/usr/bin/chromium") -> dict[str, Any]:
    """Best and median time-to-interactive (s), bytes transferred and request count of ``url``/map."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    transferred = requests = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        for _ in range(repeat):
            context = browser.new_context(viewport={"width": 1400, "height": 850})
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            sizes: list[float] = []
            cdp.on("Network.loadingFinished", lambda e, sizes=sizes: sizes.append(e["encodedDataLength"]))
            start = time.perf_counter()
            page.goto(url + "/map")
            page.wait_for_selector("body[data-ready=true]", timeout=120000)
            times.append(time.perf_counter() - start)
            page.wait_for_load_state("networkidle")
            transferred, requests = int(sum(sizes)), len(sizes)
            context.close()
        browser.close()
    times.sort()
    return {
        "url": url + "/map",
        "interactive_s_best": round(times[0], 3),
        "interactive_s_median": round(times[len(times) // 2], 3),
        "bytes_transferred": transferred,
        "requests": requests,
    }


def main(partnerships: int = 13000) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT))
    from browser.graphgen import generate, ontology_quads

    from graph.servers import coopgraph_server
    from graph.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        store = open_store(str(folder))
        store.add(ontology_quads(store.base) + generate(partnerships))
        store.close()
        with coopgraph_server(str(folder)) as server:
            cold = interactive(server.url, repeat=1)  # first load builds the per-version index
            warm = interactive(server.url)
            pages = run(server.url)["pages"]
    return {"partnerships": partnerships, "cold": cold, "warm": warm, "pages": pages}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 13000), indent=2))
