"""Options and helpers every ``coopgraph`` command shares."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from graph.namespaces import DEFAULT_BASE
from graph.paths import default_store

if TYPE_CHECKING:
    from graph.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def store_options(*, read_only: bool = False) -> Callable[[F], F]:
    """Add ``--store``, ``--base`` and ``--update-url``, and pass an open ``store`` to the command.

    Read-only commands fall back to opening an on-disk store read-only when a server holds it.
    """

    def decorate(command: F) -> F:
        @click.option(
            "--store",
            "location",
            default=default_store,
            show_default="$COOPGRAPH_STORE or ~/.local/share/coopgraph/store",
            help="A store folder, ':memory:', or an http(s) SPARQL query endpoint.",
        )
        @click.option(
            "--base",
            default=lambda: os.environ.get("COOPGRAPH_BASE", DEFAULT_BASE),
            show_default=DEFAULT_BASE,
            help="Base IRI of the data ($COOPGRAPH_BASE).",
        )
        @click.option(
            "--update-url",
            default=lambda: os.environ.get("COOPGRAPH_UPDATE_URL"),
            help="SPARQL update endpoint of a remote store (default: beside the query endpoint).",
        )
        @functools.wraps(command)
        def wrapper(location: str, base: str, update_url: str | None, **kwargs: Any) -> Any:
            with _open(location, base, update_url, read_only) as store:
                return command(store=store, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _open(location: str, base: str, update_url: str | None, read_only: bool) -> Store:
    from graph.backend_local import StoreLockedError
    from graph.store import open_store

    try:
        return open_store(location, base=base, update_url=update_url)
    except StoreLockedError:
        if not read_only:
            raise
        return open_store(location, base=base, read_only=True)


def emit_json(data: Any) -> None:
    """Write ``data`` as indented JSON to standard output."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
