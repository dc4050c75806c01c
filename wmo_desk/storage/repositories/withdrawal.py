"""A case taken from this desktop's user (reassigned by a team lead): the rows of the case.

The server sends the former consultant a withdrawal instead of the case; what it does is the
sync engine's decision (:func:`wmo_desk.sync.apply.plan_withdrawals`). Here the case, everything
that belongs to it, its client and the client's other live cases are read for it, a few queries
for all cases withdrawn in one pull.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.storage.repositories.sync_payloads import RECORD_TYPES
from wmo_desk.storage.tables import (
    AllocationRow,
    CaseEventRow,
    CaseResultRow,
    CaseRow,
    ClientRow,
    ConversationRow,
    DecisionDocumentRow,
    DecisionRow,
    EvaluationRow,
    ProviderChoiceRow,
    ProvisionRow,
    ZrmAssessmentRow,
)
from wmo_desk.sync.port import CaseHolding, Held

_TYPE_OF = {model: name for name, model in RECORD_TYPES.items()}
_BY_CASE = (
    CaseEventRow,
    ConversationRow,
    CaseResultRow,
    ZrmAssessmentRow,
    ProviderChoiceRow,
    EvaluationRow,
)


def _rows(session: Session, model: type, column: Any, keys: Iterable[str]) -> list[Any]:
    keys = sorted(set(keys))
    if not keys:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    return list(session.execute(select(table).where(table.c[column].in_(keys))))


def case_holdings(
    session: Session, case_ids: Iterable[str], held_of: Callable[[type, Any], Held]
) -> dict[str, CaseHolding]:
    """These cases (those held) with the records belonging to them, their clients and the
    clients' other live cases, by case id; ``held_of`` reads a row as the engine sees it."""
    cases = {row.id: row for row in _rows(session, CaseRow, "id", case_ids)}
    if not cases:
        return {}
    # each row of a case as (case id, record type, row)
    belonging: list[tuple[str, type, Any]] = [
        (row.case_id, model, row)
        for model in (*_BY_CASE, DecisionRow)
        for row in _rows(session, model, "case_id", cases)
    ]
    case_of_decision = {row.id: row.case_id for _, model, row in belonging if model is DecisionRow}
    provisions = _rows(session, ProvisionRow, "decision_id", case_of_decision)
    belonging += [(case_of_decision[row.decision_id], ProvisionRow, row) for row in provisions]
    belonging += [
        (case_of_decision[row.decision_id], DecisionDocumentRow, row)
        for row in _rows(session, DecisionDocumentRow, "decision_id", case_of_decision)
    ]
    case_of_provision = {row.id: case_of_decision[row.decision_id] for row in provisions}
    belonging += [
        (case_of_provision[row.provision_id], AllocationRow, row)
        for row in _rows(session, AllocationRow, "provision_id", case_of_provision)
    ]
    records: dict[str, list[tuple[str, Held]]] = defaultdict(list)
    for case_id, model, row in belonging:
        records[case_id].append((_TYPE_OF[model], held_of(model, row)))
    client_ids = {case.client_id for case in cases.values()}
    clients = {row.id: row for row in _rows(session, ClientRow, "id", client_ids)}
    live: dict[str, set[str]] = defaultdict(set)
    for case_id, client_id in session.execute(
        select(CaseRow.id, CaseRow.client_id).where(
            CaseRow.client_id.in_(sorted(client_ids)), CaseRow.deleted.is_(False)
        )
    ):
        live[client_id].add(case_id)
    return {
        case_id: CaseHolding(
            held_of(CaseRow, case),
            records[case_id],
            held_of(ClientRow, clients[case.client_id]) if case.client_id in clients else None,
            frozenset(live[case.client_id] - {case_id}),
        )
        for case_id, case in cases.items()
    }
