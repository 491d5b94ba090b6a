"""The Jinja2 environment of the HTML pages: autoescaping always on (imported names may hold markup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

TEMPLATES = Path(__file__).resolve().parent / "templates"

env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Template ``name`` rendered with ``context`` as an HTML answer."""
    return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)
