"""``coopgraph network summary | centrality | communities | brokers | path | ego | evolution | export``.

Each command projects the store into networkx (see :mod:`graph.projections`), runs one
analysis of :mod:`graph.network` and prints it for a person, or as JSON with ``--json``.
The filters ``--country --theme --kind --year`` select the partnerships and projects.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from graph import network, network_answers
from graph.cli.common import emit_json, store_options
from graph.network_export import FORMATS
from graph.projections import Filters
from graph.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def filter_options(command: F) -> F:
    """``--country``, ``--theme``, ``--kind`` (each repeatable or comma-separated) and ``--year``."""
    for option in reversed(
        [
            click.option("--country", multiple=True, help="ISO code(s) of a member's country (e.g. FR, SN)."),
            click.option("--theme", multiple=True, help="Theme slug(s) or IRI(s); narrower themes included."),
            click.option("--kind", multiple=True, help="Kind(s) of a member authority (commune, region…)."),
            click.option("--year", type=int, help="Only partnerships and projects active in this year."),
        ]
    ):
        command = option(command)
    return command


def json_option(command: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(command)


def projection_option(command: F) -> F:
    return click.option(
        "--projection",
        "projection_name",
        type=click.Choice(list(network_answers.PROJECTIONS)),
        default="authority",
        show_default=True,
        help="Which graph to analyse.",
    )(command)


def analysis_options(command: F) -> F:
    """What every analysis of a projection takes: the filters, ``--projection``, ``--json`` and
    the store (read-only), in that order in ``--help``."""
    for option in (store_options(read_only=True), json_option, projection_option, filter_options):
        command = option(command)
    return command


def _emitted_json(data: Any, as_json: bool) -> bool:
    """Print ``data`` as JSON if ``--json`` was given; whether it was (then the command is done)."""
    if as_json:
        emit_json(data)
    return as_json


def _filters(country: tuple[str, ...], theme: tuple[str, ...], kind: tuple[str, ...], year: int | None) -> Filters:
    return Filters.of(country=country, theme=theme, kind=kind, year=year)


def _name(row: dict[str, Any]) -> str:
    label = row.get("label") or row["id"]
    country = f" ({row['country']})" if row.get("country") else ""
    return f"{label}{country}"


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


@click.group("network")
def network_group() -> None:
    """Network analyses of the partnership graph (networkx)."""


@network_group.command()
@analysis_options
def summary(store: Store, as_json: bool, projection_name: str, **filters: Any) -> None:
    """Size, density, components, clustering and assortativity of the network."""
    data = network_answers.summary(store, _filters(**filters), projection_name)
    if _emitted_json(data, as_json):
        return
    for key, value in data.items():
        if key not in ("filters",):
            click.echo(f"{key:24} {_fmt(value)}")


@network_group.command()
@click.option(
    "--measure",
    type=click.Choice(list(network.CENTRALITIES)),
    default="degree",
    show_default=True,
    help="Which centrality (constraint: lowest first).",
)
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many nodes to list.")
@click.option("--seed", default=0, show_default=True, help="Seed of sampled betweenness.")
@click.option("--sample", "k", type=click.IntRange(min=1), help="Estimate betweenness from this many sources.")
@analysis_options
def centrality(
    store: Store, measure: str, top: int, seed: int, k: int | None, as_json: bool, projection_name: str, **filters: Any
) -> None:
    """The most central nodes by a measure."""
    data = network_answers.centrality(
        store, measure, _filters(**filters), top, seed=seed, k=k, projection_name=projection_name
    )
    if _emitted_json(data, as_json):
        return
    exact = "exact" if data.get("exact", True) else f"estimated from {data.get('k')} sources, seed {data.get('seed')}"
    click.echo(f"{measure} ({exact})")
    for row in data["top"]:
        click.echo(f"  {row['value']:>10.4g}  {_name(row)}  <{row['id']}>")


@network_group.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many communities to list.")
@click.option("--seed", default=0, show_default=True, help="Seed of the Louvain method.")
@click.option("--resolution", default=1.0, show_default=True, help="Above 1: smaller communities.")
@analysis_options
def communities(
    store: Store, top: int, seed: int, resolution: float, as_json: bool, projection_name: str, **filters: Any
) -> None:
    """Louvain communities and their modularity."""
    data = network_answers.communities(
        store, _filters(**filters), top, seed=seed, resolution=resolution, projection_name=projection_name
    )
    if _emitted_json(data, as_json):
        return
    click.echo(f"{data['count']} communities, modularity {_fmt(data['modularity'])}")
    for c in data["communities"]:
        names = ", ".join(_name(m) for m in c["members"][:8])
        more = f" and {c['size'] - 8} more" if c["size"] > 8 else ""
        click.echo(f"  #{c['index']} ({c['size']}): {names}{more}")


@network_group.command()
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=0, show_default=True)
@filter_options
@json_option
@store_options(read_only=True)
def brokers(store: Store, top: int, seed: int, as_json: bool, **filters: Any) -> None:
    """The brokers (highest betweenness) with their communities: competency question 12."""
    data = network_answers.brokers(store, _filters(**filters), top, seed=seed)
    if _emitted_json(data, as_json):
        return
    click.echo(f"{data['communities']} communities, modularity {_fmt(data['modularity'])}")
    for row in data["brokers"]:
        click.echo(f"  {row['value']:>10.4g}  community #{row['community']}  {_name(row)}")


@network_group.command()
@click.argument("source")
@click.argument("target")
@analysis_options
def path(store: Store, source: str, target: str, as_json: bool, projection_name: str, **filters: Any) -> None:
    """The shortest chain of partnerships between SOURCE and TARGET (IRIs or names)."""
    data = network_answers.path(store, source, target, _filters(**filters), projection_name=projection_name)
    if _emitted_json(data, as_json):
        return
    found = data["path"]
    if found is None:
        click.echo(f"no chain of partnerships links {source} and {target}")
        raise SystemExit(1)
    click.echo(f"{found['length']} step(s)")
    for node, edge in zip(found["nodes"], [*found["edges"], None], strict=True):
        click.echo(f"  {_name(node)}")
        if edge:
            via = ", ".join(edge["partnerships"] + edge["projects"])
            click.echo(f"    └ {via}")


@network_group.command()
@click.argument("node")
@click.option("--radius", default=1, show_default=True, type=click.IntRange(min=0))
@analysis_options
def ego(store: Store, node: str, radius: int, as_json: bool, projection_name: str, **filters: Any) -> None:
    """The ego network of NODE (IRI or name) within RADIUS hops."""
    data = network_answers.ego(store, node, radius, _filters(**filters), projection_name=projection_name)
    if _emitted_json(data, as_json):
        return
    click.echo(f"{len(data['nodes'])} nodes, {len(data['edges'])} edges within {radius} of {data['center']}")
    for row in data["nodes"]:
        click.echo(f"  {_name(row)}")


@network_group.command()
@filter_options
@json_option
@store_options(read_only=True)
def evolution(store: Store, as_json: bool, **filters: Any) -> None:
    """Partnerships active and new per year, by country."""
    data = network_answers.evolution(store, _filters(**filters))
    if _emitted_json(data, as_json):
        return
    for row in data["years"]:
        click.echo(f"  {row['year']}  active {row['active']:>6}  new {row['new']:>5}  ended {row['ended']:>5}")


@network_group.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="graphml", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@filter_options
@projection_option
@store_options(read_only=True)
def export(store: Store, fmt: str, output: Path, projection_name: str, **filters: Any) -> None:
    """Write the network as GraphML or GEXF (Gephi) or a CSV edge list."""
    chunks = network_answers.export(store, fmt, _filters(**filters), projection_name)
    tmp = output.with_name(output.name + ".part")
    size = 0
    try:
        with tmp.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                size += len(chunk)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(output)
    click.echo(f"wrote {output} ({size} bytes)", err=True)


commands: list[click.Command] = [network_group]
