"""ZRM assessments: rows <-> :class:`wmo_desk.domain.zrm.ZrmAssessment`; every one is kept."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.zrm import ZrmAssessment, ZrmScore
from wmo_desk.storage.tables import ZrmAssessmentRow


class ZrmRepository:
    """Dated ZRM assessments of a case; never updated in place, never deleted."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, assessment: ZrmAssessment) -> None:
        self._session.add(
            ZrmAssessmentRow(
                id=assessment.id,
                case_id=assessment.case_id,
                assessed_on=assessment.assessed_on,
                assessor_id=assessment.assessor_id,
                scores=[
                    {"domain": s.domain, "level": s.level, "note": s.note}
                    for s in assessment.scores
                ],
                created_at=assessment.created_at,
                modified_at=assessment.modified_at,
                pending=True,
                deleted=False,
            )
        )

    def for_case(self, case_id: str) -> list[ZrmAssessment]:
        """All assessments of ``case_id``, oldest first."""
        rows = self._session.scalars(
            select(ZrmAssessmentRow)
            .where(ZrmAssessmentRow.case_id == case_id, ZrmAssessmentRow.deleted.is_(False))
            .order_by(ZrmAssessmentRow.assessed_on, ZrmAssessmentRow.created_at)
        )
        return [
            ZrmAssessment(
                id=r.id,
                case_id=r.case_id,
                assessed_on=r.assessed_on,
                assessor_id=r.assessor_id,
                scores=tuple(
                    ZrmScore(s["domain"], s["level"], s.get("note", "")) for s in r.scores
                ),
                created_at=r.created_at,
                modified_at=r.modified_at,
            )
            for r in rows
        ]
