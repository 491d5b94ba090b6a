"""``coopgraph serve``: the SPARQL endpoint, the API, the map and the linked-data pages.

Its own module, importing little: ``serve`` may re-execute the process on another allocator
(:mod:`graph.allocator`) as soon as its options are read, and everything imported before that
is imported twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from graph.allocator import CHOICES, AllocatorError, in_use, preload_env, reexec
from graph.cli.common import store_options

if TYPE_CHECKING:
    from graph.store import Store


def _on_allocator(ctx: click.Context, _param: click.Parameter, choice: str) -> str:
    """Re-execute on the chosen allocator before the store is opened (an eager option's
    callback runs before the others are read)."""
    try:
        if (ctx.find_root().obj or {}).get("own_command_line"):
            reexec(choice)
        else:
            preload_env(choice)  # still refuse 'jemalloc' where it is missing
    except AllocatorError as err:
        raise click.BadParameter(str(err), ctx, _param) from err
    return choice


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--init/--no-init",
    "initialise",
    default=True,
    show_default=True,
    help="Load the ontology and seed first if the store holds no ontology (always so for ':memory:').",
)
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Log one line per request (off by default: it costs a share of the server's only thread).",
)
@click.option(
    "--warm/--no-warm",
    default=True,
    show_default=True,
    help="Once serving, build the map index and the list orders on a background thread "
    "(at Atlas scale the first map or list call would otherwise take seconds to minutes).",
)
@click.option(
    "--allocator",
    type=click.Choice(CHOICES),
    default="auto",
    show_default=True,
    envvar="COOPGRAPH_ALLOCATOR",
    is_eager=True,
    expose_value=False,
    callback=_on_allocator,
    help="Memory allocator: 'auto' runs on Debian's jemalloc where it is installed "
    "(faster big queries, less memory held; the server re-executes itself with it preloaded), "
    "else on the system's ($COOPGRAPH_ALLOCATOR).",
)
@store_options()
def serve(store: Store, host: str, port: int, initialise: bool, access_log: bool, warm: bool) -> None:
    """Serve the SPARQL endpoint, the API, the map and the linked-data pages."""
    import uvicorn

    from api.app import create_app
    from graph.warm import warm_in_background

    if initialise and store.init():
        click.echo(f"{store.location}: initialised with the ontology and the seed graph", err=True)
    app = create_app(store)
    if warm:

        def start_warming() -> None:
            warm_in_background(store, report=lambda line: click.echo(line, err=True))

        app.router.on_startup.append(start_warming)
    click.echo(f"serving {store.location} on http://{host}:{port}/ (allocator: {in_use()})", err=True)
    # Keep idle connections 30 s (uvicorn's default is 5 s): a client reusing a pooled connection
    # just as the server closes it gets a dropped request (seen twice in the 50-client load test).
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log, timeout_keep_alive=30)


commands = [serve]
