"""The ``coopgraph`` command line.

Each module of this package holds the commands of one job (store, serve, import, network,
pages, bench, admin) as a ``commands`` list; this module gathers them under one group, which
imports a command's module only when that command runs (``coopgraph serve`` does not load
networkx), and turns every expected failure into a one-line reason and a non-zero exit.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from graph import __version__

EXPECTED_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError, SyntaxError, KeyError, RuntimeError)


COMMANDS = {
    "init": "store_cmds",
    "query": "store_cmds",
    "export": "store_cmds",
    "stats": "store_cmds",
    "validate": "store_cmds",
    "serve": "serve_cmds",
    "import": "ingest_cmds",
    "batches": "ingest_cmds",
    "undo": "ingest_cmds",
    "network": "network_cmds",
    "map": "render_cmds",
    "network-view": "render_cmds",
    "bench": "bench_cmds",
    "backup": "admin_cmds",
    "restore": "admin_cmds",
}
"""Each command's name and the module of this package that holds it."""


class CoopGroup(click.Group):
    """A group that loads each command from its module on first use (:data:`COMMANDS`) and
    reports failures as ``error: <reason>`` instead of a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = importlib.import_module(f"graph.cli.{COMMANDS[cmd_name]}")
            for command in module.commands:
                self.add_command(command)
        return self.commands.get(cmd_name)

    def main(self, args: Any = None, *rest: Any, **extra: Any) -> Any:
        """Run the command line, noting in ``ctx.obj`` whether it is this process's own (the
        console script, ``python -m graph.cli``) rather than a caller's list, as in tests:
        only then may ``serve`` re-execute the process (:func:`graph.allocator.reexec`)."""
        extra.setdefault("obj", {"own_command_line": args is None})
        return super().main(args, *rest, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except EXPECTED_ERRORS as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            if isinstance(err, KeyError):
                reason = f"not found: {err.args[0] if err.args else err}"
            click.echo(f"error: {reason}", err=True)
            sys.exit(1)


@click.group(cls=CoopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopgraph")
def main() -> None:
    """coopgraph: a knowledge graph of decentralised-cooperation partnerships."""
