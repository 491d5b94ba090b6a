"""Write each ``notebooks/NN-*.ipynb`` from its jupytext percent script, without outputs.

The ``.py`` scripts are the source that reviews read; the ``.ipynb`` files are generated from
them: no outputs, no execution counts, and cell ids derived from the cell's content (jupytext
would draw random ones, so every regeneration would show as a change). ``make notebooks`` runs
this; ``tests/test_notebooks.py`` checks that every committed notebook is what it would write.

Usage: ``python notebooks/build.py [--check] [SCRIPT ...]`` (default: every ``[0-9]*.py`` here).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    """The percent scripts of the notebooks, in order."""
    return sorted(HERE.glob("[0-9]*.py"))


def notebook_text(script: Path) -> str:
    """The ``.ipynb`` text for ``script``: its cells and header metadata, no outputs, stable ids."""
    nb = jupytext.read(script, fmt="py:percent")
    seen: dict[str, int] = {}
    for cell in nb.cells:
        digest = hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:10]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    nb.metadata["jupytext"].pop("text_representation", None)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    targets = [Path(a).resolve() for a in argv if a != "--check"] or scripts()
    stale = []
    for script in targets:
        path = script.with_suffix(".ipynb")
        text = notebook_text(script)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        if check:
            stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if stale:
        print(f"out of date (run make notebooks): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
