"""The research notebooks as committed: paired with their percent scripts, outputs stripped,
each with a time limit, and a kernel to run them with.

The notebooks themselves are executed by nbmake (``--nbmake`` in the pytest options,
``notebooks`` in the test paths); these checks keep what is committed reviewable and runnable.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import jupytext
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
IPYNB = sorted(NOTEBOOKS.glob("*.ipynb"))
SCRIPTS = sorted(p for p in NOTEBOOKS.glob("[0-9]*.py"))
LIMIT = 300
"""No notebook may declare more than the suite's per-test limit (pyproject's ``timeout``)."""


def build_module() -> ModuleType:
    """``notebooks/build.py``, which writes each notebook from its percent script."""
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOKS / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_three_notebooks_are_there() -> None:
    assert [p.name for p in IPYNB] == [
        "01-sparql-tour.ipynb",
        "02-network-analysis.ipynb",
        "03-import-pilot-records.ipynb",
    ]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_has_its_notebook(script: Path) -> None:
    assert script.with_suffix(".ipynb").is_file(), "run make notebooks"


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for n, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {n} has outputs: run make notebooks"
            assert cell.execution_count is None, f"{path.name} cell {n} has an execution count"


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.name)
def test_notebook_matches_its_percent_script(path: Path) -> None:
    script = path.with_suffix(".py")
    assert script.is_file(), f"{path.name} has no percent-format pair {script.name}"
    assert script.read_text(encoding="utf-8").lstrip("# -\n").startswith("jupyter:"), "expected a jupytext header"
    from_script = jupytext.read(script, fmt="py:percent")
    committed = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [(c.cell_type, c.source) for c in from_script.cells], (
        f"{path.name} differs from {script.name}: run make notebooks"
    )
    assert committed.metadata.get("execution") == from_script.metadata.get("execution")
    assert committed.metadata.get("jupytext", {}).get("formats") == "ipynb,py:percent"


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.name)
def test_notebook_is_exactly_what_build_writes_from_its_script(path: Path) -> None:
    """Stable cell ids and no stray metadata: regenerating an unchanged notebook changes nothing."""
    expected = build_module().notebook_text(path.with_suffix(".py"))
    assert path.read_text(encoding="utf-8") == expected, f"{path.name} is out of date: run make notebooks"


@pytest.mark.parametrize("path", IPYNB, ids=lambda p: p.name)
def test_notebook_declares_a_time_limit_and_the_python3_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    timeout = nb.metadata.get("execution", {}).get("timeout")
    assert isinstance(timeout, int) and 0 < timeout <= LIMIT, f"{path.name}: execution.timeout is {timeout!r}"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_the_python3_kernel_runs_this_python() -> None:
    """nbmake starts the notebook's ``python3`` kernel: it must be this interpreter (the venv),
    where coopgraph and its dependencies are installed."""
    spec = KernelSpecManager().get_kernel_spec("python3")
    command = spec.argv[0]
    # jupyter_client runs a bare "python" as sys.executable; a path must be this interpreter.
    if command not in ("python", "python3", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        assert Path(shutil.which(command) or command).resolve() == Path(sys.executable).resolve(), spec.argv
    assert spec.argv[1:3] == ["-m", "ipykernel_launcher"]
    import ipykernel  # noqa: F401  (the kernel's package is importable here)
