/* coopgraph partnership map: Leaflet over the offline world basemap (world-atlas TopoJSON).
   Every name from the graph is inserted as text (textContent / DOM nodes), never as HTML.
   Filter state lives in the URL query string, so a view can be shared. */
(function () {
  "use strict";
  var I18N = {
    fr: {
      title: "Carte des partenariats", search: "Recherche", country: "Pays", theme: "Thème", status: "Statut",
      kind: "Type de collectivité", years: "Années", reset: "Effacer", all: "Tous", network: "Vue réseau",
      tiles: "Fond en ligne", partnerships: "partenariats", places: "lieux", lines: "liens",
      aggregatedCountry: "liens agrégés par paire de pays", legendSize: "Taille : nombre de partenariats",
      legendFrance: "Collectivité française", legendForeign: "Collectivité partenaire étrangère",
      legendLine: "Partenariat (épaisseur : nombre)", authorities: "Collectivités", partnershipsTitle: "Partenariats", partners: "Partenaires",
      projects: "Projets", people: "Personnes", egoNetwork: "Réseau de ce lieu", page: "fiche",
      none: "aucun", loading: "chargement…", error: "Erreur", since: "depuis", until: "jusqu’à",
      statusLabel: "statut"
    },
    en: {
      title: "Partnership map", search: "Search", country: "Country", theme: "Theme", status: "Status",
      kind: "Kind of authority", years: "Years", reset: "Clear", all: "All", network: "Network view",
      tiles: "Online basemap", partnerships: "partnerships", places: "places", lines: "lines",
      aggregatedCountry: "lines aggregated by country pair", legendSize: "Size: number of partnerships",
      legendFrance: "French authority", legendForeign: "Foreign partner authority",
      legendLine: "Partnership (width: number)", authorities: "Authorities", partnershipsTitle: "Partnerships", partners: "Partners",
      projects: "Projects", people: "People", egoNetwork: "Network of this place", page: "page",
      none: "none", loading: "loading…", error: "Error", since: "since", until: "until",
      statusLabel: "status"
    }
  };
  var FILTERS = ["q", "country", "theme", "status", "kind", "year_from", "year_to"];
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var embeddedNode = document.getElementById("map-embedded");
  var embedded = embeddedNode ? JSON.parse(embeddedNode.textContent) : null;
  var params = new URLSearchParams(window.location.search);
  var lang = params.get("lang") || config.lang || "fr";
  if (!I18N[lang]) { lang = "fr"; }
  var T = I18N[lang];

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function idPath(iri) {
    var at = iri.indexOf("/id/");
    return at >= 0 ? iri.slice(at) : iri;
  }
  function translate() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (node) {
      node.textContent = T[node.getAttribute("data-i18n")];
    });
    document.getElementById("lang").value = lang;
  }
  translate();

  // --- the map and its offline basemap ----------------------------------------------------
  var map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 12 }).setView([25, 10], 2);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth / world-atlas");
  var basemapPane = map.createPane("basemap");
  basemapPane.style.zIndex = 200;
  function drawWorld(world) {
    var land = topojson.feature(world, world.objects.countries);
    L.geoJSON(land, {
      pane: "basemap", interactive: false,
      style: { color: "#9a9a9a", weight: 0.6, fillColor: "#f3f1ea", fillOpacity: 1 }
    }).addTo(map);
  }
  var worldNode = document.getElementById("map-world");
  var worldReady = worldNode
    ? Promise.resolve(JSON.parse(worldNode.textContent)).then(drawWorld)
    : fetch(config.assetBase + "vendor/world-atlas/countries-110m.json").then(function (r) { return r.json(); }).then(drawWorld);

  if (config.tiles) {
    var toggle = document.getElementById("tiles-toggle");
    toggle.hidden = false;
    var tiles = L.tileLayer(config.tiles, { maxZoom: 18 });
    document.getElementById("f-tiles").addEventListener("change", function (ev) {
      if (ev.target.checked) { tiles.addTo(map); } else { map.removeLayer(tiles); }
    });
  }

  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var box = el("div", null, "legend");
    box.appendChild(el("div", T.legendSize));
    [["#1f5fa8", T.legendFrance], ["#d98b19", T.legendForeign]].forEach(function (item) {
      var row = el("div"); var sw = el("span", null, "sw"); sw.style.background = item[0];
      row.appendChild(sw); row.appendChild(document.createTextNode(item[1])); box.appendChild(row);
    });
    var row = el("div"); row.appendChild(el("span", null, "ln")); row.appendChild(document.createTextNode(T.legendLine));
    box.appendChild(row);
    return box;
  };
  legend.addTo(map);

  var linesLayer = L.layerGroup().addTo(map);
  var markersLayer = null;

  // --- filters <-> URL ----------------------------------------------------------------------
  function currentFilters() {
    var out = {};
    FILTERS.forEach(function (name) {
      var value = document.getElementById("f-" + name).value.trim();
      if (value) { out[name] = value; }
    });
    return out;
  }
  function query(extra) {
    var qs = new URLSearchParams(currentFilters());
    qs.set("lang", lang);
    Object.keys(extra || {}).forEach(function (k) { qs.set(k, extra[k]); });
    return qs.toString();
  }
  function writeUrl() {
    var qs = new URLSearchParams(currentFilters());
    if (lang !== "fr") { qs.set("lang", lang); }
    var text = qs.toString();
    history.replaceState(null, "", window.location.pathname + (text ? "?" + text : ""));
    document.getElementById("network-link").href = "/network" + (text ? "?" + text : "");
  }
  function fillSelect(id, items, withCount) {
    var select = document.getElementById("f-" + id);
    while (select.options.length > 1) { select.remove(1); }
    items.forEach(function (item) {
      var prefix = item.depth ? "\u2003".repeat(item.depth) : "";
      var option = el("option", prefix + item.label + (withCount ? " (" + item.count + ")" : ""));
      option.value = item.code;
      select.appendChild(option);
    });
  }
  function applyFacets(facets) {
    fillSelect("country", facets.countries, true);
    fillSelect("theme", facets.themes, true);
    fillSelect("status", facets.statuses, true);
    fillSelect("kind", facets.kinds, true);
    FILTERS.forEach(function (name) {
      var value = params.get(name);
      if (value !== null) { document.getElementById("f-" + name).value = value; }
    });
  }

  // --- drawing -------------------------------------------------------------------------------
  function radius(count) { return Math.min(28, 4 + 2.2 * Math.sqrt(count)); }
  function drawPlaces(geojson) {
    if (markersLayer) { map.removeLayer(markersLayer); }
    var many = geojson.features.length > 300;
    markersLayer = many
      ? L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 45, disableClusteringAtZoom: 9,
                               showCoverageOnHover: false })
      : L.featureGroup();
    var markers = geojson.features.map(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      var marker = L.circleMarker([c[1], c[0]], {
        radius: radius(p.count), weight: 1, color: "#333", fillOpacity: 0.8,
        fillColor: p.country === "FR" ? "#1f5fa8" : "#d98b19", className: "place-marker"
      });
      var tip = el("span", p.name + " (" + p.count + ")");
      marker.bindTooltip(tip, { direction: "top" });
      marker.on("click", function () { openPanel(p.iri); });
      marker.on("add", function () {  // clustered markers get their element only when shown
        var path = marker.getElement && marker.getElement();
        if (path) { path.setAttribute("data-iri", p.iri); }
      });
      return marker;
    });
    if (many) { markersLayer.addLayers(markers); } else { markers.forEach(function (m) { markersLayer.addLayer(m); }); }
    markersLayer.addTo(map);
  }
  function drawLines(geojson) {
    linesLayer.clearLayers();
    var top = 1;
    geojson.features.forEach(function (f) { top = Math.max(top, f.properties.count); });
    L.geoJSON(geojson, {
      style: function (f) {
        var w = 1 + 6 * Math.sqrt(f.properties.count / top);
        return { color: "#c0392b", weight: w, opacity: f.properties.level === "country" ? 0.55 : 0.45,
                 className: "partnership-line" };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        var box = el("div");
        box.appendChild(el("div", p.fromName + " — " + p.toName));
        box.appendChild(el("div", p.count + " " + T.partnerships));
        if (p.level === "place" && p.count === 1 && p.name) { box.appendChild(el("div", p.name)); }
        layer.bindTooltip(box, { sticky: true });
      }
    }).eachLayer(function (layer) { linesLayer.addLayer(layer); });
  }
  function summarise(places, lines) {
    var text = places.meta.partnerships + " " + T.partnerships + " · " + places.features.length + " " + T.places +
      " · " + lines.features.length + " " + T.lines;
    if (lines.meta.aggregation === "country") { text += " (" + T.aggregatedCountry + ")"; }
    document.getElementById("summary").textContent = text;
    document.body.setAttribute("data-places", String(places.features.length));
    document.body.setAttribute("data-lines", String(lines.features.length));
    document.body.setAttribute("data-partnerships", String(places.meta.partnerships));
    document.body.setAttribute("data-aggregation", lines.meta.aggregation);
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) {
        return r.json().then(function (problem) { throw new Error(problem.detail || problem.title || r.status); });
      }
      return r.json();
    });
  }
  var generation = 0;
  function load() {
    writeUrl();
    var mine = ++generation;
    document.body.setAttribute("data-loading", "true");
    var qs = query();
    return Promise.all([getJson("/api/map/places?" + qs), getJson("/api/map/partnerships?" + qs), worldReady])
      .then(function (res) {
        if (mine !== generation) { return; }
        drawLines(res[1]);
        drawPlaces(res[0]);
        summarise(res[0], res[1]);
        document.body.setAttribute("data-loading", "false");
        document.body.setAttribute("data-ready", "true");
      })
      .catch(function (err) {
        document.getElementById("summary").textContent = T.error + ": " + err.message;
        document.body.setAttribute("data-loading", "false");
      });
  }

  // --- the side panel ------------------------------------------------------------------------
  var panel = document.getElementById("panel"), body = document.getElementById("panel-body");
  document.getElementById("panel-close").addEventListener("click", function () { panel.hidden = true; });
  function section(title, items, render) {
    body.appendChild(el("h3", title + " (" + items.length + ")"));
    if (!items.length) { body.appendChild(el("p", T.none, "meta")); return; }
    var list = el("ul");
    items.forEach(function (item) { var li = el("li"); render(li, item); list.appendChild(li); });
    body.appendChild(list);
  }
  function link(iri, text) {
    var a = el("a", text);
    a.href = embedded ? iri : idPath(iri);
    return a;
  }
  function showPanel(d) {
    body.textContent = "";
    body.appendChild(el("h2", d.name));
    body.appendChild(el("div", (d.countryName || d.country || "") + " · " + d.lat.toFixed(3) + ", " + d.lon.toFixed(3), "meta"));
    var links = el("p");
    links.appendChild(link(d.iri, T.page));
    if (!embedded) {
      links.appendChild(document.createTextNode(" · "));
      var ego = el("a", T.egoNetwork);
      ego.href = "/network?" + new URLSearchParams({ ego: d.iri, radius: "1", lang: lang }).toString();
      ego.className = "ego-link";
      links.appendChild(ego);
    }
    body.appendChild(links);
    section(T.authorities, d.authorities, function (li, a) { li.appendChild(link(a.iri, a.name)); if (a.kind) { li.appendChild(el("span", " · " + a.kind, "meta")); } });
    section(T.partnershipsTitle, d.partnerships, function (li, p) {
      li.appendChild(link(p.iri, p.name));
      var bits = [];
      if (p.partners && p.partners.length) { bits.push(p.partners.join(", ")); }
      if (p.statusLabel || p.status) { bits.push(p.statusLabel || p.status); }
      if (p.start) { bits.push(p.start + (p.end ? "–" + p.end : "")); }
      if (bits.length) { li.appendChild(el("div", bits.join(" · "), "meta")); }
    });
    section(T.partners, d.partners, function (li, p) {
      li.appendChild(link(p.iri, p.name));
      if (p.place) { li.appendChild(el("span", " · " + p.place + (p.country ? " (" + p.country + ")" : ""), "meta")); }
    });
    section(T.projects, d.projects || [], function (li, p) { li.appendChild(link(p.iri, p.title)); });
    section(T.people, d.people || [], function (li, p) {
      li.appendChild(link(p.iri, p.name));
      if (p.roles && p.roles.length) { li.appendChild(el("div", p.roles.join("; "), "meta")); }
    });
    panel.hidden = false;
    document.body.setAttribute("data-panel", d.iri);
    map.invalidateSize();
  }
  function openPanel(iri) {
    if (embedded) { if (embedded.details[iri]) { showPanel(embedded.details[iri]); } return; }
    body.textContent = T.loading;
    panel.hidden = false;
    getJson("/api/map/place?" + new URLSearchParams({ iri: iri, lang: lang }).toString())
      .then(showPanel)
      .catch(function (err) { body.textContent = T.error + ": " + err.message; });
  }

  // --- wiring --------------------------------------------------------------------------------
  var timer = null;
  FILTERS.forEach(function (name) {
    var input = document.getElementById("f-" + name);
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input", function () {
      clearTimeout(timer);
      timer = setTimeout(load, input.tagName === "SELECT" ? 0 : 300);
    });
  });
  document.getElementById("filters").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  document.getElementById("f-reset").addEventListener("click", function () {
    FILTERS.forEach(function (name) { document.getElementById("f-" + name).value = ""; });
    load();
  });
  document.getElementById("lang").addEventListener("change", function (ev) {
    var qs = new URLSearchParams(currentFilters());
    qs.set("lang", ev.target.value);
    window.location.search = qs.toString();
  });
  window.coopMap = { map: map, openPanel: openPanel, reload: load };

  if (embedded) {
    document.getElementById("filters").hidden = true;
    document.getElementById("network-link").hidden = true;
    worldReady.then(function () {
      drawLines(embedded.lines);
      drawPlaces(embedded.places);
      summarise(embedded.places, embedded.lines);
      document.body.setAttribute("data-ready", "true");
    });
  } else {
    getJson("/api/map/facets?lang=" + lang).then(applyFacets).then(load).catch(function (err) {
      document.getElementById("summary").textContent = T.error + ": " + err.message;
    });
  }
})();
