"""Routes: linked data — every resource under the store's base dereferences at ``/id/{path}``.

Browsers get an HTML page (label, types, every statement with links, partnerships, sources and
import batch); RDF clients get Turtle, JSON-LD or N-Triples by ``Accept`` (or ``?format=``).
An IRI the graph says nothing about gets a 404: an HTML page or problem+json, by ``Accept``.

The RDF document of a resource (:func:`graph.resources.describe`) holds its own statements, those
of the fragment sub-nodes it owns (``place/1#geometry``), the labels of what they link to, and
its incoming links up to :data:`~graph.resources.SUBLIST_SIZE`. A hub has thousands of incoming
links (France, a funding instrument, Paris): its document holds the first of them and
``<resource> rdfs:seeAlso <…/api/incoming?iri=…>``, the paginated JSON list of all of them
(rdfs:seeAlso, RDF Schema 1.1: "a resource that might provide additional information about the
subject resource"). Reading every statement pointing at a resource remains one SPARQL query away.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response

from api.problems import Problem, problem_response
from api.templating import render
from graph import jsonld
from graph import resources as res
from graph.namespaces import PREFIXES
from graph.store import Store

router = APIRouter(tags=["linked data"])

RDF_MEDIA = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
FORMATS = {"turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json",
           "ntriples": "application/n-triples", "nt": "application/n-triples", "html": "text/html"}  # fmt: skip


def negotiate(accept: str) -> str | None:
    """The media type to answer for an ``Accept`` header: ``text/html``, an RDF type, or
    ``None`` when nothing acceptable is on offer. ``*/*`` alone means Turtle."""
    offers = ["text/html", "application/xhtml+xml", *RDF_MEDIA]
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((accept or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        if media in ("*/*", "text/*", "application/*"):
            chosen = "text/turtle" if media != "application/*" else "application/ld+json"
            rank = (q - 0.001, position, chosen)  # an explicit type beats a wildcard of the same q
        elif media in offers:
            rank = (q, position, "text/html" if media == "application/xhtml+xml" else media)
        else:
            continue
        if best is None or (rank[0], -rank[1]) > (best[0], -best[1]):
            best = rank
    return best[2] if best else None


def _href(store: Store, iri: str) -> str:
    """Where a link to ``iri`` points: its /id/ page when it is under the base, else the IRI
    itself (only http and https: nothing else becomes a link)."""
    if iri.startswith(store.base):
        return "/id/" + quote(iri[len(store.base) :], safe="/#:@!$&'()*+,;=-._~")
    if iri.startswith(("http://", "https://")):
        return iri
    return "#"


def _short(store: Store, iri: str) -> str:
    return iri[len(store.base) :] if iri.startswith(store.base) else iri


@router.get(
    "/id/{path:path}",
    summary="Dereference a resource: HTML, Turtle, JSON-LD or N-Triples by Accept",
    description="The RDF answer holds the resource's own statements (and those of its fragment sub-nodes, "
    "such as #geometry), the labels of the resources they link to, and its incoming links up to "
    f"{res.SUBLIST_SIZE}. When there are more, it says `<resource> rdfs:seeAlso <…/api/incoming?iri=…>`: "
    "the paginated JSON list of every incoming link (Link and X-Total-Count headers).",
)
def resource(
    request: Request, path: str, format: str | None = Query(None, description="html, turtle, jsonld, ntriples")
) -> Response:
    store: Store = request.app.state.store
    if format is not None:
        if format not in FORMATS:
            raise Problem(
                400,
                "Invalid parameter",
                f"format: unknown format {format!r}; choose one of {', '.join(FORMATS)}",
                parameter="format",
            )
        media: str | None = FORMATS[format]
    else:
        media = negotiate(request.headers.get("accept", "*/*"))
    if media is None:
        raise Problem(
            406,
            "Not acceptable",
            "this resource is served as text/html, text/turtle, application/ld+json or application/n-triples",
            parameter="Accept",
        )
    iri = store.base + path
    try:
        known = res.exists(store, iri)
    except res.InvalidParameter:
        known = False
    vary = {"Vary": "Accept"}
    if not known:
        if media == "text/html":
            return render("not_found.html", 404, iri=iri, hint=path.rsplit("/", 1)[-1], lang="fr")
        return problem_response(404, "Not found", f"the graph says nothing about {iri}", parameter="path", headers=vary)
    if media != "text/html":
        more = f"{str(request.base_url).rstrip('/')}/api/incoming?{urlencode({'iri': iri})}"
        triples = res.describe(store, iri, more=more)
        prefixes = PREFIXES | {"id": store.base}
        fmt = RDF_MEDIA[media]
        if fmt == "json-ld":
            body = jsonld.compact(triples, prefixes)
        else:
            body = ox.serialize(triples, format=OX_FORMATS[fmt], prefixes=prefixes) or b""
        return Response(body, media_type=media if media != "application/json" else "application/ld+json", headers=vary)
    lang = "en" if request.headers.get("accept-language", "").lower().startswith("en") else "fr"
    about: dict[str, Any] = res.about(store, iri, lang)
    index = res.label_index(store)
    kinds = res.kinds_of(index, iri)
    response = render(
        "resource.html",
        iri=iri,
        label=res.label_of(index, iri, lang),
        page=request.url.path,
        api=f"/api/{kinds[0]}/{path}" if kinds else None,
        href=lambda i: _href(store, i),
        short=lambda i: _short(store, i),
        lang=lang,
        more_query=urlencode({"iri": iri}),
        **about,
    )
    response.headers.update(vary)
    return response
