"""The remote backend: any SPARQL 1.1 server (Oxigraph server, Fuseki, Virtuoso, GraphDB…).

Queries go as form-encoded POSTs through SPARQLWrapper (Virtuoso hangs on
``application/sparql-query`` bodies); answers are parsed with pyoxigraph so that the rest of
coopgraph sees the same terms as from the embedded store. Bound parameters become a
``VALUES`` block at the head of the outermost group, built from validated terms. Each write is
one SPARQL Update request, which the server applies atomically.

The server must read the union of its named graphs as default graph (Oxigraph server:
``--union-default-graph``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING
from urllib.error import HTTPError, URLError

import pyoxigraph as ox

from graph.results import Boolean, Result, Solutions, Triples, from_oxigraph

if TYPE_CHECKING:  # imported where a remote store is used: 12 MB a server over a local store does without
    from SPARQLWrapper import SPARQLWrapper


class RemoteError(OSError):
    """The SPARQL server refused a request or could not be reached."""


class RemoteBackend:
    """A SPARQL 1.1 query endpoint and its update endpoint."""

    read_only = False
    path = None

    def __init__(self, query_url: str, update_url: str | None = None, *, timeout: float = 60.0) -> None:
        self.query_url = query_url
        self.update_url = update_url or _default_update_url(query_url)
        self.timeout = timeout

    # -- reads -------------------------------------------------------------------------------
    def query(
        self,
        text: str,
        *,
        base_iri: str | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Result:
        if base_iri and not re.search(r"^\s*BASE\s", text, re.IGNORECASE | re.MULTILINE):
            text = f"BASE <{base_iri}>\n{text}"
        from SPARQLWrapper import JSON, TURTLE

        client = self._client(self.query_url)
        client.setQuery(text)
        for g in default_graph or ():
            client.addDefaultGraph(g)
        for g in named_graphs or ():
            client.addNamedGraph(g)
        form = client.queryType
        client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
        body = self._send(client)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return Triples(q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE))
        return from_oxigraph(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph:
            text = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
            result = self.query(text.replace("?g", str(ox.NamedNode(graph))))
        else:
            result = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(result, Solutions)
        for row in result.rows:
            g = ox.NamedNode(graph) if graph else row[3]
            yield ox.Quad(row[0], row[1], row[2], g)  # type: ignore[arg-type]

    def named_graphs(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert isinstance(result, Solutions)
        return sorted(row[0].value for row in result.rows if isinstance(row[0], ox.NamedNode))

    def has_graph(self, graph: str) -> bool:
        result = self.query(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
        return isinstance(result, Boolean) and result.value

    # -- writes ------------------------------------------------------------------------------
    def update(
        self,
        text: str,
        *,
        base_iri: str | None = None,
        using_graphs: list[str] | None = None,
        using_named_graphs: list[str] | None = None,
    ) -> None:
        """Send one update; ``using_graphs`` / ``using_named_graphs`` go as the protocol's
        ``using-graph-uri`` / ``using-named-graph-uri`` (the dataset of its WHERE clauses)."""
        if base_iri and not re.search(r"^\s*BASE\s", text, re.IGNORECASE | re.MULTILINE):
            text = f"BASE <{base_iri}>\n{text}"
        client = self._client(self.update_url)
        client.setQuery(text)
        for g in using_graphs or ():
            client.addParameter("using-graph-uri", g)
        for g in using_named_graphs or ():
            client.addParameter("using-named-graph-uri", g)
        self._send(client)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self.update(insert_data(quads))

    def flush(self) -> None:
        """Nothing is buffered on this side."""

    def close(self) -> None:
        """Nothing to release: every request has its own connection."""

    # -- transport ---------------------------------------------------------------------------
    def _client(self, url: str) -> SPARQLWrapper:
        from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

        client = SPARQLWrapper(url)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setTimeout(int(self.timeout))
        return client

    def _send(self, client: SPARQLWrapper) -> bytes:
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        try:
            response = client.query().response
            return bytes(response.read())
        except SPARQLWrapperException as err:
            raise RemoteError(f"{client.endpoint}: {err.msg.strip() or err}") from err
        except HTTPError as err:
            raise RemoteError(f"{client.endpoint}: HTTP {err.code} {err.reason}") from err
        except (URLError, OSError) as err:
            raise RemoteError(f"{client.endpoint}: cannot reach the SPARQL server ({err})") from err


def _default_update_url(query_url: str) -> str:
    """Oxigraph and Fuseki answer updates at ``…/update`` beside ``…/query``; others at the same URL."""
    return query_url[: -len("query")] + "update" if query_url.endswith("/query") else query_url


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """One ``INSERT DATA`` with a ``GRAPH`` block per named graph."""
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        key = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        by_graph.setdefault(key, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
    blocks = [
        ("\n".join(lines) if not g else f"GRAPH {g} {{\n" + "\n".join(lines) + "\n}") for g, lines in by_graph.items()
    ]
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"
