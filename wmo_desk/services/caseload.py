"""The caseload (Mijn dossiers) for the signed-in user."""

from __future__ import annotations

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary
from wmo_desk.services.clock import Clock
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.repositories.cases import CaseRepository


class CaseloadService:
    """Reads caseload rows; keeps stored deadlines fresh once a day."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._refreshed_on = None

    def summaries(self, flt: CaseloadFilter) -> list[CaseSummary]:
        today = self._clock.today()
        with self._db.session() as session:
            if self._refreshed_on != today:
                CaseRepository(session).refresh_deadlines(today)
                self._refreshed_on = today
            return CaseloadRepository(session).summaries(flt)
