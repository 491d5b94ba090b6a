"""Map at 1× Atlas scale: time until /map is interactive and bytes transferred (Playwright, Chromium).

``run(url)`` loads ``url + "/map"`` in Debian's Chromium and reports the time from navigation
until markers and lines are drawn (``body[data-ready]``), and the bytes sent over the wire
(encoded lengths from the DevTools protocol). ``python bench/bench_map.py`` starts a coopgraph
server over a generated 13,000-partnership graph and runs it.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


def run(url: str, *, repeat: int = 3, chromium: str = "/usr/bin/chromium") -> dict[str, Any]:
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
            cold = run(server.url, repeat=1)  # first load builds the per-version index
            warm = run(server.url)
    return {"partnerships": partnerships, "cold": cold, "warm": warm}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 13000), indent=2))
