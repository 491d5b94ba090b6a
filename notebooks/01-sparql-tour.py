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
# # A tour of the competency questions through SPARQL
#
# coopgraph answers each of its competency questions (what researchers ask of the graph) with
# one named SPARQL query, `graph/queries/cqNN_*.rq`. This notebook sends those very
# queries to the SPARQL 1.1 endpoint of a running coopgraph server with
# [SPARQLWrapper](https://sparqlwrapper.readthedocs.io/), the way any SPARQL client would,
# and shows each query and its answer as a table.
#
# **Which endpoint?** If the environment variable `COOPGRAPH_ENDPOINT` names one (for example
# `http://127.0.0.1:8000/sparql` after `make run`), the notebook uses it. Otherwise it creates a
# fresh store in a temporary folder, loads the ontology and the seed graph into it, and starts
# `coopgraph serve` on 127.0.0.1 over it for the length of the notebook.
#
# **Parameters.** Several questions take parameters (a country, an authority, a year range…).
# They are bound exactly as the store and the REST API bind them: as RDF terms in a one-row
# `VALUES` block at the top of the query's outermost `WHERE` group (`graph/bindings.py`), never
# pasted into the text. The printed query shows that block.

# %%
import atexit
import contextlib
import os
import tempfile
import time
from html import escape
from pathlib import Path

import httpx
from IPython.display import HTML, Markdown, display
from rdflib import Literal, URIRef
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from graph import queries
from graph.bindings import with_values
from graph.namespaces import COOP, DEFAULT_BASE, PREFIXES
from graph.servers import coopgraph_server
from graph.store import open_store
from graph.terms import to_ox

STARTED = time.perf_counter()
BASE = DEFAULT_BASE
DEF = "https://w3id.org/coopgraph/def/"

# %%
stack = contextlib.ExitStack()
atexit.register(stack.close)  # stop our server even if a cell fails half-way

ENDPOINT = os.environ.get("COOPGRAPH_ENDPOINT", "").strip()
if ENDPOINT:
    source = f"the endpoint named by `COOPGRAPH_ENDPOINT`: <{ENDPOINT}>"
else:
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="coopgraph-nb01-"))) / "store"
    with open_store(str(folder)) as store:
        store.init()  # ontology, shapes and the seed graph
    server = stack.enter_context(coopgraph_server(str(folder)))
    ENDPOINT = f"{server.url}/sparql"
    source = f"a coopgraph server started by this notebook on 127.0.0.1 over a fresh seeded store: <{ENDPOINT}>"
display(Markdown(f"**Endpoint used:** {source}"))

# %% [markdown]
# Two small helpers: `table` renders SPARQL JSON results as an HTML table (IRIs of the data
# are shortened to their path under the base, `authority/fr/besancon`; vocabulary IRIs to a
# prefixed name), and `ask` binds the parameters, prints the query and runs it through
# SPARQLWrapper.

# %%
SHORT = [(BASE, ""), (DEF, "def:"), *((iri, f"{prefix}:") for prefix, iri in PREFIXES.items())]


def short(value: dict) -> str:
    """One cell of a SPARQL JSON result as short text."""
    text = value["value"]
    if value["type"] == "uri":
        for namespace, prefix in SHORT:
            if text.startswith(namespace):
                return prefix + text[len(namespace) :]
    if value.get("xml:lang"):
        return f"{text} @{value['xml:lang']}"
    return text


def table(result: dict, skip: tuple[str, ...] = ("lang",), max_rows: int = 40) -> None:
    """Render a SPARQL JSON SELECT result as an HTML table (no pandas needed)."""
    head = [v for v in result["head"]["vars"] if v not in skip]
    rows = result["results"]["bindings"]
    used = [v for v in head if any(v in row for row in rows)] or head  # hide columns never bound
    cells = "".join(f"<th>{escape(v)}</th>" for v in used)
    body = [
        "<tr>" + "".join(f"<td>{escape(short(row[v])) if v in row else ''}</td>" for v in used) + "</tr>"
        for row in rows[:max_rows]
    ]
    more = f"<p>… {len(rows) - max_rows} more rows</p>" if len(rows) > max_rows else ""
    display(
        HTML(
            f"<p>{len(rows)} row(s)</p><table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            + more
        )
    )


def ask(name: str, show_query: bool = True, **params: object) -> dict:
    """Run the named competency query ``name`` at ENDPOINT with ``params`` bound as RDF terms."""
    query = queries.load(name)
    text = query.text
    if params:
        text = with_values(text, {key: to_ox(value) for key, value in params.items()})
    display(Markdown(f"**{name}** — {query.description}"))
    if show_query:
        bound = ", ".join(f"`{k}` = `{v}`" for k, v in params.items()) or "none"
        display(Markdown(f"Parameters: {bound}\n\n```sparql\n{text.strip()}\n```"))
    client = SPARQLWrapper(ENDPOINT)
    client.setMethod(POST)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    table(result)
    return result


def iri(path: str) -> URIRef:
    """A data IRI under the store's base, e.g. ``iri("country/ec")``."""
    return URIRef(BASE + path)


# %% [markdown]
# The questions the endpoint can answer, with the parameters each query file declares:

