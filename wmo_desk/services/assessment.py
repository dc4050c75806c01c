"""ZRM assessments and agreed results of a case."""

from __future__ import annotations

from datetime import date

from wmo_desk.domain.errors import UserError
from wmo_desk.domain.results import CaseResult, check_result
from wmo_desk.domain.zrm import ZrmAssessment, ZrmScore, check_scores
from wmo_desk.services.catalogue import CatalogueService
from wmo_desk.services.clock import Clock
from wmo_desk.services.profile import Profile
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.results import ResultRepository
from wmo_desk.storage.repositories.zrm import ZrmRepository


class AssessmentService:
    """Records what the onderzoek found: the ZRM and the results to achieve."""

    def __init__(
        self, db: Database, clock: Clock, profile: Profile, catalogues: CatalogueService
    ) -> None:
        self._db = db
        self._clock = clock
        self._profile = profile
        self._catalogues = catalogues

    def _client_of(self, session, case_id: str) -> str:
        case = CaseRepository(session).get(case_id)
        if case is None:
            raise UserError("Dossier niet gevonden", "Dit dossier bestaat niet (meer).")
        return case.client_id

    def zrm_history(self, case_id: str) -> list[ZrmAssessment]:
        with self._db.session() as session:
            return ZrmRepository(session).for_case(case_id)

    def add_zrm(
        self, case_id: str, assessed_on: date, scores: tuple[ZrmScore, ...]
    ) -> ZrmAssessment:
        """Keep a new dated assessment; earlier ones stay as they were."""
        if assessed_on > self._clock.today():
            raise UserError("Ongeldige datum", "De ZRM kan niet in de toekomst zijn afgenomen.")
        if all(s.level is None for s in scores):
            raise UserError("Geen scores", "Scoor ten minste één domein voordat u de ZRM opslaat.")
        check_scores(scores)
        assessment = ZrmAssessment(
            case_id=case_id,
            assessed_on=assessed_on,
            scores=scores,
            assessor_id=self._profile.user.id,
        )
        with self._db.session() as session:
            client_id = self._client_of(session, case_id)
            ZrmRepository(session).add(assessment)
            AuditRepository(session).record(self._profile.user.id, "zrm.add", client_id, case_id)
        return assessment

    def results(self, case_id: str) -> list[CaseResult]:
        with self._db.session() as session:
            return ResultRepository(session).for_case(case_id)

    def save_result(self, result: CaseResult) -> None:
        """Check ``result`` against the region's model and store it (FieldErrors when wrong)."""
        check_result(result, self._catalogues.current(), self._clock.today())
        with self._db.session() as session:
            client_id = self._client_of(session, result.case_id)
            ResultRepository(session).save(result)
            AuditRepository(session).record(
                self._profile.user.id, "result.save", client_id, result.case_id
            )

    def remove_result(self, case_id: str, result_id: str) -> None:
        with self._db.session() as session:
            client_id = self._client_of(session, case_id)
            ResultRepository(session).remove(result_id)
            AuditRepository(session).record(
                self._profile.user.id, "result.remove", client_id, case_id
            )
