"""The importer's interfaces: ``coopgraph import/batches/undo`` and /api/imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.cli import main
from graph.store import Store, open_store

HEADER = "titre;collectivité française;pays partenaire;collectivité partenaire;statut;année de début;date de fin\n"
GOOD = HEADER + "Eau pour tous;Lille;Équateur;Quito;En cours;2015;31/12/2020\n"
MIXED = GOOD + "Autre;Besançon;Atlantis;Dakar;;;\n"
TOKEN = {"Authorization": "Bearer t"}


def _quads(store: Store) -> set[str]:
    return {str(q) for q in store.quads()}


# -- CLI -------------------------------------------------------------------------------------
def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _count(location: str) -> int:
    with open_store(location) as store:
        return len(_quads(store))


def test_cli_import_batches_undo(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    code, out = _run("import", str(good), "--store", location, "--dry-run")
    assert code == 0 and "dry-run" in out and "nothing was written" in out
    assert _count(location) == 0
    code, out = _run("import", str(good), "--store", location)
    assert code == 0, out
    assert "1 records, 1 imported" in out and "imported as batch" in out
    code, out = _run("batches", "--store", location, "--json")
    assert code == 0
    (row,) = json.loads(out)
    batch_id = str(row["batch"]).rsplit("/", 1)[-1]
    assert row["source"] == "good.csv" and int(row["records"]) == 1
    code, out = _run("undo", batch_id, "--store", location)
    assert code == 0 and batch_id in out
    assert _count(location) == 0
    code, out = _run("undo", batch_id, "--store", location)
    assert code == 1 and "no batch" in out


def test_cli_on_error_and_json(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(MIXED, encoding="utf-8")
    code, out = _run("import", str(mixed), "--store", location)
    assert code == 1 and "row 3" in out and "Atlantis" in out and "rejected" in out
    assert _count(location) == 0
    code, out = _run("import", str(mixed), "--store", location, "--on-error", "skip", "--json")
    assert code == 0, out
    report = json.loads(out[out.index("{") :])
    assert report["status"] == "imported" and report["skipped"] == 1 and report["imported"] == 1
    assert any(i["where"] == "row 3" and i["code"] == "unknown-country" for i in report["issues"])


# -- API -------------------------------------------------------------------------------------
@pytest.fixture
def client(empty_store: Store) -> TestClient:
    return TestClient(create_app(empty_store, Settings(token="t", max_upload=4096)))


def _upload(client: TestClient, content: str | bytes, headers: dict[str, str] | None = None, **form: str):  # type: ignore[no-untyped-def]
    data = content.encode() if isinstance(content, str) else content
    return client.post("/api/imports", files={"file": ("good.csv", data, "text/csv")}, data=form, headers=headers)


def test_api_import_needs_the_token(client: TestClient, empty_store: Store) -> None:
    assert _upload(client, GOOD).status_code == 401
    assert _upload(client, GOOD, {"Authorization": "Bearer wrong"}).status_code == 403
    assert _quads(empty_store) == set()


def test_api_upload_too_large(client: TestClient, empty_store: Store) -> None:
    big = GOOD + "x" * 5000
    response = _upload(client, big, TOKEN)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _quads(empty_store) == set()


def test_api_import_list_show_undo(client: TestClient, empty_store: Store) -> None:
    refused = _upload(client, MIXED, TOKEN)
    assert refused.status_code == 422 and "row 3" in json.dumps(refused.json())
    assert _quads(empty_store) == set()
    response = _upload(client, MIXED, TOKEN, on_error="skip")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "imported" and report["skipped"] == 1
    batch_id = report["batch"]
    listed = client.get("/api/imports").json()
    assert [b["id"] for b in listed] == [batch_id]
    shown = client.get(f"/api/imports/{batch_id}").json()
    assert any(f["code"] == "rejected-record" and "Atlantis" in f["why"] for f in shown["flags"])
    assert client.get("/api/imports/nope").status_code == 404
    assert client.delete(f"/api/imports/{batch_id}").status_code == 401
    assert client.delete(f"/api/imports/{batch_id}", headers=TOKEN).json() == {"undone": batch_id}
    assert _quads(empty_store) == set()
    assert client.get("/api/imports").json() == []


def test_api_dry_run_and_mapping(client: TestClient, empty_store: Store) -> None:
    twin = "city1,country1,city2,country2\nBrest,France,Kiel,Germany\n"
    mapping = (Path(__file__).resolve().parents[1] / "mappings" / "twin_cities.yaml").read_bytes()
    response = client.post(
        "/api/imports",
        files={"file": ("twins.csv", twin.encode(), "text/csv"), "mapping": ("m.yaml", mapping, "text/yaml")},
        data={"dry_run": "true"},
        headers=TOKEN,
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "dry-run" and response.json()["imported"] == 1
    assert _quads(empty_store) == set()
