"""The FastAPI application: wires the routers of ``api/routes`` to one open store."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import problems
from api.direct import DirectRoutes
from api.routes import graph_store, imports, linked_data, map, network, pages, resources, sparql
from api.security import SecurityMiddleware
from api.settings import Settings
from graph import __version__
from graph.store import Store


def create_app(store: Store, settings: Settings | None = None) -> FastAPI:
    """An app serving ``store``; routes reach it through ``request.app.state.store``."""
    app = FastAPI(
        title="coopgraph",
        version=__version__,
        description="Knowledge graph of decentralised-cooperation partnerships: SPARQL, REST, map.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    app.state.settings = settings or Settings()
    problems.install(app)
    app.add_middleware(DirectRoutes, routes=sparql.DIRECT)  # added first: inside SecurityMiddleware
    app.add_middleware(
        SecurityMiddleware, settings=app.state.settings, tiles=os.environ.get("COOPGRAPH_MAP_TILES") or None
    )
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")
    for module in (sparql, graph_store, resources, linked_data, imports, network, map, pages):
        app.include_router(module.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, object]:
        return {"status": "ok", "store": store.location, "version": store.version}

    return app
