"""Signals to the regional meldpunt about a provider: their kinds, statuses and input rules.

A signal (inkoopplan BNO-O §2.4–2.5, "Regionaal Meldpunt signalen kwaliteit en rechtmatigheid")
is written once by a consultant and sent to the region; from then on its status is the
meldpunt's. A client may be named only with the client's recorded consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from wmo_desk.domain.text import text_problem

#: the longest "what happened" text, in characters
MAX_SIGNAL_TEXT = 4000


class SignalKind(StrEnum):
    """What a signal is about."""

    KWALITEIT = "kwaliteit"
    RECHTMATIGHEID = "rechtmatigheid"
    FRAUDE = "fraude"
    CALAMITEIT = "calamiteit"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[SignalKind, str] = {
    SignalKind.KWALITEIT: "Kwaliteit",
    SignalKind.RECHTMATIGHEID: "Rechtmatigheid",
    SignalKind.FRAUDE: "Vermoeden van fraude",
    SignalKind.CALAMITEIT: "Calamiteit",
}


class SignalStatus(StrEnum):
    """Where the meldpunt is with a signal; only the server changes it."""

    ONTVANGEN = "ontvangen"
    IN_BEHANDELING = "in_behandeling"
    TOEZICHT = "overgedragen_aan_toezicht"
    AFGEHANDELD = "afgehandeld"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def open(self) -> bool:
        return self is not SignalStatus.AFGEHANDELD


STATUS_LABELS: dict[SignalStatus, str] = {
    SignalStatus.ONTVANGEN: "Ontvangen",
    SignalStatus.IN_BEHANDELING: "In behandeling",
    SignalStatus.TOEZICHT: "Overgedragen aan toezicht",
    SignalStatus.AFGEHANDELD: "Afgehandeld",
}

#: shown on the desktop before the server confirmed receipt
NOT_SENT_LABEL = "Nog niet verzonden"

CONSENT_REQUIRED_TEXT = (
    "Een cliënt kan alleen aan een signaal worden gekoppeld als de cliënt daarvoor "
    "toestemming heeft gegeven; vul de datum van de toestemming in."
)


@dataclass(frozen=True)
class Signal:
    """A signal as this desktop knows it: what was reported and the last status it heard.

    Attributes:
        status: None until the server confirmed receipt.
        refused: the server's Dutch reason when it refused the signal (it is not sent again).
    """

    id: str
    reporter_id: str
    case_id: str | None
    provider_id: str
    provider_name: str
    kind: SignalKind
    what_happened: str
    occurred_on: date
    client_id: str | None
    consent_on: date | None
    created_at: datetime
    status: SignalStatus | None = None
    status_at: datetime | None = None
    status_note: str = ""
    refused: str = ""

    @property
    def status_text(self) -> str:
        if self.refused:
            return "Geweigerd door de server"
        return self.status.label if self.status else NOT_SENT_LABEL


def signal_problems(
    *,
    provider_id: str,
    what_happened: str,
    occurred_on: date | None,
    today: date,
    client_id: str | None,
    consent_on: date | None,
) -> dict[str, str]:
    """What is wrong with a signal before it is saved: field -> Dutch message (empty: fine)."""
    errors: dict[str, str] = {}
    if not provider_id:
        errors["provider"] = "Kies de aanbieder waarover u een signaal meldt."
    text = what_happened.strip()
    if not text:
        errors["what_happened"] = "Beschrijf wat er is gebeurd."
    elif len(text) > MAX_SIGNAL_TEXT:
        errors["what_happened"] = (
            f"De beschrijving is {len(text)} tekens; het maximum is {MAX_SIGNAL_TEXT}."
        )
    elif problem := text_problem(text, "De beschrijving"):
        errors["what_happened"] = problem
    if occurred_on is None:
        errors["occurred_on"] = "Vul de datum in waarop het gebeurde."
    elif occurred_on > today:
        errors["occurred_on"] = "De datum ligt in de toekomst."
    if client_id and consent_on is None:
        errors["consent_on"] = CONSENT_REQUIRED_TEXT
    elif client_id and consent_on is not None and consent_on > today:
        errors["consent_on"] = "De datum van de toestemming ligt in de toekomst."
    return errors
