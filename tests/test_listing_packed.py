"""The packed order of a list (graph.resources.listing.PackedIris) reads as the list it packs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.resources.listing import PackedIris

IRIS = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=30)


@given(IRIS, st.integers(-40, 40), st.integers(-40, 40), st.sampled_from([None, 1, 2, -1, 3]))
def test_slices_and_items_are_those_of_the_list(iris: list[str], start: int, stop: int, step: int | None) -> None:
    packed = PackedIris(iris)
    assert len(packed) == len(iris)
    assert packed[start:stop:step] == iris[start:stop:step]
    assert list(packed) == iris
    for at in (start, stop):
        if -len(iris) <= at < len(iris):
            assert packed[at] == iris[at]
        else:
            with pytest.raises(IndexError):
                packed[at]


def test_an_iri_outside_ascii_comes_back_whole() -> None:
    iris = ["https://w3id.org/coopgraph/id/authority/fr/besançon", "urn:x:Москва", "urn:x:東京"]
    assert PackedIris(iris)[1:] == iris[1:] and PackedIris(iris)[0] == iris[0]
