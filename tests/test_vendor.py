"""The vendored front-end libraries: every file the manifest names is present, licensed and in git.

A file that exists here but is ignored by git is missing from every fresh clone (CI once
failed that way: a ``dist/`` pattern hid Leaflet's and YASGUI's scripts), so the check asks
git itself, not just the file system.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "api" / "static" / "vendor"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))
FILES = [f"{package}/{name}" for package, entry in MANIFEST.items() for name in entry["files"]]


def test_every_package_has_a_version_and_a_licence() -> None:
    licences = (VENDOR / "LICENSES.md").read_text(encoding="utf-8")
    for package, entry in MANIFEST.items():
        assert entry["version"][0].isdigit(), package
        assert entry["license"], package
        assert package in licences, f"{package} is missing from LICENSES.md"


@pytest.mark.parametrize("name", FILES)
def test_vendored_file_is_present(name: str) -> None:
    path = VENDOR / name
    assert path.is_file() and path.stat().st_size > 0, f"api/static/vendor/{name} is missing (make vendor)"


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(), reason="not a git checkout")
def test_no_vendored_file_is_ignored_by_git() -> None:
    paths = [str(Path("api/static/vendor") / name) for name in FILES]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "", f"ignored by git, so absent from a fresh clone:\n{result.stdout}"
