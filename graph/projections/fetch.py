"""Reading the store into :class:`~graph.projections.model.NetworkData`: the seven ``net_*`` queries."""

from __future__ import annotations

from collections import defaultdict

from graph.namespaces import AUTHORITY_KIND, STATUS
from graph.projections.model import Authority, Flow, Item, NetworkData
from graph.store import Store


def fetch(store: Store) -> NetworkData:
    """Read every table the projections need from ``store`` (seven ``net_*`` queries).

    Uses :meth:`Store.select_values` (plain strings), the fast path for 100k+ rows.
    """
    _, rows = store.select_values("net_authorities")
    authorities = {
        a: Authority(
            iri=a,
            label=label,
            kind=_last(kind, str(AUTHORITY_KIND)),
            place=place,
            place_label=place_label,
            country=iso.upper() if iso else None,
            lat=_float(lat),
            lon=_float(lon),
        )
        for a, label, kind, place, place_label, iso, lat, lon in rows
        if a
    }
    themes: dict[str, set[str]] = defaultdict(set)
    for item, theme in store.select_values("net_item_themes")[1]:
        if item and theme:
            themes[item].add(theme)
    items: list[Item] = []
    for kind, head, members_query in (
        ("partnership", "net_partnerships", "net_partnership_members"),
        ("project", "net_projects", "net_project_participants"),
    ):
        members: dict[str, list[str]] = defaultdict(list)
        for item, authority in store.select_values(members_query)[1]:
            if item and authority:
                members[item].append(authority)
        for row in store.select_values(head)[1]:
            iri, label = row[0], row[1]
            if not iri:
                continue
            partnership = row[2] if kind == "project" else None
            start, end, status = row[-3:]
            items.append(
                Item(
                    iri=iri,
                    kind=kind,  # type: ignore[arg-type]
                    members=tuple(sorted(set(members.get(iri, ())))),
                    label=label,
                    start=_int(start),
                    end=_int(end),
                    status=_last(status, str(STATUS)),
                    themes=frozenset(themes.get(iri, ())),
                    partnership=partnership,
                )
            )
    flows = tuple(
        Flow(exchange=x, source=s, target=t, source_label=sl, target_label=tl, themes=frozenset(themes.get(x, ())))
        for x, s, t, sl, tl in store.select_values("net_knowhow")[1]
        if x and s and t
    )
    broader: dict[str, set[str]] = defaultdict(set)
    for theme, parent in store.select_values("net_theme_broader")[1]:
        if theme and parent:
            broader[theme].add(parent)
    items.sort(key=lambda i: i.iri)
    return NetworkData(
        base=store.base, authorities=authorities, items=tuple(items), flows=flows, narrower=_narrower(broader)
    )


def _narrower(broader: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    """Each theme with every theme below it, from the ``skos:broader`` links (cycles tolerated)."""
    children: dict[str, set[str]] = defaultdict(set)
    for child, parents in broader.items():
        for parent in parents:
            children[parent].add(child)
    closure: dict[str, frozenset[str]] = {}
    for theme in set(children) | set(broader):
        seen = {theme}
        stack = [theme]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        closure[theme] = frozenset(seen)
    return closure


def _last(iri: str | None, namespace: str) -> str | None:
    if not iri:
        return None
    return iri[len(namespace) :] if iri.startswith(namespace) else iri.rstrip("/").rsplit("/", 1)[-1]


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None
