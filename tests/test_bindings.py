"""Where bound parameters go in a query's text (graph/bindings.py), checked by running the
queries on a real store: a parameter that lands outside the group its filter is in is silently
ignored, so each case asserts on answers, not on text."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.bindings import with_values

EX = "http://example.org/"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    for name, year in (("a", 2001), ("b", 2010), ("c", 2020)):
        s.add(
            ox.Quad(
                ox.NamedNode(EX + name),
                ox.NamedNode(EX + "year"),
                ox.Literal(str(year), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            )
        )
    return s


def names(store: ox.Store, text: str, **values: ox.NamedNode | ox.Literal) -> list[str]:
    rows = store.query(with_values(text, values))  # type: ignore[arg-type]
    return [row["s"].value.removeprefix(EX) for row in rows]  # type: ignore[union-attr,index]


def year(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


FLAT = """SELECT ?s ?from WHERE { ?s <http://example.org/year> ?y FILTER (!BOUND(?from) || ?y >= ?from) } ORDER BY ?s"""

# The same question wrapped so that ORDER BY sorts the projected rows: the filter is inside.
WRAPPED = """# a comment with { a brace
SELECT ?s ?from
WHERE {
  {
    SELECT DISTINCT ?s ?from ?y
    WHERE { ?s <http://example.org/year> ?y FILTER (!BOUND(?from) || ?y >= ?from) }
  }
}
ORDER BY DESC(?y)"""


def test_a_flat_query_is_filtered_by_its_parameter(store: ox.Store) -> None:
    assert names(store, FLAT) == ["a", "b", "c"]
    assert names(store, FLAT, **{"from": year(2005)}) == ["b", "c"]


def test_a_wrapped_query_gets_its_parameter_inside(store: ox.Store) -> None:
    assert names(store, WRAPPED) == ["c", "b", "a"]
    assert names(store, WRAPPED, **{"from": year(2005)}) == ["c", "b"]


def test_a_sub_select_beside_other_patterns_is_not_a_wrapper(store: ox.Store) -> None:
    """A sub-SELECT followed by more of the outer group (a string with a brace in between): the
    parameter joins the outer group, where the filter is."""
    text = """SELECT ?s WHERE {
      { SELECT ?s WHERE { ?s <http://example.org/year> ?y } }
      ?s <http://example.org/year> ?z FILTER (STR(?s) != "}" && (!BOUND(?from) || ?z >= ?from))
    } ORDER BY ?s"""
    assert names(store, text, **{"from": year(2015)}) == ["c"]


def test_an_apostrophe_in_an_iri_or_a_comment_opens_no_string(store: ox.Store) -> None:
    """Two IRIs holding an apostrophe on one line (a comment holding a brace after them): read as
    a string from one to the other, they hid three closing braces and one opening, and the
    parameter went down into the innermost sub-SELECT, where no filter uses it."""
    text = """SELECT ?s WHERE {
      { SELECT DISTINCT ?s WHERE {
    { SELECT ?s WHERE { ?s <http://example.org/year> ?y OPTIONAL { ?s <x:it's> ?q } } } OPTIONAL { ?s <x:o'k> ?w } # {
          ?s <http://example.org/year> ?z FILTER (!BOUND(?from) || ?z >= ?from)
      } }
    } ORDER BY ?s"""
    assert names(store, text) == ["a", "b", "c"]
    assert names(store, text, **{"from": year(2015)}) == ["c"]
    assert names(store, text.replace(">= ?from", "< ?from"), **{"from": year(2015)}) == ["a", "b"]


def test_a_sub_select_without_where_keeps_the_outer_group(store: ox.Store) -> None:
    text = """SELECT ?s WHERE { { SELECT ?s {
      ?s <http://example.org/year> ?y FILTER (!BOUND(?from) || ?y >= ?from) } } }"""
    out = with_values(text, {"from": year(2015)})
    assert out.index("VALUES") < out.index("SELECT ?s {")


def test_no_where_group_is_an_error() -> None:
    with pytest.raises(ValueError, match="WHERE"):
        with_values("SELECT * {}", {"x": year(1)})
