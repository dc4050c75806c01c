"""The caseload (Mijn dossiers) for the signed-in user."""

from __future__ import annotations

import time

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary
from wmo_desk.services.clock import Clock
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.repositories.cases import CaseRepository

#: the same list with the same number of results within this time is logged once
REPEAT_SECONDS = 5.0


class CaseloadService:
    """Reads caseload rows; keeps stored deadlines fresh once a day."""

    def __init__(self, db: Database, clock: Clock, user_id: str) -> None:
        self._db = db
        self._clock = clock
        self._user_id = user_id
        self._refreshed_on = None
        self._last_logged: tuple[str, int, float] | None = None

    def _log(self, session, flt: CaseloadFilter, count: int) -> None:
        """Every list and search goes into the access log, with the number of results (the
        search text itself may be a name, so it is not kept)."""
        if flt.text.strip():
            action = "caseload.search"
        elif flt.consultant_id is None:
            action = "team.list"
        else:
            action = "caseload.list"
        # a repaint or refresh of the same list seconds later is the same look, logged once
        now = time.monotonic()
        last = self._last_logged
        if last is not None and last[:2] == (action, count) and now - last[2] < REPEAT_SECONDS:
            return
        self._last_logged = (action, count, now)
        AuditRepository(session).record(
            self._user_id, action, None, None, detail=f"{count} resultaten"
        )

    def _refresh(self, session) -> None:
        today = self._clock.today()
        if self._refreshed_on != today:
            CaseRepository(session).refresh_deadlines(today)
            self._refreshed_on = today

    def case_ids(self, flt: CaseloadFilter) -> list[str]:
        """The ids of the cases ``flt`` selects, in its order."""
        with self._db.session() as session:
            self._refresh(session)
            ids = CaseloadRepository(session).case_ids(flt)
            self._log(session, flt, len(ids))
            return ids

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        """The caseload rows of ``case_ids``, keyed by id."""
        with self._db.session() as session:
            return CaseloadRepository(session).summaries_for(case_ids)

    def summaries(self, flt: CaseloadFilter) -> list[CaseSummary]:
        with self._db.session() as session:
            self._refresh(session)
            rows = CaseloadRepository(session).summaries(flt)
            self._log(session, flt, len(rows))
            return rows
