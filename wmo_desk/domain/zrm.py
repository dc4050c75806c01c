"""The Zelfredzaamheid-Matrix (ZRM 2017): 13 domains scored 1-5 (DOMAIN.md §5).

Domain names and level labels only; the GGD Amsterdam cell criteria are not shipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from wmo_desk.domain.identifiers import new_id, utcnow

ZRM_DOMAINS: tuple[str, ...] = (
    "Financiën",
    "Werk & opleiding",
    "Tijdsbesteding",
    "Huisvesting",
    "Huiselijke relaties",
    "Geestelijke gezondheid",
    "Lichamelijke gezondheid",
    "Middelengebruik",
    "Basale ADL",
    "Instrumentele ADL",
    "Sociaal netwerk",
    "Maatschappelijke participatie",
    "Justitie",
)

ZRM_LEVELS: dict[int, str] = {
    1: "acute problematiek",
    2: "niet zelfredzaam",
    3: "beperkt zelfredzaam",
    4: "voldoende zelfredzaam",
    5: "volledig zelfredzaam",
}


@dataclass(frozen=True)
class ZrmScore:
    """One domain's score; ``level`` None means n.v.t./onbekend."""

    domain: str
    level: int | None
    note: str = ""


@dataclass(frozen=True)
class ZrmAssessment:
    """A dated ZRM, kept forever to show progress over time."""

    case_id: str
    assessed_on: date
    scores: tuple[ZrmScore, ...]
    assessor_id: str
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)
