"""Search across labels, alternate labels, names and titles: accent- and case-insensitive."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import resources as res
from graph.store import Store


def add_label(store: Store, iri: str, label: ox.Literal) -> None:
    """State ``iri rdfs:label label`` in a graph of its own."""
    store.add(
        [ox.Quad(ox.NamedNode(iri), ox.NamedNode(res.RDFS_LABEL), label, ox.NamedNode(store.graph("seed/extra")))]
    )


def hit_ids(api_client: TestClient, q: str, **params: str) -> list[str]:
    r = api_client.get("/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return [h["id"] for h in r.json()["items"]]


@pytest.mark.parametrize("q", ["besancon", "BESANCON", "Besançon", "besançon", "  Besancon "])
def test_accents_and_case_do_not_matter(api_client: TestClient, q: str) -> None:
    found = hit_ids(api_client, q)
    assert found[:2] == ["authority/fr/besancon", "place/3033123"]  # whole-label matches first


def test_alternate_labels_and_names_are_searched(api_client: TestClient) -> None:
    assert hit_ids(api_client, "mel")[0] == "authority/fr/mel"  # skos:altLabel
    assert hit_ids(api_client, "el yassa") == ["person/myriam-el-yassa"]  # foaf:name
    assert "document/report-2018" in hit_ids(api_client, "villes intelligentes partagees")  # dcterms:title
    assert "theme/ville-intelligente" in hit_ids(api_client, "smart city")
    assert hit_ids(api_client, "equateur") == ["country/ec"]


def test_every_word_must_match(api_client: TestClient) -> None:
    assert hit_ids(api_client, "dakar besancon") == ["partnership/besancon-dakar", "exchange/digital-dakar"]
    assert hit_ids(api_client, "dakar quito") == []


def test_kind_and_limit(api_client: TestClient) -> None:
    assert hit_ids(api_client, "besancon", kind="places") == ["place/3033123"]
    assert len(hit_ids(api_client, "e", limit="3")) == 3
    assert api_client.get("/api/search", params={"q": "x", "kind": "planets"}).json()["parameter"] == "kind"
    assert api_client.get("/api/search", params={"q": "x", "limit": "0"}).json()["parameter"] == "limit"
    assert api_client.get("/api/search").json()["parameter"] == "q"


def test_hits_say_what_they_matched_and_their_kind(api_client: TestClient) -> None:
    hit = api_client.get("/api/search", params={"q": "afd"}).json()["items"][0]
    assert hit["id"] == "organisation/afd" and hit["matched"] == "AFD"
    assert hit["label"] == "Agence française de développement" and hit["kinds"] == ["organisations"]


def test_index_follows_writes(api_store: Store) -> None:

    assert res.search(api_store, "fleury") == []
    iri = api_store.base + "place/3018074"
    add_label(api_store, iri, ox.Literal("Fleury-sur-Orne", language="fr"))
    assert [h["iri"] for h in res.search(api_store, "fleury sur orne")] == [iri]


def test_fold() -> None:
    assert res.fold("Métropole  Européenne-de-LILLE") == "metropole europeenne de lille"
    assert res.fold("Œuvre") == "œuvre" or res.fold("Œuvre") == "oeuvre"
    assert res.fold("!!") == ""


def test_text_index_keeps_each_label_as_stored() -> None:

    from graph.resources.text_index import XSD_STRING, build_text_index

    lang_string = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
    year = ox.Literal("1994", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
    rows = [
        ox.Literal("Saint-Louis"),
        ox.Literal("Saint-Louis", language="fr"),
        ox.Literal("São Tomé", language="pt"),
        year,
        ox.Literal("ab"),
        ox.Literal("cd", datatype=ox.NamedNode(XSD_STRING)),
        None,
    ]
    assert rows[2].datatype == lang_string
    index = build_text_index(rows)
    assert len(index) == 6
    found = {str(index.literal(i)) for i in index.containing(["saint"])}
    assert found == {'"Saint-Louis"', '"Saint-Louis"@fr'}
    assert [index.literal(i) for i in index.containing(["sao", "tome"])] == [ox.Literal("São Tomé", language="pt")]
    assert [index.literal(i) for i in index.containing(["1994"])] == [year]
    assert [index.literal(i) for i in index.containing(["cd"])] == [ox.Literal("cd")]
    assert list(index.containing(["bc"])) == []  # never across two labels
    assert list(index.containing(["louis", "tome"])) == []  # every word in one label
    assert list(index.containing([])) == []


def test_search_finds_a_typed_label(api_store: Store) -> None:

    iri = api_store.base + "document/atlas-1994"
    title = ox.Literal("Atlas de Ségou", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#normalizedString"))
    add_label(api_store, iri, title)
    hits = res.search(api_store, "segou")
    assert [h["iri"] for h in hits] == [iri] and hits[0]["matched"] == "Atlas de Ségou"


def test_labels_in_other_scripts_are_searched(api_store: Store) -> None:

    iri = api_store.base + "place/524901"
    add_label(api_store, iri, ox.Literal("Москва", language="ru"))
    for q in ("москва", "МОСКВА", "оскв"):
        assert [h["iri"] for h in res.search(api_store, q)] == [iri], q
    assert res.search(api_store, "\u0e01") == []  # a letter no label has


LITERALS = st.builds(
    lambda text, how: (
        ox.Literal(text, language="fr")
        if how == "fr"
        else ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#token"))
        if how == "token"
        else ox.Literal(text)
    ),
    st.sampled_from(["Lille", "lille", "Quito", "Dakar", "Besançon", "", "1994"]) | st.text(max_size=6),
    st.sampled_from(["fr", "token", "plain"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LITERALS | st.none(), max_size=40))
def test_text_index_holds_each_distinct_label_once_in_order_of_first_reading(labels: list[ox.Literal | None]) -> None:
    from graph.resources.text_index import build_text_index

    index = build_text_index(labels)
    assert [index.literal(i) for i in range(len(index))] == list(dict.fromkeys(x for x in labels if x is not None))


def test_text_index_of_many_repeated_labels() -> None:
    """Past its first table size (a thousand labels), in any order, repeats near and far."""
    from graph.resources.text_index import build_text_index

    distinct = [ox.Literal(f"Commune {i}", language="fr" if i % 3 else None) for i in range(5000)]
    stream = [x for i, x in enumerate(distinct) for _ in range(1 + i % 3)] + distinct[::-7]
    index = build_text_index(stream)
    assert [index.literal(i) for i in range(len(index))] == distinct
    assert [index.text(i) for i in index.containing(["commune", "4999"])] == ["Commune 4999"]
