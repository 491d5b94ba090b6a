"""Column mappings: any spreadsheet layout onto the record fields.

A mapping file (YAML or JSON) says which column feeds which field, with optional transforms,
constants and import options::

    name: twin-cities
    columns:
      authority: {column: city1, split_country: authority_country}
      authority_country: country1
      partner: {column: city2, split_country: partner_country}
      partner_country: country2
    constants:
      status: En cours
    options:
      on_error: skip

``split_country: F`` splits a cell like "Brest, France": when its last comma-separated part
is a country, the cell keeps the city and the country goes to field ``F`` if that field is
empty. Columns not named in the mapping still map through the built-in French and English
headers (see :mod:`graph.ingest.records`); the rest are ignored and reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from graph.gazetteer import fold, gazetteer
from graph.ingest.records import FIELD_NAMES, REQUIRED, header_aliases


class MappingError(ValueError):
    """The mapping file is wrong, or the file lacks a column the mapping or format needs."""


@dataclass
class ColumnRule:
    column: str
    split_country: str | None = None
    default: str | None = None


@dataclass
class Mapping:
    name: str = "default"
    columns: dict[str, ColumnRule] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


OPTIONS = {"on_error", "separator", "encoding", "language"}
"""``language``: the language tag of the names the file states (default ``fr``)."""


def load_mapping(path: str | Path | None = None, text: str | None = None) -> Mapping:
    """Read a mapping file (YAML or JSON; JSON is YAML) and check it names real fields."""
    if path is None and text is None:
        return Mapping()
    source = str(path) if path is not None else "mapping"
    try:
        raw = yaml.safe_load(text if text is not None else Path(path).read_text(encoding="utf-8"))  # type: ignore[arg-type]
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        raise MappingError(f"{source}: not valid YAML/JSON: {err}") from err
    if not isinstance(raw, dict):
        raise MappingError(f"{source}: expected a mapping with 'columns', 'constants' and 'options'")
    unknown = set(raw) - {"name", "description", "columns", "constants", "options"}
    if unknown:
        raise MappingError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}")
    mapping = Mapping(name=str(raw.get("name") or Path(source).stem))
    for fname, rule in _section(source, raw, "columns").items():
        _check_field(source, fname)
        if isinstance(rule, str):
            mapping.columns[fname] = ColumnRule(rule)
        elif isinstance(rule, dict) and isinstance(rule.get("column"), str):
            extra = set(rule) - {"column", "split_country", "default"}
            if extra:
                raise MappingError(f"{source}: columns.{fname}: unknown transform(s) {', '.join(sorted(extra))}")
            split = rule.get("split_country")
            if split is not None:
                _check_field(source, split)
            default = rule.get("default")
            mapping.columns[fname] = ColumnRule(rule["column"], split, None if default is None else str(default))
        else:
            raise MappingError(f"{source}: columns.{fname} must be a column name or {{column: …}}")
    for fname, value in _section(source, raw, "constants").items():
        _check_field(source, fname)
        mapping.constants[fname] = "" if value is None else str(value)
    options = _section(source, raw, "options")
    if set(options) - OPTIONS:
        raise MappingError(f"{source}: unknown option(s) {', '.join(sorted(set(options) - OPTIONS))}")
    if options.get("on_error") not in (None, "reject", "skip"):
        raise MappingError(f"{source}: options.on_error must be 'reject' or 'skip'")
    mapping.options = dict(options)
    return mapping


def _section(source: str, raw: dict[str, Any], key: str) -> dict[Any, Any]:
    """The ``key`` section of a mapping file (empty when absent), which must itself be a mapping."""
    section = raw.get(key) or {}
    if not isinstance(section, dict):
        raise MappingError(f"{source}: {key} must be a mapping of names to values, not {type(section).__name__}")
    return section


def _check_field(source: str, name: str) -> None:
    if name not in FIELD_NAMES:
        raise MappingError(f"{source}: {name!r} is not a record field (fields: {', '.join(FIELD_NAMES)})")


@dataclass
class Plan:
    """How the file's headers feed the fields: field → header (or constant), and what is ignored."""

    mapping: Mapping
    sources: dict[str, str]
    ignored: list[str]

    def column_of(self, field_name: str) -> str:
        """The file's column a field came from (for error reports), or the field's own name."""
        if field_name in self.sources:
            return self.sources[field_name]
        for suffix in ("_place", "_kind"):
            owner = field_name.removesuffix(suffix)
            if owner != field_name and owner in self.sources:
                return self.sources[owner]
        return field_name

    def apply(self, cells: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str, str, str]]]:
        """Field values of one row, and the notes of transforms as (code, field, stated, result)."""
        values: dict[str, Any] = {}
        for fname, header in self.sources.items():
            rule = self.mapping.columns.get(fname)
            cell = cells.get(header, "")
            if not cell.strip() and rule and rule.default is not None:
                cell = rule.default
            values[fname] = cell
        for fname, value in self.mapping.constants.items():
            if not str(values.get(fname) or "").strip():
                values[fname] = value
        notes: list[tuple[str, str, str, str]] = []
        for fname, rule in self.mapping.columns.items():
            if rule.split_country and values.get(fname):
                city, country = split_city_country(str(values[fname]))
                if country is None and not str(values.get(rule.split_country) or "").strip():
                    # A territory named in the city cell with no country beside it ("Falkland Islands").
                    match = gazetteer().country(city)
                    if match is not None and match.how != "approximate":
                        country = city
                if country is not None:
                    values[fname] = city
                    if not str(values.get(rule.split_country) or "").strip():
                        values[rule.split_country] = country
                        notes.append(
                            ("country-from-city-cell", rule.split_country, cells.get(rule.column, ""), country)
                        )
        # Empty cells stay empty strings: a column that is there but blank is not the default.
        return {k: v for k, v in values.items() if v is not None}, notes


def split_city_country(cell: str) -> tuple[str, str | None]:
    """("Brest", "France") from "Brest, France"; the cell unchanged when its tail is no country."""
    if "," not in cell:
        return cell, None
    head, tail = cell.rsplit(",", 1)
    if head.strip() and gazetteer().country(tail.strip()) is not None:
        return head.strip(), tail.strip()
    return cell, None


def plan(mapping: Mapping, headers: list[str]) -> Plan:
    """Match the file's headers to fields; refuse when a mapped or required column is missing."""
    present = {h: h for h in headers}
    sources: dict[str, str] = {}
    for fname, rule in mapping.columns.items():
        if rule.column not in present:
            folded = {fold(h): h for h in headers}
            if fold(rule.column) in folded:
                sources[fname] = folded[fold(rule.column)]
                continue
            raise MappingError(
                f"missing column {rule.column!r} (mapped to {fname}); the file's columns are: {', '.join(headers)}"
            )
        sources[fname] = rule.column
    aliases = header_aliases()
    used = set(sources.values())
    ignored = []
    for header in headers:
        if header in used:
            continue
        alias = aliases.get(fold(header))
        if alias and alias not in sources:
            sources[alias] = header
        else:
            ignored.append(header)
    missing = [f for f in REQUIRED if f not in sources and f not in mapping.constants]
    if missing:
        from graph.ingest.records import FIELDS

        labels = {f.name: f"{f.label!r} / {f.french!r}" for f in FIELDS}
        raise MappingError(
            "missing required column(s): "
            + "; ".join(labels[m] for m in missing)
            + f". The file's columns are: {', '.join(headers)}"
        )
    return Plan(mapping=mapping, sources=sources, ignored=ignored)
