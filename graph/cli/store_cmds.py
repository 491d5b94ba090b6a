"""``init``, ``query``, ``export``, ``stats``, ``validate``, ``serve``: the store commands."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

from graph import queries
from graph.cli.common import emit_json, store_options
from graph.results import Boolean, Solutions, Triples
from graph.sandbox import check as sandbox_check
from graph.store import EXPORT_FORMATS, Store


@click.command()
@click.option("--force", is_flag=True, help="Reload the ontology and seed graphs even if present.")
@store_options()
def init(store: Store, force: bool) -> None:
    """Create a store and load the ontology, the SHACL shapes and the seed graph."""
    loaded = store.init(force=force)
    stats = store.stats()
    state = "initialised" if loaded else "already initialised"
    click.echo(f"{store.location}: {state}, {stats['triples']} triples in {len(stats['graphs'])} graphs")


@click.command()
@click.argument("sparql", required=False)
@click.option(
    "--file",
    "-f",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the query from a file.",
)
@click.option("--name", "-n", help="Run a named query from graph/queries/ (see --list).")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a parameter of a named query; <…> for an IRI, else a literal.",
)
@click.option("--list", "list_", is_flag=True, help="List the named queries and their parameters.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@store_options(read_only=True)
def query(
    store: Store,
    sparql: str | None,
    file: Path | None,
    name: str | None,
    params: tuple[str, ...],
    list_: bool,
    fmt: str,
) -> None:
    """Run a SPARQL query (argument, --file or --name) and print its answer."""
    if list_:
        for q in (queries.load(n) for n in queries.names()):
            args = ", ".join(q.params) or "-"
            click.echo(f"{q.name:40} {args:20} {q.description}")
        return
    given = [x for x in (sparql, file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a query argument, --file, or --name")
    if name:
        text = queries.load(name).text
    else:
        text = file.read_text(encoding="utf-8") if file else str(sparql)
        sandbox_check(text)
    bindings = dict(_binding(p) for p in params)
    result = store.run(text, bindings)
    if isinstance(result, Boolean):
        click.echo(json.dumps({"boolean": result.value}) if fmt == "json" else str(result.value).lower())
    elif isinstance(result, Triples):
        graph_text = store.construct(text, **bindings).serialize(format="turtle")
        click.echo(graph_text)
    else:
        _print_rows(result, fmt)


def _binding(spec: str) -> tuple[str, Any]:
    from rdflib import URIRef

    if "=" not in spec:
        raise click.BadParameter(f"{spec!r} is not NAME=VALUE", param_hint="--param")
    key, value = spec.split("=", 1)
    if value.startswith("<") and value.endswith(">"):
        return key, URIRef(value[1:-1])
    return key, value


def _print_rows(result: Solutions, fmt: str) -> None:
    names = result.variables
    rows = [["" if v is None else v.value for v in row] for row in result.rows]
    if fmt == "json":
        emit_json([{k: v for k, v in zip(names, row, strict=True) if v != ""} for row in rows])
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows(rows)
    else:
        widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
        click.echo("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
        click.echo("  ".join("-" * w for w in widths))
        for row in rows:
            click.echo("  ".join(_cut(v, w).ljust(w) for v, w in zip(row, widths, strict=True)))
        click.echo(f"({len(rows)} rows)")


def _cut(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    default="turtle",
    show_default=True,
    help="nquads and trig keep the named graphs.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.option("--graph", "graph_iri", help="Export only this named graph.")
@store_options(read_only=True)
def export(store: Store, fmt: str, output: Path | None, graph_iri: str | None) -> None:
    """Export the store (or one named graph) as RDF."""
    if output is None:
        store.export(fmt, sys.stdout.buffer, graph=graph_iri)
        sys.stdout.buffer.flush()
        return
    tmp = output.with_name(output.name + ".part")
    with tmp.open("wb") as out:
        store.export(fmt, out, graph=graph_iri)
    tmp.replace(output)
    click.echo(f"wrote {output}", err=True)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@store_options(read_only=True)
def stats(store: Store, as_json: bool) -> None:
    """Count triples, entities per class and triples per named graph."""
    data = store.stats()
    if as_json:
        emit_json(data)
        return
    click.echo(f"store: {data['location']}")
    click.echo(f"triples: {data['triples']}")
    click.echo("named graphs:")
    for g, n in data["graphs"].items():
        click.echo(f"  {n:>9}  {g}")
    click.echo("entities per class:")
    for c, n in data["classes"].items():
        click.echo(f"  {n:>9}  {c}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@store_options(read_only=True)
def validate(store: Store, as_json: bool) -> None:
    """Validate the store against the SHACL shapes; exit 1 if it does not conform."""
    from graph.validate import validate_store

    report = validate_store(store)
    if as_json:
        emit_json(report.as_dict())
    else:
        for p in report.problems:
            click.echo(f"{p.severity}: {p.focus} {p.path or ''}: {p.message}")
        click.echo("conforms" if report.conforms else f"{len(report.violations)} violation(s)")
    if not report.conforms:
        sys.exit(1)


commands = [init, query, export, stats, validate]
