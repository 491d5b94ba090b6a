"""``python -m graph.cli``: the same as the ``coopgraph`` command."""

from graph.cli import main

main()
