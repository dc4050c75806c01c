"""The caseload read model: one light row per case for the Mijn dossiers table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import DeadlineKind


class SortKey(StrEnum):
    """Columns the caseload can be sorted on."""

    NAME = "name"
    BSN = "bsn"
    STAGE = "stage"
    DEADLINE = "deadline"
    CONSULTANT = "consultant"
    MELDING = "melding"


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """What the caseload shows of one case."""

    case_id: str
    client_name: str
    bsn: str
    postcode: str
    stage: Stage
    on_hold: bool
    deadline: date | None
    deadline_kind: DeadlineKind | None
    consultant_name: str
    melding_date: date


@dataclass(frozen=True)
class CaseloadFilter:
    """Which cases to show: a consultant's own (or all of the municipality), search text, stage."""

    municipality_code: str
    consultant_id: str | None = None
    text: str = ""
    stage: Stage | None = None
    include_closed: bool = False
    sort: SortKey = SortKey.DEADLINE
    descending: bool = False
