# ---
# jupyter:
#   execution:
#     timeout: 120
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Importing a pilot record: refuse, fix, import, find, undo
#
# A researcher has a new pilot partnership to add: **Rennes and Quito**, a smart-city project
# started in 2021. This notebook walks through what the importer does with it, over the HTTP
# API of a coopgraph server started on 127.0.0.1 (a fresh store in a temporary folder, loaded
# with the seed graph; a write token generated for the occasion):
#
# 1. write the record as a CSV in the documented record format (`templates/pilot-records.csv`),
#    with two mistakes: an end date before its start, and Quito placed in Peru;
# 2. read the validation report: the file is **refused** and nothing is written;
# 3. fix the date; a dry run still **flags** Quito-in-Peru; fix the country;
# 4. import it: one batch, in its own named graph, with its PROV-O record;
# 5. find the new partnership on the map data API;
# 6. undo the batch, and check the store is exactly as it was before.

# %%
import atexit
import contextlib
import secrets
import tempfile
import time
from html import escape
from pathlib import Path

import httpx
from IPython.display import HTML, Markdown, display

from graph.servers import coopgraph_server
from graph.store import open_store

STARTED = time.perf_counter()
ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "pyproject.toml").is_file())

stack = contextlib.ExitStack()
atexit.register(stack.close)  # stop the server even if a cell fails half-way
work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="coopgraph-nb03-")))
with open_store(str(work / "store")) as store:
    store.init()  # ontology, shapes and the seed graph
TOKEN = secrets.token_urlsafe(24)
server = stack.enter_context(coopgraph_server(str(work / "store"), env={"COOPGRAPH_TOKEN": TOKEN}))
api = httpx.Client(base_url=server.url, timeout=60)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
display(Markdown(f"coopgraph server started on <{server.url}> over a fresh seeded store in a temporary folder."))


