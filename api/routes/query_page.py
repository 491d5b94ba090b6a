"""``/query``: a YASGUI page on ``/sparql`` with the competency questions as example tabs.

YASGUI is vendored (``api/static/vendor/@zazuko/yasgui``) and configured so that the page
reaches nothing but this server: the endpoint catalogue lists only ``/sparql``, the LOV class
and property autocompleters (which call lov.linkeddata.es) are switched off, ``prefixCcApi``
stays unset (the prefix completer uses the list bundled in YASGUI), and no share-link shortener
is configured.
"""

from __future__ import annotations

import html
import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.security import csp_nonce
from graph import queries

router = APIRouter()

_VENDOR = "/static/vendor/@zazuko/yasgui/build"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>coopgraph — SPARQL query</title>
<link rel="stylesheet" href="{vendor}/yasgui.min.css">
<style>
  body {{ margin: 0; font-family: system-ui, sans-serif; }}
  header {{ padding: .5rem 1rem; border-bottom: 1px solid #ddd; }}
  header h1 {{ font-size: 1.1rem; margin: 0; display: inline; }}
  header p {{ display: inline; margin-left: 1rem; color: #555; font-size: .9rem; }}
  #yasgui {{ padding: 0 .5rem; }}
</style>
</head>
<body>
<header><h1>coopgraph SPARQL</h1>
<p>Endpoint <code>/sparql</code> · the default graph is the union of all graphs ·
{count} example queries (competency questions) in the tabs · <a href="/sparql">service description</a></p>
</header>
<div id="yasgui"></div>
<script id="examples" type="application/json">{examples}</script>
<script src="{vendor}/yasgui.min.js"></script>
<script nonce="{nonce}">
(function () {{
  var endpoint = new URL("/sparql", window.location.href).href;
  var examples = JSON.parse(document.getElementById("examples").textContent);
  // Only completers that work offline: no LOV (lov.linkeddata.es), no prefix.cc.
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(function (name) {{
    return name === "prefixes" || name === "variables";
  }});
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.createShareableLink = null;
  Yasgui.defaults.requestConfig.endpoint = endpoint;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {{
    requestConfig: {{ endpoint: endpoint, method: "POST" }},
    endpointCatalogueOptions: {{ getData: function () {{ return [{{ endpoint: endpoint }}]; }} }},
    copyEndpointOnNewTab: true,
    persistenceId: null,
    corsProxy: undefined,
    yasqe: {{ prefixCcApi: null }}
  }});
  examples.forEach(function (example) {{
    yasgui.addTab(false, {{
      name: example.name,
      yasqe: {{ value: example.text }},
      requestConfig: {{ endpoint: endpoint, method: "POST" }}
    }});
  }});
  window.coopgraphYasgui = yasgui;
}})();
</script>
</body>
</html>
"""


def example_tabs() -> list[dict[str, str]]:
    """The competency-question queries that exist now (name, tab label, text)."""
    tabs = []
    for query in queries.competency_questions():
        label = query.name.split("_", 1)[0].upper()
        tabs.append({"name": f"{label} {query.description}"[:60], "id": query.name, "text": query.text})
    return tabs


@router.get("/query", response_class=HTMLResponse, summary="YASGUI query page on /sparql")
def query_page(request: Request) -> HTMLResponse:
    tabs = example_tabs()
    examples = json.dumps(tabs, ensure_ascii=False).replace("</", "<\\/")
    page = _PAGE.format(vendor=html.escape(_VENDOR), examples=examples, count=len(tabs), nonce=csp_nonce(request))
    return HTMLResponse(page)
