"""Each notebook runs under its own time limit when ``pytest`` executes it through nbmake.

``metadata.execution.timeout`` of a notebook (set in the header of its ``.py`` pair) is read by
nbmake as the limit of each cell; here it also becomes the pytest-timeout limit of the whole
notebook, so a notebook that hangs or slows down fails instead of holding up the suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def notebook_timeout(path: Path) -> int | None:
    """The ``execution.timeout`` a notebook declares, in seconds, if any."""
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    timeout = metadata.get("execution", {}).get("timeout")
    return int(timeout) if timeout else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if path.suffix == ".ipynb" and path.parent == Path(__file__).parent:
            timeout = notebook_timeout(path)
            if timeout:
                item.add_marker(pytest.mark.timeout(timeout))
