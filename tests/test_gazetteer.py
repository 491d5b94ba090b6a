"""The offline gazetteer: countries from messy strings, cities by country, mismatches flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import gazetteer as gz


@pytest.fixture(scope="module")
def gaz() -> gz.Gazetteer:
    return gz.gazetteer()


@pytest.mark.parametrize(
    ("text", "iso", "how"),
    [
        ("France", "FR", "exact"),
        ("Équateur", "EC", "exact"),
        ("EC", "EC", "exact"),
        ("England", "GB", "alias"),
        ("England, United Kingdom", "GB", "part"),
        ("Georgia (country)", "GE", "exact"),
        ("Kazakhstah", "KZ", "approximate"),
    ],
)
def test_country_strings(gaz: gz.Gazetteer, text: str, iso: str, how: str) -> None:
    match = gaz.country(text)
    assert match is not None and match.country.iso2 == iso and match.how == how


def test_unknown_country(gaz: gz.Gazetteer) -> None:
    assert gaz.country("Atlantis") is None and gaz.country("") is None


def test_cities_accent_case_and_country(gaz: gz.Gazetteer) -> None:
    for name in ("Besançon", "BESANCON", "besancon"):
        found = gaz.city(name, "FR").city
        assert found is not None and found.geonames_id == 3033123
    lille_fr, lille_be = gaz.city("Lille", "FR").city, gaz.city("Lille", "BE").city
    assert lille_fr is not None and lille_be is not None
    assert (lille_fr.country, lille_be.country) == ("FR", "BE")
    assert gaz.city("Ville de Lille", "FR").city == lille_fr


def test_mismatch_carries_the_gazetteer_answer(gaz: gz.Gazetteer) -> None:
    match = gaz.city("Quito", "PE")
    assert match.city is None and match.how == "mismatch"
    assert match.suggestion is not None and match.suggestion.country == "EC"
    assert gaz.city("Nowhereville-sur-Rien", "FR").how == "unresolved"


def test_city_index_cache_rebuilds_and_reloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPGRAPH_CACHE", str(tmp_path))
    (tmp_path / "junk").write_text("x")
    built = gz._city_index()
    (cached,) = tmp_path.glob("gazetteer-cities-*.pickle")
    reloaded = gz._city_index()
    assert reloaded.cities == built.cities and reloaded.by_alt == built.by_alt
    cached.write_bytes(b"not a pickle")  # a damaged cache is rebuilt, not trusted
    assert gz._city_index().by_name == built.by_name
