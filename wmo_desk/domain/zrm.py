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


def check_scores(scores: tuple[ZrmScore, ...]) -> None:
    """Raise ValueError unless ``scores`` names each ZRM domain once with a level 1-5 or None."""
    names = [s.domain for s in scores]
    if sorted(names) != sorted(ZRM_DOMAINS):
        raise ValueError("a ZRM assessment scores each of the 13 domains exactly once")
    for score in scores:
        if score.level is not None and score.level not in ZRM_LEVELS:
            raise ValueError(f"ZRM level {score.level} is not 1-5")


def level_text(level: int | None) -> str:
    """``3 – beperkt zelfredzaam``, or ``n.v.t./onbekend`` for an unscored domain."""
    return f"{level} – {ZRM_LEVELS[level]}" if level else "n.v.t./onbekend"


def history(assessments: list[ZrmAssessment]) -> dict[str, list[tuple[date, int | None]]]:
    """Per domain, the (date, level) of every assessment, oldest first: the data of the chart."""
    ordered = sorted(assessments, key=lambda a: (a.assessed_on, a.created_at))
    result: dict[str, list[tuple[date, int | None]]] = {d: [] for d in ZRM_DOMAINS}
    for assessment in ordered:
        levels = {s.domain: s.level for s in assessment.scores}
        for domain in ZRM_DOMAINS:
            result[domain].append((assessment.assessed_on, levels.get(domain)))
    return result


def change(previous: ZrmAssessment | None, current: ZrmAssessment, domain: str) -> int | None:
    """Level difference of ``domain`` since ``previous`` (positive is more self-reliant)."""
    if previous is None:
        return None
    before = next((s.level for s in previous.scores if s.domain == domain), None)
    after = next((s.level for s in current.scores if s.domain == domain), None)
    return None if before is None or after is None else after - before
