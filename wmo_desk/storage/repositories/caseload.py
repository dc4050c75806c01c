"""The caseload query: light rows for the Mijn dossiers table, filtered and sorted in SQL."""

from __future__ import annotations

import re

from sqlalchemy import Select, and_, case, or_, select
from sqlalchemy.orm import Session

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary, SortKey
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.storage.tables import CaseRow, ClientRow, UserRow

_POSTCODE_QUERY = re.compile(r"^([1-9][0-9]{3})\s?([a-zA-Z]{0,2})$")

#: The process order, so sorting on stage follows the process and not the alphabet.
_STAGE_ORDER = case({stage.value: i for i, stage in enumerate(Stage)}, value=CaseRow.stage)

_SORT_COLUMNS = {
    SortKey.NAME: (ClientRow.sort_name,),
    SortKey.BSN: (ClientRow.bsn,),
    SortKey.STAGE: (_STAGE_ORDER,),
    SortKey.DEADLINE: (CaseRow.next_deadline.is_(None), CaseRow.next_deadline),
    SortKey.CONSULTANT: (UserRow.name,),
    SortKey.MELDING: (CaseRow.melding_date,),
}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_condition(text: str):
    """Search by name words, by (part of) a BSN, or by postcode."""
    text = text.strip()
    if not text:
        return None
    compact = text.replace(" ", "")
    options = []
    if compact.isdigit():
        options.append(ClientRow.bsn.like(f"%{compact}%"))
    match = _POSTCODE_QUERY.match(text)
    if match:
        options.append(ClientRow.postcode.like(f"{match.group(1)}{match.group(2).upper()}%"))
    words = [w for w in text.lower().split() if w]
    if not compact.isdigit():
        options.append(
            and_(*(ClientRow.search_text.like(f"%{_like_escape(w)}%", escape="\\") for w in words))
        )
    return or_(*options)


def caseload_query(flt: CaseloadFilter) -> Select:
    """The ordered case ids behind the caseload (exposed for benchmarks and EXPLAIN)."""
    query = (
        select(CaseRow.id)
        .join(ClientRow, ClientRow.id == CaseRow.client_id)
        .join(UserRow, UserRow.id == CaseRow.consultant_id)
        .where(CaseRow.deleted.is_(False), CaseRow.municipality_code == flt.municipality_code)
    )
    if flt.consultant_id:
        query = query.where(CaseRow.consultant_id == flt.consultant_id)
    if flt.stage is not None:
        query = query.where(CaseRow.stage == flt.stage.value)
    elif not flt.include_closed:
        query = query.where(CaseRow.stage != Stage.AFGESLOTEN.value)
    condition = _text_condition(flt.text)
    if condition is not None:
        query = query.where(condition)
    columns = _SORT_COLUMNS[flt.sort]
    order = [
        c.desc() if flt.descending and i == len(columns) - 1 else c for i, c in enumerate(columns)
    ]
    return query.order_by(*order, ClientRow.sort_name, CaseRow.id)


_ROW_COLUMNS = (
    CaseRow.id,
    ClientRow.sort_name,
    ClientRow.bsn,
    ClientRow.postcode,
    CaseRow.stage,
    CaseRow.on_hold,
    CaseRow.next_deadline,
    CaseRow.next_deadline_kind,
    UserRow.name,
    CaseRow.melding_date,
)


class CaseloadRepository:
    """Reads the caseload as ordered ids, and row details only for the ids asked for.

    Sorting and filtering 50,000 cases is one index-backed query returning ids; the table
    then asks for the details of the few rows on screen, a page at a time.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def case_ids(self, flt: CaseloadFilter) -> list[str]:
        return list(self._session.scalars(caseload_query(flt)))

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        """Caseload rows of ``case_ids`` (any order), keyed by case id."""
        rows = self._session.execute(
            select(*_ROW_COLUMNS)
            .join(ClientRow, ClientRow.id == CaseRow.client_id)
            .join(UserRow, UserRow.id == CaseRow.consultant_id)
            .where(CaseRow.id.in_(case_ids))
        ).all()
        return {
            r[0]: CaseSummary(
                case_id=r[0],
                client_name=r[1],
                bsn=r[2],
                postcode=r[3],
                stage=Stage(r[4]),
                on_hold=bool(r[5]),
                deadline=r[6],
                deadline_kind=DeadlineKind(r[7]) if r[7] else None,
                consultant_name=r[8],
                melding_date=r[9],
            )
            for r in rows
        }

    def summaries(self, flt: CaseloadFilter) -> list[CaseSummary]:
        """Every row of the caseload in order (for small lists and tests)."""
        ids = self.case_ids(flt)
        found = self.summaries_for(ids)
        return [found[i] for i in ids]
