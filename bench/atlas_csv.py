"""The generated Atlas as the import CSV: one record per project, in the importer's columns."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from bench.atlas import AtlasData
from bench.places import country_names

CSV_COLUMNS = [
    "title",
    "french_authority",
    "authority_kind",
    "partner_authority",
    "partner_country",
    "themes",
    "status",
    "start_year",
    "end_date",
    "funding_instrument",
    "amount",
    "description",
    "source_url",
]
"""Columns of the import CSV (the "import" helper's record format; see templates/)."""

SEED_INSTRUMENTS = {"ficol": "FICOL"}
"""Instrument names the import CSV writes, by generated slug: the importer accepts only the
instruments the graph already holds, and the seed holds two, FICOL and the DAECT calls; every
other generated instrument (the DAECT call, the Franco-Moroccan fund, Oudin-Santini, own funds)
is written as the DAECT calls."""
SEED_DAECT = "Appels à projets de la DAECT"


def csv_rows(data: AtlasData) -> Iterator[dict[str, str]]:
    """One import record per project, in the import CSV's columns (instruments the seed's)."""
    names = country_names()
    titles: Counter[str] = Counter()
    for p in data.projects:
        ps = p.partnership
        titles[p.title] += 1  # the importer mints a project per title: repeated titles get "(2)"…
        yield {
            "title": p.title if titles[p.title] == 1 else f"{p.title} ({titles[p.title]})",
            "french_authority": ps.french.name,
            "authority_kind": ps.french.kind,
            "partner_authority": ps.foreign.name,
            "partner_country": names.get(ps.foreign.country, (ps.foreign.country,))[0],
            "themes": ";".join(p.themes),
            "status": {"implementation": "En cours", "closed": "Terminé"}.get(p.status, p.status),
            "start_year": str(p.start_year),
            "end_date": p.end_date.strftime("%d/%m/%Y") if p.end_date else "",
            "funding_instrument": SEED_INSTRUMENTS.get(p.instrument, SEED_DAECT),
            "amount": str(p.budget),
            "description": f"Projet de coopération décentralisée entre {ps.french.name} et {ps.foreign.name}.",
            "source_url": f"https://example.org/atlas/projet/{p.key.rsplit('/', 1)[1]}",
        }


def write_csv(data: AtlasData, path: Path) -> int:
    """Write the import CSV (UTF-8, comma-separated); returns the number of records."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in csv_rows(data):
            writer.writerow(row)
            n += 1
    return n
