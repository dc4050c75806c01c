"""Agreed results of a case: rows <-> :class:`wmo_desk.domain.results.CaseResult`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.identifiers import utcnow
from wmo_desk.domain.results import CaseResult
from wmo_desk.storage.tables import CaseResultRow

_FIELDS = (
    "case_id",
    "care_form",
    "product_code",
    "result_area",
    "level",
    "description",
    "term_end",
    "household_member",
    "volume",
    "unit",
    "frequency",
)


class ResultRepository:
    """Results; removing one leaves a tombstone for sync."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, result: CaseResult) -> None:
        row = self._session.get(CaseResultRow, result.id)
        if row is None:
            row = CaseResultRow(id=result.id, created_at=result.created_at, deleted=False)
            self._session.add(row)
        for name in _FIELDS:
            setattr(row, name, getattr(result, name))
        row.modified_at = result.modified_at
        row.pending = True

    def remove(self, result_id: str) -> None:
        row = self._session.get(CaseResultRow, result_id)
        if row is not None:
            row.deleted = True
            row.pending = True
            row.modified_at = utcnow()

    def for_case(self, case_id: str) -> list[CaseResult]:
        rows = self._session.scalars(
            select(CaseResultRow)
            .where(CaseResultRow.case_id == case_id, CaseResultRow.deleted.is_(False))
            .order_by(CaseResultRow.created_at)
        )
        return [
            CaseResult(
                id=r.id,
                created_at=r.created_at,
                modified_at=r.modified_at,
                **{n: getattr(r, n) for n in _FIELDS},
            )
            for r in rows
        ]
