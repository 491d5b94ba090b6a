"""Search across labels, alternate labels, names and titles: accent- and case-insensitive."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from api_data import load
from fastapi.testclient import TestClient

from api.app import create_app
from graph import resources as res
from graph.store import Store, open_store


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    s = open_store(":memory:")
    load(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def client(store: Store) -> TestClient:
    return TestClient(create_app(store))


def hit_ids(client: TestClient, q: str, **params: str) -> list[str]:
    r = client.get("/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    return [h["id"] for h in r.json()["items"]]


@pytest.mark.parametrize("q", ["besancon", "BESANCON", "Besançon", "besançon", "  Besancon "])
def test_accents_and_case_do_not_matter(client: TestClient, q: str) -> None:
    found = hit_ids(client, q)
    assert found[:2] == ["authority/fr/besancon", "place/3033123"]  # whole-label matches first


def test_alternate_labels_and_names_are_searched(client: TestClient) -> None:
    assert hit_ids(client, "mel")[0] == "authority/fr/mel"  # skos:altLabel
    assert hit_ids(client, "el yassa") == ["person/myriam-el-yassa"]  # foaf:name
    assert "document/report-2018" in hit_ids(client, "villes intelligentes partagees")  # dcterms:title
    assert "theme/ville-intelligente" in hit_ids(client, "smart city")
    assert hit_ids(client, "equateur") == ["country/ec"]


def test_every_word_must_match(client: TestClient) -> None:
    assert hit_ids(client, "dakar besancon") == ["partnership/besancon-dakar", "exchange/digital-dakar"]
    assert hit_ids(client, "dakar quito") == []


def test_kind_and_limit(client: TestClient) -> None:
    assert hit_ids(client, "besancon", kind="places") == ["place/3033123"]
    assert len(hit_ids(client, "e", limit="3")) == 3
    assert client.get("/api/search", params={"q": "x", "kind": "planets"}).json()["parameter"] == "kind"
    assert client.get("/api/search", params={"q": "x", "limit": "0"}).json()["parameter"] == "limit"
    assert client.get("/api/search").json()["parameter"] == "q"


def test_hits_say_what_they_matched_and_their_kind(client: TestClient) -> None:
    hit = client.get("/api/search", params={"q": "afd"}).json()["items"][0]
    assert hit["id"] == "organisation/afd" and hit["matched"] == "AFD"
    assert hit["label"] == "Agence française de développement" and hit["kinds"] == ["organisations"]


def test_index_follows_writes(store: Store) -> None:
    import pyoxigraph as ox

    assert res.search(store, "fleury") == []
    iri = store.base + "place/3018074"
    store.add(
        [
            ox.Quad(
                ox.NamedNode(iri),
                ox.NamedNode(res.RDFS_LABEL),
                ox.Literal("Fleury-sur-Orne", language="fr"),
                ox.NamedNode(store.graph("seed/extra")),
            )
        ]
    )
    assert [h["iri"] for h in res.search(store, "fleury sur orne")] == [iri]


def test_fold() -> None:
    assert res.fold("Métropole  Européenne-de-LILLE") == "metropole europeenne de lille"
    assert res.fold("Œuvre") == "œuvre" or res.fold("Œuvre") == "oeuvre"
    assert res.fold("!!") == ""
