"""bench.query_profile still runs every named query, unbound and with its example bindings (no timings asserted)."""

from __future__ import annotations

from bench import query_profile
from graph import queries


def test_every_example_binding_names_a_parameter_of_its_query() -> None:
    for name in queries.names():
        params = queries.load(name).params
        for bindings in query_profile.examples_for(name):
            assert set(bindings) <= set(params), (name, bindings)


def test_profile_runs_every_read_query_on_the_seed_store() -> None:
    results = query_profile.profile(":memory:", limit=60, only="", bound=True)
    names = {r["query"] for r in results}
    expected = {n for n in queries.names() if not query_profile._is_update(n)}
    assert names == expected
    failed = [r for r in results if r["seconds"] is None]
    assert not failed, failed
    by_run = {(r["query"], tuple(sorted(r["bindings"].items()))): r["rows"] for r in results}
    # The seed holds the Lille–Quito partnership: its detail query finds it, the list finds more.
    lille_quito = (("item", "partnership/metropole-europeenne-de-lille-district-metropolitain-de-quito"),)
    assert by_run[("api_list_partnerships", lille_quito)] == 1
    assert by_run[("api_list_partnerships", ())] > 1
    assert by_run[("api_exists", (("iri", "authority/fr/metropole-europeenne-de-lille"),))] == 1


def test_bind_overrides_the_example() -> None:
    examples = query_profile.examples_for("cq01_partners_by_country", {"country": "country/ec"})
    assert examples == [{"country": "country/ec"}]
