"""The record format for pilot projects and partnerships, as pydantic models.

One record is one partnership between two local authorities (the French one and its
partner), optionally with a project (when a title is given). Headers are accepted in French
or English (see :data:`FIELDS`); a column-mapping file brings any other layout onto these
fields. Errors name the field, which the pipeline turns back into the file's column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from graph.gazetteer import fold


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    """The header of the template (English)."""
    french: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    doc: str = ""


FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        "title",
        "titre",
        ("project", "project title", "intitule", "nom du projet", "projet"),
        doc="Project title; when given, a coop:Project is created in the partnership.",
    ),
    Field(
        "authority",
        "French authority",
        "collectivité française",
        ("french local authority", "collectivite", "collectivite territoriale", "authority", "city", "ville"),
        required=True,
        doc='Name of the French local authority ("Lille", "Métropole européenne de Lille").',
    ),
    Field(
        "authority_kind",
        "authority kind",
        "type de collectivité",
        ("kind", "type", "type collectivite", "kind of authority", "categorie"),
        doc="commune, département, région, intercommunalité (default: commune).",
    ),
    Field(
        "authority_country",
        "French authority country",
        "pays de la collectivité",
        ("authority country", "pays collectivite"),
        doc="Country of the first authority (default: France).",
    ),
    Field(
        "authority_place",
        "French authority place",
        "lieu de la collectivité",
        ("place", "lieu", "commune siege"),
        doc="Town the authority governs, when its name is not one (default: its name).",
    ),
    Field(
        "partner",
        "partner authority",
        "collectivité partenaire",
        ("partner", "partenaire", "foreign authority", "collectivite etrangere", "partner city", "ville partenaire"),
        required=True,
        doc="Name of the partner authority.",
    ),
    Field(
        "partner_kind",
        "partner kind",
        "type de partenaire",
        ("partner authority kind",),
        doc="Kind of the partner (default: foreign-local-government, or commune when French).",
    ),
    Field(
        "partner_country",
        "partner country",
        "pays partenaire",
        ("pays du partenaire", "country of partner"),
        required=True,
        doc="Country of the partner: an ISO code or a name in English or French.",
    ),
    Field(
        "partner_place",
        "partner place",
        "lieu partenaire",
        ("partner town", "ville du partenaire"),
        doc="Town the partner governs, when its name is not one.",
    ),
    Field(
        "themes",
        "themes",
        "thématiques",
        ("theme", "thematique", "thematiques", "sectors", "secteurs"),
        doc="Theme labels (French or English) separated by ';' (a path 'A › B › C' names its last level).",
    ),
    Field(
        "status",
        "status",
        "statut",
        ("etat", "state"),
        doc="En cours / Terminé, or pipeline, implementation, finalisation, closed, cancelled, suspended.",
    ),
    Field(
        "start_year",
        "start year",
        "année de début",
        ("annee de debut", "year", "annee", "debut", "start"),
        doc="Year the partnership started (four digits).",
    ),
    Field("end_date", "end date", "date de fin", ("fin", "end"), doc="dd/mm/yyyy or yyyy-mm-dd."),
    Field(
        "funding_instrument",
        "funding instrument",
        "instrument de financement",
        ("funding", "financement", "instrument", "bailleur"),
        doc='Name of the funding instrument ("FICOL").',
    ),
    Field(
        "amount",
        "amount",
        "montant",
        ("budget", "montant eur", "amount eur"),
        doc='Amount in euros ("150000", "150 000,50").',
    ),
    Field("description", "description", "description", ("contexte", "context", "resume", "summary")),
    Field(
        "source_url",
        "source URL",
        "source",
        ("source url", "url", "lien", "link"),
        doc="http(s) address of the source of the record.",
    ),
)

FIELD_NAMES = tuple(f.name for f in FIELDS)
REQUIRED = tuple(f.name for f in FIELDS if f.required)


def header_aliases() -> dict[str, str]:
    """Folded header → field name, for every built-in French and English header."""
    out: dict[str, str] = {}
    for f in FIELDS:
        for header in (f.name, f.label, f.french, *f.aliases):
            out.setdefault(fold(header), f.name)
    return out


KINDS: dict[str, str] = {
    "commune": "commune",
    "ville": "commune",
    "city": "commune",
    "town": "commune",
    "municipality": "commune",
    "municipalite": "commune",
    "departement": "departement",
    "department": "departement",
    "conseil departemental": "departement",
    "conseil general": "departement",
    "region": "region",
    "conseil regional": "region",
    "intercommunalite": "intercommunalite",
    "groupement": "intercommunalite",
    "epci": "intercommunalite",
    "metropole": "intercommunalite",
    "communaute urbaine": "intercommunalite",
    "communaute d agglomeration": "intercommunalite",
    "communaute de communes": "intercommunalite",
    "syndicat": "intercommunalite",
    "foreign local government": "foreign-local-government",
    "foreign local authority": "foreign-local-government",
    "collectivite etrangere": "foreign-local-government",
    "local government": "foreign-local-government",
}

STATUSES: dict[str, str] = {
    "en cours": "implementation",
    "ongoing": "implementation",
    "active": "implementation",
    "implementation": "implementation",
    "2": "implementation",
    "termine": "closed",
    "terminee": "closed",
    "closed": "closed",
    "ended": "closed",
    "finished": "closed",
    "completed": "closed",
    "4": "closed",
    "pipeline": "pipeline",
    "en projet": "pipeline",
    "planned": "pipeline",
    "1": "pipeline",
    "finalisation": "finalisation",
    "finalization": "finalisation",
    "3": "finalisation",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "annule": "cancelled",
    "5": "cancelled",
    "suspended": "suspended",
    "suspendu": "suspended",
    "6": "suspended",
}


class PilotRecord(BaseModel):
    """One partnership (and optional project) as a researcher's spreadsheet states it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str | None = None
    authority: str
    authority_kind: str | None = None
    authority_country: str = "France"
    authority_place: str | None = None
    partner: str
    partner_kind: str | None = None
    partner_country: str
    partner_place: str | None = None
    themes: list[str] = []
    status: str | None = None
    start_year: int | None = None
    end_date: dt.date | None = None
    funding_instrument: str | None = None
    amount: Decimal | None = None
    description: str | None = None
    source_url: str | None = None

    @field_validator("authority", "partner", "partner_country", "authority_country", mode="before")
    @classmethod
    def _not_blank(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("is empty")
        return value

    @field_validator("authority_kind", "partner_kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> str | None:
        if value is None or not str(value).strip():
            return None
        key = fold(str(value))
        if key in KINDS.values() or key.replace(" ", "-") in KINDS.values():
            return key.replace(" ", "-")
        if key in KINDS:
            return KINDS[key]
        raise ValueError(f"unknown kind of authority {value!r}: use commune, département, région or intercommunalité")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> str | None:
        if value is None or not str(value).strip():
            return None
        key = fold(str(value))
        if key in STATUSES:
            return STATUSES[key]
        raise ValueError(f"unknown status {value!r}: use 'En cours', 'Terminé' or an IATI status")

    @field_validator("themes", mode="before")
    @classmethod
    def _themes(cls, value: Any) -> list[str]:
        if value is None:
            return []
        items = value if isinstance(value, list) else re.split(r"[;|\n]", str(value))
        out = []
        for item in items:
            leaf = re.split(r"\s*[›>]\s*", str(item).strip())[-1].strip()
            if leaf:
                out.append(leaf)
        return out

    @field_validator("start_year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> int | None:
        if value is None or not str(value).strip():
            return None
        text = str(value).strip()
        if re.fullmatch(r"\d{4}(\.0)?", text):
            year = int(float(text))
            if 1800 <= year <= 2100:
                return year
        raise ValueError(f"{text!r} is not a year (four digits, 1800–2100)")

    @field_validator("end_date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> dt.date | None:
        if value is None or not str(value).strip():
            return None
        return parse_date(str(value))

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal | None:
        if value is None or not str(value).strip():
            return None
        return parse_amount(str(value))

    @field_validator("source_url", mode="before")
    @classmethod
    def _url(cls, value: Any) -> str | None:
        if value is None or not str(value).strip():
            return None
        text = str(value).strip()
        if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", text):
            raise ValueError(f"{text!r} is not an http(s) address")
        return text

    @field_validator("title", "authority_place", "partner_place", "funding_instrument", "description", mode="before")
    @classmethod
    def _blank_none(cls, value: Any) -> Any:
        return None if value is None or not str(value).strip() else value

    @model_validator(mode="after")
    def _end_after_start(self) -> PilotRecord:
        if self.end_date and self.start_year and self.end_date.year < self.start_year:
            raise ValueError(
                f"end_date: the end date {self.end_date.isoformat()} is before the start year {self.start_year}"
            )
        return self


def parse_date(text: str) -> dt.date:
    """dd/mm/yyyy (also with ``-`` or ``.``) or ISO yyyy-mm-dd."""
    text = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text):
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError as err:
        raise ValueError(f"{text!r} is not a real date ({err})") from err
    raise ValueError(f"{text!r} is not a date: write dd/mm/yyyy or yyyy-mm-dd")


def parse_amount(text: str) -> Decimal:
    """An amount written the French or the English way, with or without a currency sign."""
    cleaned = re.sub(r"[\s\u00a0\u202f€$]|EUR|euros?", "", text, flags=re.I)
    if "," in cleaned and "." in cleaned:
        cleaned = (
            cleaned.replace(",", "")
            if cleaned.rfind(".") > cleaned.rfind(",")
            else cleaned.replace(".", "").replace(",", ".")
        )
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".") if re.search(r",\d{1,2}$", cleaned) else cleaned.replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as err:
        raise ValueError(f"{text!r} is not an amount") from err
    if amount < 0:
        raise ValueError(f"{text!r} is negative")
    return amount


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


def build(values: dict[str, Any]) -> tuple[PilotRecord | None, list[FieldError]]:
    """A record from field values, or the errors, each naming its field."""
    try:
        return PilotRecord.model_validate(values), []
    except ValidationError as err:
        out = []
        for e in err.errors():
            loc = [str(x) for x in e.get("loc", ())]
            message = str(e.get("msg", "invalid"))
            message = re.sub(r"^(Value error|Assertion failed), ", "", message)
            field = loc[0] if loc else ""
            if not field and ":" in message and message.split(":", 1)[0] in FIELD_NAMES:
                field, message = message.split(":", 1)[0], message.split(":", 1)[1].strip()
            if e.get("type") == "missing":
                message = "is required and missing"
            out.append(FieldError(field, message))
        return None, out
