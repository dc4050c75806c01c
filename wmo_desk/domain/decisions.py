"""The beschikking (decision) with its provisions, and the toewijzing (allocation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from wmo_desk.domain.identifiers import new_id, utcnow


class DecisionOutcome(StrEnum):
    TOEGEKEND = "toegekend"
    DEELS_TOEGEKEND = "deels_toegekend"
    AFGEWEZEN = "afgewezen"


class DecisionStatus(StrEnum):
    CONCEPT = "concept"
    INGEDIEND = "ingediend"
    TERUGGESTUURD = "teruggestuurd"
    DEFINITIEF = "definitief"


class DeliveryForm(StrEnum):
    NATURA = "natura"
    PGB = "pgb"


@dataclass(frozen=True)
class Provision:
    """A granted maatwerkvoorziening within a decision."""

    decision_id: str
    product_code: str
    result: str
    start: date
    end: date | None
    delivery_form: DeliveryForm
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    provider_id: str | None = None
    pgb_cents: int | None = None
    id: str = field(default_factory=new_id)


@dataclass(frozen=True)
class Decision:
    """A beschikking: proposed by a consultant, final only after a team lead approves it."""

    case_id: str
    outcome: DecisionOutcome
    motivation: str
    proposed_by: str
    status: DecisionStatus = DecisionStatus.CONCEPT
    provisions: tuple[Provision, ...] = ()
    approved_by: str | None = None
    kenmerk: str = ""
    decision_date: date | None = None
    replaces_id: str | None = None
    #: the proposing consultant's work telefoon and e-mail when they submitted it (Mijn
    #: gegevens): the letters, rendered at the team lead's desktop, print them
    proposer_phone: str = ""
    proposer_email: str = ""
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class Allocation:
    """A toewijzing (iWmo WMO301) of one provision to a provider; versions share a number."""

    provision_id: str
    number: int
    version: int
    provider_id: str
    product_category: str
    product_code: str
    start: date
    end: date | None
    volume: int | None = None
    unit: str = ""
    frequency: str = ""
    change_reason: str = ""
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)
