"""``coopgraph bench``: the benchmark harness of bench/ (a checkout's tool, not the library's)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.allocator import CHOICES, AllocatorError


@click.command()
@click.option(
    "--scale",
    type=click.FloatRange(min=0.001, max=100),
    default=1.0,
    show_default=True,
    help="Size of the data in Atlas units (0.01, 1, 10…).",
)
@click.option("--peers/--no-peers", default=True, show_default=True, help="Also run rdflib-endpoint and rdflib.")
@click.option(
    "--engine",
    "engines",
    multiple=True,
    type=click.Choice(["coopgraph", "oxigraph", "rdflib_endpoint", "rdflib"]),
    help="Measure only these engines (repeat the option; default: all, less the peers with --no-peers).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Results file (default: bench/results/<date>-<scale>x.json).",
)
@click.option("--repetitions", "-n", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--peer-repetitions",
    type=click.IntRange(min=1),
    help="Timed calls per query on rdflib-endpoint and rdflib, without a warm-up (default: --repetitions after one).",
)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where data and stores are kept and reused "
    "(default: $COOPGRAPH_BENCH_DIR, else coopgraph-bench in the temporary folder).",
)
@click.option(
    "--rdflib-cap", type=float, default=30.0, show_default=True, help="Seconds before a peer query is skipped."
)
@click.option(
    "--endpoint-cap", type=float, help="Seconds before an rdflib-endpoint query is skipped (default: --rdflib-cap)."
)
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds an HTTP query may take.")
@click.option("--no-cq", is_flag=True, help="Leave the competency-question queries out of the set.")
@click.option(
    "--query",
    "queries",
    multiple=True,
    metavar="NAME",
    help="Measure only this query of the set (shell wildcards, e.g. 'cq1?_*'; repeat the option).",
)
@click.option(
    "--allocator",
    type=click.Choice(CHOICES),
    default="auto",
    show_default=True,
    help="Memory allocator of every server started (coopgraph, raw Oxigraph, rdflib-endpoint), "
    "so the engines run on the same malloc (see 'coopgraph serve --allocator').",
)
@click.option("--no-rest", is_flag=True, help="Skip the REST routes.")
@click.option("--no-extensions", is_flag=True, help="Skip bench_import / bench_network / bench_map.")
@click.option(
    "--no-memory", is_flag=True, help="Skip the tracemalloc pass of the network analyses (several times their time)."
)
@click.option(
    "--reload",
    is_flag=True,
    help="Generate the data again and reload the store, even where a store loaded before (bench-loaded.json) is there.",
)
def bench(
    scale: float,
    peers: bool,
    engines: tuple[str, ...],
    output: Path | None,
    repetitions: int,
    peer_repetitions: int | None,
    seed: int,
    workdir: Path | None,
    rdflib_cap: float,
    endpoint_cap: float | None,
    timeout: float,
    no_cq: bool,
    queries: tuple[str, ...],
    allocator: str,
    no_rest: bool,
    no_extensions: bool,
    no_memory: bool,
    reload: bool,
) -> None:
    """Benchmark coopgraph against raw Oxigraph, rdflib-endpoint and rdflib on Atlas-shaped data.

    A store loaded by an earlier run at the same scale and seed is measured as it is (at 10×,
    generating and loading take minutes); --reload starts again from the generator.
    """
    try:
        from bench import harness
    except ImportError as err:
        raise click.ClickException(f"the bench/ folder of a coopgraph checkout is needed ({err})") from err
    options = harness.Options(
        scale=scale,
        seed=seed,
        repetitions=repetitions,
        peer_repetitions=peer_repetitions,
        peers=peers,
        engines=engines or harness.ENGINES,
        workdir=workdir,
        output=output,
        rdflib_cap_s=rdflib_cap,
        endpoint_cap_s=endpoint_cap,
        http_timeout_s=timeout,
        rest=not no_rest,
        competency_questions=not no_cq,
        queries=queries,
        allocator=allocator,
        extensions=not no_extensions,
        network_memory=not no_memory,
        reload=reload,
    )
    try:
        results = harness.run(options)
    except harness.SelectionError as err:
        raise click.BadParameter(str(err), param_hint="--query") from err
    except AllocatorError as err:
        raise click.BadParameter(str(err), param_hint="--allocator") from err
    click.echo(harness.table(results))
    click.echo(f"\nresults: {results['output']}")


commands = [bench]
