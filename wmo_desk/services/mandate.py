"""Who gives the kenmerk and the toewijzingnummers of an approval: the server, or the demo.

A decision becomes final only on the regional server: it checks that a team lead of the
municipality approves someone else's proposal, records that, and hands out the numbers
(unique per municipality). The desktop asks it through :class:`ServerMandate`. Only the demo
profile, which has no server, numbers locally (:class:`DemoMandate`); any other profile that
is not signed in cannot approve (:class:`NoMandate`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from wmo_desk.domain.allocation_rules import next_number
from wmo_desk.domain.decision_rules import kenmerk_for
from wmo_desk.domain.decisions import Decision
from wmo_desk.domain.errors import UserError
from wmo_desk.services.clock import Clock
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.decisions import DecisionRepository

if TYPE_CHECKING:
    from wmo_desk.sync.client import ServerClient


@dataclass(frozen=True)
class Grant:
    """What an approval gives: kenmerk, date, the approver and a number per provision."""

    kenmerk: str
    decision_date: date
    approved_by: str
    numbers: dict[str, int]


class Mandate(Protocol):
    def approve(self, decision: Decision, allocate: list[str]) -> Grant: ...

    def new_number(self, provision_id: str) -> int: ...


class ServerMandate:
    """The regional server approves and numbers (the normal case)."""

    def __init__(self, client: ServerClient, token: str) -> None:
        self._client = client
        self._token = token

    def approve(self, decision: Decision, allocate: list[str]) -> Grant:
        answer = self._client.approve(self._token, decision.id, allocate)
        return Grant(
            kenmerk=answer.kenmerk,
            decision_date=answer.decision_date,
            approved_by=str(answer.approved_by),
            numbers={str(k): v for k, v in answer.numbers.items()},
        )

    def new_number(self, provision_id: str) -> int:
        return self._client.new_number(self._token, provision_id).number


class DemoMandate:
    """The demo profile's own numbering (it has no server); never used for real clients."""

    def __init__(self, db: Database, clock: Clock, municipality_code: str, user_id: str) -> None:
        self._db = db
        self._clock = clock
        self._municipality = municipality_code
        self._user_id = user_id

    def approve(self, decision: Decision, allocate: list[str]) -> Grant:
        today = self._clock.today()
        with self._db.session() as session:
            repo = DecisionRepository(session)
            sequence = repo.count_final(self._municipality, today.year) + 1
            used = repo.used_allocation_numbers()
        numbers = {}
        for provision_id in allocate:
            numbers[provision_id] = next_number(used)
            used.add(numbers[provision_id])
        return Grant(
            kenmerk_for(self._municipality, today.year, sequence), today, self._user_id, numbers
        )

    def new_number(self, provision_id: str) -> int:
        with self._db.session() as session:
            return next_number(DecisionRepository(session).used_allocation_numbers())


class NoMandate:
    """Not signed in: approving and numbering wait for the server."""

    def _refuse(self) -> UserError:
        return UserError(
            "Aanmelden nodig",
            "Goedkeuren en toewijzingnummers uitgeven gebeurt op de regionale server. Meld u "
            "aan via Bestand > Aanmelden bij de server en probeer het opnieuw.",
        )

    def approve(self, decision: Decision, allocate: list[str]) -> Grant:
        raise self._refuse()

    def new_number(self, provision_id: str) -> int:
        raise self._refuse()


MandateSource = Callable[[], Mandate]
