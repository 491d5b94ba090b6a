"""The named SPARQL queries of coopgraph, one ``.rq`` file each in this folder (``.ru`` for updates).

Every file opens with a comment header: the first line names the query and says what it
answers; ``# param NAME: …`` lines name the variables a caller may bind. Bindings are passed
as RDF terms and substituted by the engine (SEP-0007), never pasted into the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_PARAM = re.compile(r"^#\s*param\s+(\w+)\s*:\s*(.*)$")


class UnknownQuery(KeyError):
    """No ``.rq`` file of that name."""


@dataclass(frozen=True)
class NamedQuery:
    """A query file: its name, its text, what it answers and the parameters it takes."""

    name: str
    text: str
    description: str
    params: dict[str, str]


def _parse(name: str, text: str) -> NamedQuery:
    description = ""
    params: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        match = _PARAM.match(line)
        if match:
            params[match.group(1)] = match.group(2).strip()
        elif not description:
            head = line.lstrip("# ").strip()
            description = head.split(" — ", 1)[1] if " — " in head else head
    return NamedQuery(name=name, text=text, description=description, params=params)


@cache
def load(name: str) -> NamedQuery:
    """The named query ``name`` (``name.rq``, or ``name.ru`` for an update, in this package)."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise UnknownQuery(name)
    for suffix in (".rq", ".ru"):
        resource = resources.files(__package__).joinpath(name + suffix)
        if resource.is_file():
            return _parse(name, resource.read_text(encoding="utf-8"))
    raise UnknownQuery(name)


def names() -> list[str]:
    """Every named query, sorted."""
    files = resources.files(__package__).iterdir()
    return sorted(f.name[:-3] for f in files if f.name.endswith((".rq", ".ru")))


def competency_questions() -> list[NamedQuery]:
    """The competency-question queries (``cqNN_*``), in question order."""
    return [load(n) for n in names() if re.match(r"cq\d\d_", n)]
