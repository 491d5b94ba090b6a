"""HTTP clients of the benchmark, each call bounded by a deadline.

httpx's ``timeout`` bounds each network operation (connect, one read…), not a whole call: a
server that trickles its answer out could hold a call for ever. Here a call reads its answer
in chunks and gives up with :class:`CallTimeout` once ``timeout_s`` has passed since it began,
so one slow query or route costs the run at most about its timeout.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx


class CallTimeout(Exception):
    """One HTTP call took longer than its timeout."""


class DeadlineClient:
    """An httpx client whose every call ends within ``timeout_s`` (or raises :class:`CallTimeout`)."""

    def __init__(self, timeout_s: float, base_url: str = "") -> None:
        self.timeout_s = timeout_s
        self.http = httpx.Client(base_url=base_url, timeout=timeout_s)

    def request(self, method: str, url: str, **kwargs: Any) -> tuple[httpx.Response, bytes]:
        """The response (status and headers) and its whole body, read before the deadline."""
        started = time.monotonic()
        try:
            with self.http.stream(method, url, **kwargs) as response:
                chunks = []
                for chunk in response.iter_bytes():
                    chunks.append(chunk)
                    if time.monotonic() - started > self.timeout_s:
                        raise CallTimeout(f"{method} {url}: answer not complete after {self.timeout_s:g} s")
                return response, b"".join(chunks)
        except httpx.TimeoutException as err:
            raise CallTimeout(f"{method} {url}: no answer within {self.timeout_s:g} s ({type(err).__name__})") from err

    def close(self) -> None:
        self.http.close()


class SparqlClient(DeadlineClient):
    """SPARQL 1.1 Protocol over HTTP: POST form, JSON results; the same client for every server."""

    def __init__(self, endpoint: str, timeout: float) -> None:
        super().__init__(timeout)
        self.endpoint = endpoint

    def __call__(self, text: str) -> int:
        """Run ``text``; the number of rows (1 for ASK, lines for a graph)."""
        response, body = self.request(
            "POST",
            self.endpoint,
            data={"query": text},
            headers={"Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {body[:200].decode('utf-8', 'replace')}")
        if "json" in response.headers.get("content-type", ""):
            data = json.loads(body)
            return 1 if "boolean" in data else len(data["results"]["bindings"])
        return body.count(b"\n")

    def works(self) -> str | None:
        """``None`` if the endpoint answers a trivial query, else why not."""
        try:
            self("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            return None
        except Exception as err:
            return f"{type(err).__name__}: {str(err)[:200]}"
