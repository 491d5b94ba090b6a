"""The ``coopgraph`` command line.

Each module of this package holds the commands of one job (store, import, network, pages,
bench, admin) as a ``commands`` list; this module gathers them under one group and turns
every expected failure into a one-line reason and a non-zero exit.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from graph import __version__

EXPECTED_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError, SyntaxError, KeyError, RuntimeError)


class CoopGroup(click.Group):
    """A group that reports failures as ``error: <reason>`` instead of a traceback."""

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


def _register() -> None:
    from graph.cli import admin_cmds, bench_cmds, ingest_cmds, network_cmds, render_cmds, store_cmds

    for module in (store_cmds, ingest_cmds, network_cmds, render_cmds, bench_cmds, admin_cmds):
        for command in module.commands:
            main.add_command(command)


_register()
