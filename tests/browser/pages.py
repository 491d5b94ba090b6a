"""Playwright helpers: Debian's Chromium, and a page that records its requests and console errors."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def chromium_path() -> str | None:
    """Debian's Chromium if installed (never a browser downloaded by Playwright)."""
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")


@dataclass
class Watched:
    """A page with the URL of every request it made and every console error it showed."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self, origin: str) -> list[str]:
        return [u for u in self.requests if not u.startswith((origin + "/", "data:", "blob:", "about:"))]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def watch(browser: Any, width: int = 1400, height: int = 850) -> Watched:
    page = browser.new_page(viewport={"width": width, "height": height})
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("console", lambda msg: msg.type == "error" and watched.errors.append(msg.text))
    page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
    page.on("response", lambda r: r.status >= 400 and watched.errors.append(f"HTTP {r.status} {r.url}"))
    return watched
