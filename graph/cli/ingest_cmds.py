"""``import``, ``batches``, ``undo``: bring records in, list what came in, take a batch out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from graph import batches as batch_mod
from graph.cli.common import emit_json, store_options
from graph.store import Store


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    "-m",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Column-mapping file (YAML or JSON).",
)
@click.option("--dry-run", is_flag=True, help="Report everything, write nothing.")
@click.option(
    "--on-error",
    type=click.Choice(["reject", "skip"]),
    default=None,
    help="Refuse the whole batch on any error (default), or import the good rows.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@store_options()
def import_(store: Store, file: Path, mapping: Path | None, dry_run: bool, on_error: str | None, as_json: bool) -> None:
    """Import FILE (CSV, JSON, Turtle, N-Triples or JSON-LD) as one batch."""
    from graph.ingest.pipeline import import_file

    content = file.read_bytes()
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="resolving", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        report = import_file(
            store, file.name, content, mapping=mapping, dry_run=dry_run, on_error=on_error, progress=progress
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if as_json:
        emit_json(report.as_dict())
    else:
        for issue in report.issues:
            click.echo(f"{issue.severity}: {issue.text()}")
        click.echo(
            f"{report.source}: {report.status} — {report.records} records, {report.imported} imported, "
            f"{report.created} entities created, {report.merged} merged, {report.skipped} skipped, "
            f"{len(report.warnings)} warnings, {len(report.errors)} errors, {report.seconds:.1f} s"
        )
        click.echo(report.message)
    if not report.ok:
        sys.exit(1)


@click.command(name="batches")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@store_options(read_only=True)
def list_batches(store: Store, as_json: bool) -> None:
    """List the import batches, oldest first."""
    rows = batch_mod.list_batches(store)
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        batch_id = str(row.get("batch", "")).rsplit("/", 1)[-1]
        click.echo(
            f"{batch_id}  {row.get('source')}  {row.get('started')}  records={row.get('records')} "
            f"created={row.get('created')} merged={row.get('merged')} skipped={row.get('skipped')} "
            f"warnings={row.get('warnings')}"
        )
    click.echo(f"({len(rows)} batches)")


@click.command()
@click.argument("batch")
@store_options()
def undo(store: Store, batch: str) -> None:
    """Remove exactly the batch BATCH: its graph, its record and its flags."""
    batch_id = batch.rsplit("/", 1)[-1]
    if not batch_mod.exists(store, batch_id):
        click.echo(f"error: no batch {batch_id!r} (see 'coopgraph batches')", err=True)
        sys.exit(1)
    batch_mod.undo(store, batch_id)
    click.echo(f"undone batch {batch_id}")


commands = [import_, list_batches, undo]
