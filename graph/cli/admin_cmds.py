"""``backup`` and ``restore``: the whole store to and from one gzip N-Quads file."""

from __future__ import annotations

from pathlib import Path

import click

from graph.backup import backup as do_backup
from graph.backup import restore as do_restore
from graph.cli.common import emit_json, store_options
from graph.store import Store


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@store_options(read_only=True)
def backup(store: Store, file: Path) -> None:
    """Write the whole store (every named graph) to FILE as gzip N-Quads."""
    emit_json(do_backup(store, file))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a store that already holds data.")
@store_options()
def restore(store: Store, file: Path, replace: bool) -> None:
    """Load a backup written by 'coopgraph backup' into the store, in one write."""
    emit_json(do_restore(store, file, replace=replace))


commands = [backup, restore]
