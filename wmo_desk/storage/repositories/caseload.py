"""The caseload query: light rows for the Mijn dossiers table, filtered and sorted in SQL."""

from __future__ import annotations

import re

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary, SortKey
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.storage.tables import CaseRow, ClientRow, UserRow

_POSTCODE_QUERY = re.compile(r"^([1-9][0-9]{3})\s?([a-zA-Z]{0,2})$")

_SORT_COLUMNS = {
    SortKey.NAME: (ClientRow.sort_name,),
    SortKey.BSN: (ClientRow.bsn,),
    SortKey.STAGE: (CaseRow.stage,),
    SortKey.DEADLINE: (CaseRow.next_deadline.is_(None), CaseRow.next_deadline),
    SortKey.CONSULTANT: (UserRow.name,),
    SortKey.MELDING: (CaseRow.melding_date,),
}

#: The process order, so sorting on stage follows the process and not the alphabet.
_STAGE_ORDER = {stage.value: i for i, stage in enumerate(Stage)}


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
    """The SELECT behind the caseload, exposed for benchmarks and EXPLAIN."""
    query = (
        select(
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


class CaseloadRepository:
    """Reads the caseload in one query; never loads whole case objects."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def summaries(self, flt: CaseloadFilter) -> list[CaseSummary]:
        rows = self._session.execute(caseload_query(flt)).all()
        result = [
            CaseSummary(
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
        ]
        if flt.sort is SortKey.STAGE:
            result.sort(key=lambda s: _STAGE_ORDER[s.stage.value], reverse=flt.descending)
        return result
