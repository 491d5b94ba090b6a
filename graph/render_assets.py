"""The page assets the renderer inlines: vendored libraries, map script and style, page templates.

They live with the web application (``api/static``, ``api/templates``) because the server also
serves them; the renderer only reads them as files (no import of ``api``), so the CLI can write
self-contained pages without a server.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

_ROOT = Path(__file__).resolve().parent.parent


def static_dir() -> Path:
    return _ROOT / "api" / "static"


def templates_dir() -> Path:
    return _ROOT / "api" / "templates"


def asset(relative: str) -> str:
    """The text of a static file (``vendor/leaflet/leaflet.js``, ``map.js``…)."""
    path = (static_dir() / relative).resolve()
    if static_dir().resolve() not in path.parents:
        raise ValueError(f"{relative}: not a static asset")
    if not path.is_file():
        raise FileNotFoundError(f"{relative} is missing from api/static: run 'make vendor'")
    return path.read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    """Jinja with HTML autoescaping on: every name from the graph is text."""
    env = Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=select_autoescape(["html"]))
    env.filters["script_json"] = script_json
    env.filters["inline_script"] = inline_script
    return env


def script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped as ``\\u003c``…,
    so a name holding ``</script>`` cannot end the element."""
    from markupsafe import Markup

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def inline_script(text: str) -> str:
    """A library's source safe to inline in a ``<script>`` element (``</script`` split)."""
    from markupsafe import Markup

    return Markup(text.replace("</script", "<\\/script").replace("<!--", "<\\!--"))


def render_template(name: str, **context: Any) -> str:
    return environment().get_template(name).render(**context)
