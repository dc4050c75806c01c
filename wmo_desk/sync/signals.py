"""The signal protocol (desktop <-> server): a signal as sent, its receipt and its statuses.

Kept apart from the record sync: a signal is written once by the desktop
(``POST /api/v1/signals``, idempotent on its id) and its status is owned by the server
(``GET /api/v1/signals/mine?since=``: the reporter's own signals changed after a cursor).
"""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from wmo_desk.domain.signals import (
    CONSENT_REQUIRED_TEXT,
    MAX_SIGNAL_TEXT,
    STATUS_LABELS,
    SignalKind,
    SignalStatus,
)
from wmo_desk.domain.text import text_problem

__all__ = [
    "MAX_SIGNAL_NOTE",
    "STATUS_LABELS",
    "SignalIn",
    "SignalKind",
    "SignalReceipt",
    "SignalStatus",
    "SignalStatusOut",
    "SignalStatusPage",
]

MAX_SIGNAL_NOTE = 1000
MAX_STATUS_PAGE = 500
# provider ids in the catalogues are slugs such as "bnoo-actief-zorg-b-v"
_PROVIDER_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"


class SignalIn(BaseModel):
    """A signal as the desktop sends it. A client reference only with the client's consent."""

    model_config = ConfigDict(extra="forbid")

    signal_id: uuid.UUID
    provider_id: str = Field(pattern=_PROVIDER_ID)
    kind: SignalKind
    what_happened: str = Field(min_length=1, max_length=MAX_SIGNAL_TEXT)
    occurred_on: date
    client_id: uuid.UUID | None = None
    consent: bool = False
    consent_on: date | None = None

    @field_validator("what_happened")
    @classmethod
    def _fit_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Beschrijf wat er is gebeurd.")
        problem = text_problem(value, "De beschrijving")
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _consent(self) -> SignalIn:
        if self.client_id is not None and not (self.consent and self.consent_on is not None):
            raise ValueError(CONSENT_REQUIRED_TEXT)
        if self.client_id is None and (self.consent or self.consent_on is not None):
            raise ValueError("Toestemming is vastgelegd, maar er is geen cliënt gekoppeld.")
        return self


class SignalReceipt(BaseModel):
    """The server's answer to a report: stored now, or already stored (``duplicate``)."""

    signal_id: uuid.UUID
    status: SignalStatus
    received_at: AwareDatetime
    duplicate: bool = False


class SignalStatusOut(BaseModel):
    """A signal's current status as its reporter sees it; ``seq`` orders the changes."""

    signal_id: uuid.UUID
    status: SignalStatus
    changed_at: AwareDatetime
    seq: int = Field(ge=0)


class SignalStatusPage(BaseModel):
    """The reporter's signals whose status changed after ``since``; ask again from ``next_since``
    while ``more``."""

    signals: list[SignalStatusOut]
    next_since: int = Field(ge=0)
    more: bool = False
