"""What an import says back: every problem where it is (row and column, JSON pointer or node)
and in words, and the counts of what was read, created, merged, skipped and written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all) while a large file is prepared."""


@dataclass
class Issue:
    """One problem or warning, where it is and what it means."""

    severity: str
    """``error`` (the row, or the file, cannot be imported) or ``warning`` (imported, flagged)."""
    code: str
    where: str
    column: str | None
    message: str
    stated: str | None = None
    corrected: str | None = None
    node: str | None = None

    def text(self) -> str:
        col = f", column {self.column!r}" if self.column else ""
        return f"{self.where}{col}: {self.message}"


@dataclass
class ImportReport:
    source: str
    checksum: str
    status: str = "pending"
    """``imported``, ``rejected``, ``dry-run``, ``already-imported``."""
    batch: str | None = None
    graph: str | None = None
    records: int = 0
    imported: int = 0
    created: int = 0
    merged: int = 0
    skipped: int = 0
    triples: int = 0
    on_error: str = "reject"
    dry_run: bool = False
    encoding: str | None = None
    separator: str | None = None
    mapping: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "dry-run", "already-imported") and not (
            self.status == "dry-run" and self.errors and self.on_error == "reject"
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["errors"] = len(self.errors)
        data["warnings"] = len(self.warnings)
        data["ok"] = self.ok
        return data
