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

    def _refresh(self, session) -> None:
        today = self._clock.today()
        if self._refreshed_on != today:
            CaseRepository(session).refresh_deadlines(today)
            self._refreshed_on = today

    def case_ids(self, flt: CaseloadFilter) -> list[str]:
        """The ids of the cases ``flt`` selects, in its order."""
        with self._db.session() as session:
            self._refresh(session)
            return CaseloadRepository(session).case_ids(flt)

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        """The caseload rows of ``case_ids``, keyed by id."""
        with self._db.session() as session:
            return CaseloadRepository(session).summaries_for(case_ids)

    def summaries(self, flt: CaseloadFilter) -> list[CaseSummary]:
        with self._db.session() as session:
            self._refresh(session)
            return CaseloadRepository(session).summaries(flt)