def table(head: list[str], rows: list[list[object]]) -> None:
    """A list of rows as an HTML table (no pandas needed)."""
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    display(HTML(f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"))


def show_issues(report: dict) -> None:
    """The problems of an import report: where (row, column), how bad, and why."""
    table(
        ["severity", "code", "where", "column", "message"],
        [[i["severity"], i["code"], i["where"], i["column"], i["message"]] for i in report["issues"]],
    )


def snapshot() -> set[str]:
    """Every quad of the store (N-Quads lines, named graphs included), read through the export API."""
    text = api.get("/api/export", params={"format": "nquads"}).raise_for_status().text
    return {line for line in text.splitlines() if line.strip()}


def graphs(quads: set[str]) -> dict[str, int]:
    """Quads per named graph, from N-Quads lines ending in ``<graph> .``."""
    counts: dict[str, int] = {}
    for line in quads:
        graph = line.rstrip(" .").rsplit(" ", 1)[-1]
        counts[graph] = counts.get(graph, 0) + 1
    return dict(sorted(counts.items()))


before = snapshot()
table(["named graph", "quads"], list(graphs(before).items()))

# %% [markdown]
# ## 1. The record, with two mistakes
# The record format (`templates/pilot-records.csv`; the fields and the headers they accept, in
# French or English, are listed in `graph/ingest/records.py`): one row per partnership, with
# an optional project when a title is given; `;` as separator. We start from the template's
# header and write one row. The end date (31/12/2019) is before the start year (2021), and the
# partner country says Peru, where Quito is not.

# %%
HEADER = (ROOT / "templates" / "pilot-records.csv").read_text(encoding="utf-8").splitlines()[0]


def record(country: str, end: str) -> str:
    """The CSV of the Rennes–Quito record with the given partner country and end date."""
    row = {
        "titre": "Rennes – Quito : données ouvertes et services numériques",
        "collectivité française": "Rennes",
        "type de collectivité": "commune",
        "collectivité partenaire": "Quito",
        "pays partenaire": country,
        "thématiques": "Ville intelligente et numérique territorial",
        "statut": "En cours",
        "année de début": "2021",
        "date de fin": end,
        "description": "Échange de pratiques sur les données ouvertes et les services numériques.",
    }
    columns = HEADER.split(";")
    assert set(row) <= set(columns), set(row) - set(columns)
    return HEADER + "\n" + ";".join(row.get(c, "") for c in columns) + "\n"


first = work / "pilote-rennes-quito.csv"
first.write_text(record("Pérou", "31/12/2019"), encoding="utf-8")
print(first.read_text(encoding="utf-8"))

# %% [markdown]
# ## 2. Import it: refused
# `POST /api/imports` (the write token is needed). By default a file with any wrong record is
# refused whole: the answer is `422` with the report, every problem naming its row and column.

# %%
answer = api.post("/api/imports", files={"file": (first.name, first.read_bytes(), "text/csv")}, headers=AUTH)
print(answer.status_code, answer.headers["content-type"])
refused = answer.json()["report"]
print(refused["message"])
show_issues(refused)
assert answer.status_code == 422 and refused["status"] == "rejected"
assert any(i["column"] == "date de fin" for i in refused["issues"])
assert snapshot() == before, "a refused import must write nothing"

# %% [markdown]
# The record stops at its first kind of problem (a record whose dates contradict each other is
# not resolved further), so Peru is not reported yet. We fix the date and ask for a **dry
# run**: the whole pipeline (gazetteer, SHACL) runs, nothing is written.

# %%
second = work / "pilote-rennes-quito-v2.csv"
second.write_text(record("Pérou", "31/12/2025"), encoding="utf-8")
answer = api.post(
    "/api/imports",
    files={"file": (second.name, second.read_bytes(), "text/csv")},
    data={"dry_run": "true"},
    headers=AUTH,
)
dry = answer.raise_for_status().json()
print(dry["status"], "—", dry["message"])
show_issues(dry)
mismatch = [i for i in dry["issues"] if i["code"] == "city-country-mismatch"]
assert mismatch and mismatch[0]["severity"] == "warning", dry["issues"]
assert snapshot() == before, "a dry run must write nothing"

# %% [markdown]
# Imported as it stands, the record would be accepted with a **flag** (`coop:Flag`, code
# `city-country-mismatch`, queried by competency question 15) and a new place "Quito, Peru":
# the importer keeps what the file states and says so. The gazetteer knows Quito in Ecuador
# (GeoNames 3652462, already in the seed): we correct the file instead.

# %%
fixed = work / "pilote-rennes-quito-v3.csv"
fixed.write_text(record("Équateur", "31/12/2025"), encoding="utf-8")
answer = api.post("/api/imports", files={"file": (fixed.name, fixed.read_bytes(), "text/csv")}, headers=AUTH)
report = answer.raise_for_status().json()
batch = report["batch"]
print(report["message"])
table(
    ["status", "records", "imported", "created", "merged", "warnings", "triples", "graph"],
    [[report[k] for k in ("status", "records", "imported", "created", "merged", "warnings", "triples", "graph")]],
)
assert report["status"] == "imported" and report["errors"] == 0 and report["warnings"] == 0

# %% [markdown]
# "Merged" counts the nodes the record shares with the graph: the place Quito (GeoNames
# 3652462, from the seed) and the countries France and Ecuador. "Created" are Rennes (its
# authority and its place), the partnership, its project, and an authority named "Quito":
# the file names the partner "Quito", not the seed's "District métropolitain de Quito", so
# the importer mints `authority/ec/quito`, governing the same place. The batch has its own
# named graph and a PROV-O record in the metadata graph (`GET /api/imports/{id}`):

# %%
record_of_batch = api.get(f"/api/imports/{batch}").raise_for_status().json()
table(["key", "value"], [[k, v] for k, v in record_of_batch.items() if k != "flags"])
print("flags:", record_of_batch["flags"])

# %% [markdown]
# ## 3. Find it on the map
# The map's data API takes the same filters as the `/map` page; `q` searches the names of
# partnerships, partners and places. Rennes is now on the map, linked to Quito:

# %%
places = api.get("/api/map/places", params={"q": "Rennes"}).raise_for_status().json()
table(
    ["place", "country", "partnerships", "longitude, latitude", "IRI"],
    [
        [f["properties"]["name"], f["properties"]["country"], f["properties"]["count"],
         f["geometry"]["coordinates"], f["properties"]["iri"]]
        for f in places["features"]
    ],
)  # fmt: skip
found = {f["properties"]["name"]: f["properties"]["country"] for f in places["features"]}
assert found.get("Rennes") == "FR" and found.get("Quito") == "EC", found
print(f"on the map: {server.url}/map (search 'Rennes'), while this notebook's server runs")

# %% [markdown]
# And competency question 1 (partners in Ecuador, `GET /api/questions/cq01_partners_by_country`)
# now lists two French authorities:

# %%
cq1 = api.get("/api/questions/cq01_partners_by_country", params={"country": "EC"}).raise_for_status().json()
table(
    ["French authority", "partner", "partnership", "since"],
    [[r.get("frenchAuthorityLabel"), r.get("partnerLabel"), r.get("partnershipLabel"), r.get("sinceYear")]
     for r in cq1["rows"]],
)  # fmt: skip

# %% [markdown]
# ## 4. Undo the batch
# `DELETE /api/imports/{id}` removes the batch's graph, its record and its flags in one write.
# The nodes it merged into (Quito, Ecuador) keep what the seed says about them.

# %%
print(api.delete(f"/api/imports/{batch}", headers=AUTH).raise_for_status().json())
after = snapshot()
counts_before, counts_after = graphs(before), graphs(after)
table(
    ["named graph", "quads before", "quads after"],
    [[g, counts_before.get(g, 0), counts_after.get(g, 0)] for g in sorted(set(counts_before) | set(counts_after))],
)
assert after == before, f"{len(after - before)} quads added, {len(before - after)} removed"
assert api.get("/api/map/places", params={"q": "Rennes"}).json()["features"] == []
print(f"the store holds exactly the {len(after):,} quads it held before the import")

# %%
api.close()
stack.close()  # stops the server and removes the temporary store
print(f"done in {time.perf_counter() - STARTED:.1f} s")
