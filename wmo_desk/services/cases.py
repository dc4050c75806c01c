"""One case: what the case view shows, and the process steps a consultant takes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from wmo_desk.domain.cases import (
    Case,
    CaseEvent,
    CloseReason,
    Stage,
    allowed_stages,
    close_case,
    move_to_stage,
    put_on_hold,
    reassign,
    resume,
)
from wmo_desk.domain.clients import Client
from wmo_desk.domain.deadlines import Deadline, case_deadlines, next_deadline
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.users import Role, User
from wmo_desk.services.clock import Clock
from wmo_desk.services.profile import Profile
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.clients import ClientRepository
from wmo_desk.storage.repositories.users import UserRepository


@dataclass(frozen=True)
class CaseView:
    """Everything the case view shows, read in one go."""

    case: Case
    client: Client
    consultant: User | None
    deadlines: tuple[Deadline, ...]
    next_deadline: Deadline | None
    timeline: tuple[CaseEvent, ...]
    next_stages: tuple[Stage, ...]


class CaseService:
    """Reads a case and applies process steps, logging every access."""

    def __init__(self, db: Database, clock: Clock, profile: Profile) -> None:
        self._db = db
        self._clock = clock
        self._profile = profile

    def view(self, case_id: str) -> CaseView:
        """The case with its client, deadlines and timeline; the read is logged."""
        today = self._clock.today()
        with self._db.session() as session:
            case = CaseRepository(session).get(case_id)
            if case is None:
                raise UserError("Dossier niet gevonden", "Dit dossier bestaat niet (meer).")
            client = ClientRepository(session).get(case.client_id)
            assert client is not None, "a case always has its client"
            consultant = UserRepository(session).get(case.consultant_id)
            timeline = CaseRepository(session).timeline(case_id)
            AuditRepository(session).record(self._profile.user.id, "case.read", client.id, case.id)
        return CaseView(
            case=case,
            client=client,
            consultant=consultant,
            deadlines=tuple(case_deadlines(case, today)),
            next_deadline=next_deadline(case, today),
            timeline=tuple(timeline),
            next_stages=allowed_stages(case),
        )

    def _apply(
        self,
        case_id: str,
        action: str,
        step: Callable[[Case, tuple[str, str]], tuple[Case, CaseEvent]],
    ) -> None:
        user = self._profile.user
        with self._db.session() as session:
            repo = CaseRepository(session)
            case = repo.get(case_id)
            if case is None:
                raise UserError("Dossier niet gevonden", "Dit dossier bestaat niet (meer).")
            new, event = step(case, (user.id, user.name))
            repo.save(new, self._clock.today(), (event,))
            AuditRepository(session).record(user.id, action, case.client_id, case.id)

    def move(self, case_id: str, target: Stage, on: date) -> None:
        self._apply(
            case_id, f"case.stage.{target.value}", lambda c, a: move_to_stage(c, target, on, a)
        )

    def hold(self, case_id: str, start: date, reason: str) -> None:
        self._apply(case_id, "case.hold", lambda c, a: put_on_hold(c, start, reason, a))

    def resume(self, case_id: str, on: date) -> None:
        self._apply(case_id, "case.resume", lambda c, a: resume(c, on, a))

    def reassign(self, case_id: str, consultant_id: str) -> None:
        """Team leads only: give the case to another consultant of the municipality."""
        if self._profile.user.role is not Role.TEAMLEIDER:
            raise UserError("Geen bevoegdheid", "Alleen een teamleider wijst dossiers toe.")
        with self._db.session() as session:
            consultant = UserRepository(session).get(consultant_id)
        if consultant is None or consultant.municipality_code != self._profile.municipality_code:
            raise UserError("Onbekende consulent", "Kies een consulent van deze gemeente.")
        self._apply(
            case_id, "case.reassign", lambda c, a: reassign(c, (consultant.id, consultant.name), a)
        )

    def close(self, case_id: str, reason: CloseReason, on: date, note: str) -> None:
        self._apply(case_id, "case.close", lambda c, a: close_case(c, reason, on, note, a))
