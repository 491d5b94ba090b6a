"""Routes: ``/api/network/…`` — network analyses of the partnership graph, as JSON.

Thin: parse the query parameters, call :mod:`graph.network_answers` (which caches per store
version), shape the answer. Filters on every route: ``country``, ``theme``, ``kind`` (each
repeatable or comma-separated) and ``year``; ``projection`` chooses the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from api.problems import Problem, invalid
from graph import network, network_answers
from graph.network_answers import AmbiguousName, UnknownName
from graph.network_export import FORMATS, MEDIA_TYPES
from graph.projections import FilterError, Filters
from graph.store import Store

router = APIRouter(prefix="/api/network", tags=["network"])

T = TypeVar("T")


@dataclass
class Common:
    store: Store
    filters: Filters
    projection: str


def common(
    request: Request,
    country: Annotated[list[str] | None, Query(description="ISO code(s) of a member's country, e.g. FR, SN.")] = None,
    theme: Annotated[list[str] | None, Query(description="Theme slug(s) or IRI(s); narrower themes included.")] = None,
    kind: Annotated[list[str] | None, Query(description="Kind(s) of a member authority: commune, region…")] = None,
    year: Annotated[int | None, Query(ge=1000, le=9999, description="Active in this year.")] = None,
    projection: Annotated[str, Query(description=f"One of {', '.join(network_answers.PROJECTIONS)}.")] = "authority",
) -> Common:
    """The store, the filters and the projection every network route takes."""
    with _problems():
        filters = Filters.of(country=country, theme=theme, kind=kind, year=year)
        if projection not in network_answers.PROJECTIONS:
            raise FilterError("projection", f"choose one of {', '.join(network_answers.PROJECTIONS)}")
    return Common(request.app.state.store, filters, projection)


CommonDep = Annotated[Common, Depends(common)]
Top = Annotated[int, Query(ge=1, le=10_000, description="How many to list.")]
Seed = Annotated[int, Query(description="Seed of Louvain and of sampled betweenness.")]


@contextmanager
def _problems() -> Iterator[None]:
    """Turn the library's errors into problem+json naming the parameter."""
    try:
        yield
    except FilterError as err:
        raise invalid(err) from err
    except AmbiguousName as err:
        raise Problem(400, "Ambiguous name", str(err), parameter=err.parameter, candidates=err.candidates) from err
    except UnknownName as err:
        raise Problem(404, "Not in the network", str(err), parameter=err.parameter) from err


def _run(compute: Callable[[], T]) -> T:
    with _problems():
        return compute()


@router.get("/summary", summary="Size, density, components, clustering and assortativity")
def summary(c: CommonDep) -> dict[str, Any]:
    return _run(lambda: network_answers.summary(c.store, c.filters, c.projection))


@router.get("/centrality", summary="The most central nodes by a measure")
def centrality(
    c: CommonDep,
    measure: Annotated[str, Query(description=f"One of {', '.join(network.CENTRALITIES)}.")] = "degree",
    top: Top = 10,
    seed: Seed = 0,
    sample: Annotated[int | None, Query(ge=1, description="Estimate betweenness from this many sources.")] = None,
) -> dict[str, Any]:
    return _run(
        lambda: network_answers.centrality(
            c.store, measure, c.filters, top, seed=seed, k=sample, projection_name=c.projection
        )
    )


@router.get("/communities", summary="Louvain communities and modularity")
def communities(
    c: CommonDep,
    top: Top = 10,
    seed: Seed = 0,
    resolution: Annotated[float, Query(gt=0, le=100)] = 1.0,
) -> dict[str, Any]:
    return _run(
        lambda: network_answers.communities(
            c.store, c.filters, top, seed=seed, resolution=resolution, projection_name=c.projection
        )
    )


@router.get("/brokers", summary="Brokers (highest betweenness) and their communities (CQ12)")
def brokers(c: CommonDep, top: Top = 10, seed: Seed = 0) -> dict[str, Any]:
    return _run(lambda: network_answers.brokers(c.store, c.filters, top, seed=seed))


@router.get("/path", summary="Shortest chain of partnerships between two nodes (CQ13)")
def path(
    c: CommonDep,
    source: Annotated[str, Query(min_length=1, description="IRI or name of an authority or place.")],
    target: Annotated[str, Query(min_length=1, description="IRI or name of an authority or place.")],
) -> dict[str, Any]:
    return _run(lambda: network_answers.path(c.store, source, target, c.filters, projection_name=c.projection))


@router.get("/ego", summary="Ego network of a node")
def ego(
    c: CommonDep,
    node: Annotated[str, Query(min_length=1, description="IRI or name of an authority or place.")],
    radius: Annotated[int, Query(ge=0, le=10)] = 1,
) -> dict[str, Any]:
    return _run(lambda: network_answers.ego(c.store, node, radius, c.filters, projection_name=c.projection))


@router.get("/evolution", summary="Partnerships active and new per year, by country")
def evolution(c: CommonDep) -> dict[str, Any]:
    return _run(lambda: network_answers.evolution(c.store, c.filters))


@router.get("/export", summary="The network as GraphML, GEXF or a CSV edge list")
def export(
    c: CommonDep,
    format: Annotated[str, Query(description=f"One of {', '.join(FORMATS)}.")] = "graphml",
) -> Response:
    chunks = _run(lambda: network_answers.export(c.store, format, c.filters, c.projection))  # checks first
    filename = f"coopgraph-{c.projection}.{format}"
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/france-twins", summary="French cities with the most twins, countries most linked to France (CQ16)")
def france_twins(request: Request, top: Top = 10) -> dict[str, Any]:
    return _run(lambda: network_answers.twin_towns_france(request.app.state.store, top))
