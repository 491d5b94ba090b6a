"""The map's side panel: what one place holds (authorities, partnerships, partners, projects,
people)."""

from __future__ import annotations

from typing import Any

from rdflib import URIRef

from graph.render_index import STATUS_NS, MapIndex, local_name, map_index
from graph.store import Store


def place_detail(store: Store, iri: str, lang: str = "fr") -> dict[str, Any] | None:
    """Side-panel data of one place: its authorities, partnerships, partners, projects and people."""
    index = map_index(store)
    place = index.places.get(iri)
    if place is None:
        return None
    detail = place_summary(index, iri, lang)
    projects: dict[str, dict[str, Any]] = {}
    for row in store.select("map_place_projects", place=URIRef(iri)):
        project = str(row["project"])
        entry = projects.setdefault(
            project, {"iri": project, "title": str(row.get("title", "")) or index.name(project)}
        )
        if "status" in row:
            entry["status"] = local_name(str(row["status"]), STATUS_NS)
        if "startYear" in row:
            entry["start"] = str(row["startYear"])
        if "partnership" in row:
            entry["partnership"] = str(row["partnership"])
    people: dict[str, dict[str, Any]] = {}
    for row in store.select("map_place_people", place=URIRef(iri)):
        person = str(row["person"])
        entry = people.setdefault(
            person, {"iri": person, "name": str(row.get("name", "")) or index.name(person), "roles": []}
        )
        role = str(row.get("roleLabel", "")) or (local_name(str(row["role"]), "") if "role" in row else "")
        authority = index.name(str(row["authority"]), lang)
        text = f"{role} — {authority}" if role else authority
        if text not in entry["roles"]:
            entry["roles"].append(text)
    detail["projects"] = sorted(projects.values(), key=lambda x: (x["title"], x["iri"]))
    detail["people"] = sorted(people.values(), key=lambda x: (x["name"], x["iri"]))
    return detail


def place_summary(index: MapIndex, iri: str, lang: str = "fr") -> dict[str, Any]:
    """What the index alone knows of a place: enough for the offline page's panel."""
    place = index.places[iri]
    auths = sorted(a.iri for a in index.authorities.values() if a.place == iri)
    partnerships: dict[str, dict[str, Any]] = {}
    partners: dict[str, dict[str, Any]] = {}
    for auth in auths:
        for i in index.by_authority.get(auth, []):
            p = index.partnerships[i]
            others = [x for x in p.authorities() if x not in auths]
            partnerships[p.iri] = {
                "iri": p.iri,
                "name": index.name(p.iri, lang),
                "status": p.status,
                "statusLabel": index.name(STATUS_NS + p.status, lang) if p.status else None,
                "start": p.start,
                "end": p.end,
                "partners": [index.name(x, lang) for x in others],
            }
            for other in others:
                where = index.place_of(other)
                partners[other] = {
                    "iri": other,
                    "name": index.name(other, lang),
                    "place": index.name(where.iri, lang) if where else None,
                    "country": where.iso if where else None,
                }
    return {
        "iri": iri,
        "name": index.name(iri, lang),
        "country": place.iso,
        "countryName": index.name(place.country, lang) if place.country else place.iso,
        "lat": place.lat,
        "lon": place.lon,
        "authorities": [{"iri": a, "name": index.name(a, lang), "kind": index.authorities[a].kind} for a in auths],
        "partnerships": sorted(partnerships.values(), key=lambda x: (x["name"], x["iri"])),
        "partners": sorted(partners.values(), key=lambda x: (x["name"], x["iri"])),
        "projects": [],
        "people": [],
    }
