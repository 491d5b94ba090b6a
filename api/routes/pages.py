"""Routes: the HTML pages — the home page and the OpenAPI docs (from vendored swagger-ui-dist).

The map helper adds ``/map`` and ``/network`` here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from api.security import csp_nonce
from api.templating import render
from graph import resources as res
from graph.namespaces import COOP, COOP_DEF
from graph.store import Store

router = APIRouter(include_in_schema=False)

SWAGGER = "/static/vendor/swagger-ui-dist"


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Links to the map, the network, the SPARQL page and the docs, and what the graph holds."""
    store: Store = request.app.state.store
    stats = store.stats()
    classes: dict[str, int] = stats["classes"]
    counts = []
    for kind in res.KINDS.values():
        if kind.concept:
            count = sum(1 for s in res.label_index(store).concepts.values() if s == COOP_DEF + "theme")
        elif kind.name == "documents":
            count = classes.get(kind.cls, 0) + classes.get(str(COOP.Report), 0)
        else:
            count = classes.get(kind.cls, 0)
        counts.append({"kind": kind.name, "title": kind.title, "count": count})
    return render("home.html", counts=counts, triples=stats["triples"], graphs=len(stats["graphs"]))


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """Swagger UI over the app's OpenAPI description; every asset is served from /static."""
    page = get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/openapi.json",
        title="coopgraph — API",
        swagger_js_url=f"{SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{SWAGGER}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
    # Its one inline script (the SwaggerUIBundle call) runs under the Content-Security-Policy nonce.
    body = bytes(page.body).replace(b"<script>", f'<script nonce="{csp_nonce(request)}">'.encode())
    return HTMLResponse(body.decode())


_FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<circle cx="4" cy="11" r="3" fill="#1f6feb"/><circle cx="12" cy="5" r="3" fill="#d73a49"/>'
    '<path d="M4 11 12 5" stroke="#333" stroke-width="1.5"/></svg>'
)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """The site icon, so that no page's automatic favicon request ends in a 404."""
    return Response(_FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})
