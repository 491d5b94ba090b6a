"""The query set of a run: the research queries of bench/queries, the competency questions, and
the values their parameters are bound to, read from the loaded store."""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.bindings import with_values
from graph.namespaces import THEME

QUERY_DIR = Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class BenchQuery:
    name: str
    text: str
    params: tuple[str, ...]
    origin: str


def query_set(competency_questions: bool = True) -> list[BenchQuery]:
    """The fixed research queries of bench/queries, then the competency questions as they exist."""
    found: list[BenchQuery] = []
    for path in sorted(QUERY_DIR.glob("*.rq")):
        found.append(_bench_query(path.stem, path.read_text(encoding="utf-8"), "bench"))
    if not competency_questions:
        return found
    try:
        from graph import queries

        for q in queries.competency_questions():
            found.append(BenchQuery(q.name, q.text, tuple(q.params), "graph/queries"))
    except Exception as err:
        print(f"bench: competency questions unavailable: {err}", file=sys.stderr)
    return found


class SelectionError(ValueError):
    """``--query`` named no query of the set."""


def select(queries: list[BenchQuery], patterns: tuple[str, ...]) -> list[BenchQuery]:
    """The queries whose name matches one of ``patterns`` (shell wildcards: ``cq1?_*``), in set
    order; all of them when there is no pattern. A pattern that matches no query is an error that
    names the queries there are: a typo must not leave a run measuring nothing."""
    if not patterns:
        return queries
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(q.name, p) for q in queries)]
    if unmatched:
        known = ", ".join(q.name for q in queries)
        raise SelectionError(f"no query of the set is named {', '.join(map(repr, unmatched))} (the set: {known})")
    return [q for q in queries if any(fnmatch.fnmatchcase(q.name, p) for p in patterns)]


def _bench_query(name: str, text: str, origin: str) -> BenchQuery:
    params = tuple(m.group(1) for m in re.finditer(r"^#\s*param\s+(\w+)\s*:", text, re.M))
    return BenchQuery(name, text, params, origin)


def bind(query: BenchQuery, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query text with its known parameters bound as a VALUES block (graph/bindings.py);
    a parameter with no benchmark value stays unbound, which the house rules make safe. A query
    asked of one authority is not also narrowed to the benchmark's country: the busiest authority
    is French and the country Mali, so together they named nothing (cq03 answered no row)."""
    chosen = {p: values[p] for p in query.params if p in values}
    if "authority" in chosen:
        chosen.pop("country", None)
    return with_values(query.text, chosen) if chosen else query.text  # type: ignore[arg-type]


def parameter_values(store_dir: Path, base: str) -> dict[str, ox.NamedNode | ox.Literal]:
    """Benchmark values for query parameters, read from the loaded store: the busiest French
    authority, Mali (or the busiest partner country), a theme, a year range."""
    store = ox.Store.read_only(str(store_dir))
    top = (QUERY_DIR / "agg_top_french_authorities.rq").read_text(encoding="utf-8")
    rows = list(store.query(top, use_default_graph_as_union=True))  # type: ignore[union-attr,arg-type]
    by_country = (QUERY_DIR / "agg_projects_by_country.rq").read_text(encoding="utf-8")
    countries = [r["country"] for r in store.query(by_country, use_default_graph_as_union=True)]  # type: ignore[union-attr]
    authority = rows[0]["authority"] if rows else ox.NamedNode(f"{base}authority/fr/paris")
    example = (
        "PREFIX coop: <https://w3id.org/coopgraph/def#> SELECT ?project ?partnership ?place ?foreign WHERE { "
        "?partnership coop:frenchPartner ?authority ; coop:foreignPartner ?foreign . "
        "?project coop:partOfPartnership ?partnership . ?authority coop:governs ?place } LIMIT 1"
    )
    found = list(store.query(with_values(example, {"authority": authority}), use_default_graph_as_union=True))  # type: ignore[union-attr,arg-type]
    mali = ox.NamedNode(f"{base}country/ml")
    country = mali if mali in countries else (countries[0] if countries else mali)
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    values: dict[str, ox.NamedNode | ox.Literal] = {
        "authority": authority,
        "french": authority,
        # cq14 (statement provenance) is asked of one resource, as its header says to; unbound it
        # lists every statement of the store (509,223 rows at 1x), a dump /api/export serves
        "subject": authority,
        "country": country,
        "theme": ox.NamedNode(str(THEME) + "ville-intelligente"),
        "from": ox.Literal("2015", datatype=integer),
        "to": ox.Literal("2020", datatype=integer),
        "start": ox.Literal("2015", datatype=integer),
        "end": ox.Literal("2020", datatype=integer),
    }
    if found:
        for name in ("project", "partnership", "place", "foreign"):
            values[name] = found[0][name]
    return values