# %%
display(
    HTML(
        "<table><tr><th>query</th><th>question</th><th>parameters</th></tr>"
        + "".join(
            f"<tr><td>{escape(q.name)}</td><td>{escape(q.description)}</td><td>{escape(', '.join(q.params))}</td></tr>"
            for q in queries.competency_questions()
        )
        + "</table>"
    )
)

# %% [markdown]
# ## CQ 1 — Who cooperates with a partner in a given country?
# French authorities with a partner authority in Ecuador: with whom, since when, on which
# themes.

# %%
cq1 = ask("cq01_partners_by_country", country=iri("country/ec"))
assert {short(r["partner"]) for r in cq1["results"]["bindings"]} == {"authority/ec/district-metropolitain-de-quito"}

# %% [markdown]
# The same question for Senegal, with labels in English (`lang` is a parameter too):

# %%
cq1_sn = ask("cq01_partners_by_country", show_query=False, country=iri("country/sn"), lang=Literal("en"))

# %% [markdown]
# ## CQ 2 — Which projects involve the Métropole européenne de Lille?

# %%
cq2 = ask("cq02_projects_of_authority", authority=iri("authority/fr/metropole-europeenne-de-lille"))

# %% [markdown]
# ## CQ 3 — Which place does each authority govern, and in which country?

# %%
cq3 = ask("cq03_authority_places")
assert all("place" in r and "country" in r for r in cq3["results"]["bindings"])

# %% [markdown]
# ## CQ 4 — Who speaks for each authority in its cooperation?

# %%
cq4 = ask("cq04_authority_spokespersons")

# %% [markdown]
# ## CQ 5 — Which funding instruments can a French authority use, who operates them?

# %%
cq5 = ask("cq05_funding_instruments")

# %% [markdown]
# ## CQ 6 — Which know-how exchanges concern the digital / smart-city theme?
# The theme parameter matches the theme and every narrower one (`skos:broader*`), so the
# broader "information and communication technologies" theme finds the smart-city exchanges.

# %%
cq6 = ask("cq06_know_how_exchanges", theme=URIRef(DEF + "theme/technologies-information-communication"))

# %% [markdown]
# ## CQ 7 — Who took part in the September 2018 meeting, and what did each present?

# %%
cq7 = ask("cq07_event_participants", event=iri("event/rencontre-ville-intelligente-partagee-2018-09"))

# %% [markdown]
# ## CQ 8 — Who wrote the 2018 report, for whom, and to whom was it handed?

# %%
cq8 = ask("cq08_report_authors")

# %% [markdown]
# ## CQ 9 — Which organisations is a person affiliated with, in which role?

# %%
cq9 = ask("cq09_person_affiliations", person=iri("person/emmanuel-eveno"), lang=Literal("en"))

# %% [markdown]
# ## CQ 10 — Which labels exist, who awards them?

# %%
cq10 = ask("cq10_labels")

# %% [markdown]
# ## CQ 11 — Which partnerships were ongoing, and which had ended, in a year range?
# Years are `xsd:integer` parameters. First every partnership, then the year 2018 alone.

# %%
cq11 = ask("cq11_partnerships_by_period", show_query=False)
cq11_2018 = ask("cq11_partnerships_by_period", fromYear=2018, toYear=2018)

# %% [markdown]
# ## CQ 14 — Where does a statement come from?
# "Quito is in Ecuador" (`place/3652462 coop:inCountry country/ec`): which named graph holds
# it, and which source that graph was derived from.

# %%
cq14 = ask("cq14_statement_provenance", subject=iri("place/3652462"), predicate=COOP.inCountry, lang=Literal("en"))
assert len(cq14["results"]["bindings"]) >= 1

# %% [markdown]
# ## The same answers without SPARQL
# Each competency question is also reachable through the REST API, `GET /api/questions/{name}`,
# with its parameters as plain text (an ISO code for a country, an id under the base for a
# resource). When the endpoint is a coopgraph server, we check that the API returns as many
# rows as the SPARQL endpoint did.

# %%
checks = [
    ("cq01_partners_by_country", {"country": "EC"}, cq1),
    ("cq02_projects_of_authority", {"authority": "authority/fr/metropole-europeenne-de-lille"}, cq2),
    ("cq11_partnerships_by_period", {"fromYear": "2018", "toYear": "2018"}, cq11_2018),
]
if ENDPOINT.endswith("/sparql"):
    api = ENDPOINT.removesuffix("/sparql")
    rows = []
    for name, params, sparql_result in checks:
        answer = httpx.get(f"{api}/api/questions/{name}", params=params, timeout=30).raise_for_status().json()
        n_sparql = len(sparql_result["results"]["bindings"])
        assert answer["count"] == n_sparql, (name, answer["count"], n_sparql)
        rows.append(
            f"<tr><td>{name}</td><td>{escape(str(params))}</td><td>{answer['count']}</td><td>{n_sparql}</td></tr>"
        )
    display(
        HTML(
            "<table><tr><th>question</th><th>API parameters</th><th>API rows</th><th>SPARQL rows</th></tr>"
            + "".join(rows)
            + "</table>"
        )
    )
else:
    print("COOPGRAPH_ENDPOINT is not a coopgraph /sparql endpoint: REST check skipped")

# %%
stack.close()  # stops the server this notebook started (nothing to stop when COOPGRAPH_ENDPOINT was given)
print(f"done in {time.perf_counter() - STARTED:.1f} s")
