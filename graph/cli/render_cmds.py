"""``map`` and ``network-view``: self-contained HTML pages (data, scripts and styles inlined)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.common import store_options
from graph.store import Store

_FILTER_OPTIONS = [
    click.option("--country", help="ISO code of a partner's country (e.g. ML)."),
    click.option("--theme", help="Theme slug or IRI (narrower themes match too)."),
    click.option("--status", help="Status slug (implementation, closed…)."),
    click.option("--year-from", type=int, help="Active in or after this year."),
    click.option("--year-to", type=int, help="Started in or before this year."),
    click.option("--kind", help="Kind of authority (commune, departement, region, intercommunalite…)."),
    click.option("--search", "q", help="Text in a partnership's, partner's or place's name."),
    click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True),
    click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                 help="The HTML file to write."),
]  # fmt: skip


def _with_filters(command):  # type: ignore[no-untyped-def]
    for option in reversed(_FILTER_OPTIONS):
        command = option(command)
    return command


@click.command("map")
@_with_filters
@store_options(read_only=True)
def map_command(store: Store, out: Path, lang: str, **raw: object) -> None:
    """Write the partnership map as one HTML file that works offline."""
    from graph.render import Filters
    from graph.render_pages import standalone_map

    filters = Filters.parse(**raw)  # type: ignore[arg-type]
    html = standalone_map(store, filters, lang=lang)
    out.write_text(html, encoding="utf-8")
    click.echo(f"wrote {out} ({len(html.encode()) // 1024} KiB)", err=True)


@click.command("network-view")
@_with_filters
@click.option("--ego", help="IRI of an authority or place: draw its ego network.")
@click.option("--radius", type=int, default=1, show_default=True, help="Radius of the ego network.")
@click.option("--colour", type=click.Choice(["country", "community"]), default="country", show_default=True)
@click.option("--size", type=click.Choice(["degree", "betweenness"]), default="degree", show_default=True)
@store_options(read_only=True)
def network_view(
    store: Store, out: Path, lang: str, ego: str | None, radius: int, colour: str, size: str, **raw: object
) -> None:
    """Write the pyvis network view as one HTML file that works offline."""
    from graph.render import Filters
    from graph.render_network import network_data, network_page

    filters = Filters.parse(**raw)  # type: ignore[arg-type]
    data = network_data(store, filters, ego=ego, radius=radius, colour_by=colour, size_by=size, lang=lang)
    html = network_page(data, lang=lang, heading="coopgraph", links=False)
    out.write_text(html, encoding="utf-8")
    click.echo(f"wrote {out}: {len(data['nodes'])} nodes, {len(data['edges'])} edges ({data['level']})", err=True)


commands: list[click.Command] = [map_command, network_view]
