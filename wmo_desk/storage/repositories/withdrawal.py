"""A case taken from this desktop's user (reassigned by a team lead): its copy is withdrawn.

The server sends the former consultant a withdrawal instead of the case. The case, everything
that belongs to it and its client (unless another case of theirs still needs the client) become
tombstones here, not sent back. Local edits made to the case in the meantime are kept as a refused
change the user can read. When the case comes back later, the server sends it again with newer
revisions and it reappears.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.sync_payloads import RECORD_TYPES, payload_of
from wmo_desk.storage.tables import (
    AllocationRow,
    CaseEventRow,
    CaseResultRow,
    CaseRow,
    ClientRow,
    ConversationRow,
    DecisionDocumentRow,
    DecisionRow,
    ProviderChoiceRow,
    ProvisionRow,
    SyncConflictRow,
    SyncOutboxRow,
    ZrmAssessmentRow,
)

_TYPE_OF = {model: name for name, model in RECORD_TYPES.items()}
_BY_CASE = (CaseEventRow, ConversationRow, CaseResultRow, ZrmAssessmentRow, ProviderChoiceRow)


def _rows_of_case(session: Session, case_id: str) -> list[Any]:
    rows: list[Any] = []
    for model in _BY_CASE:
        rows += session.scalars(select(model).where(model.case_id == case_id))
    decisions = list(session.scalars(select(DecisionRow).where(DecisionRow.case_id == case_id)))
    rows += decisions
    decision_ids = [d.id for d in decisions]
    if decision_ids:
        provisions = list(
            session.scalars(select(ProvisionRow).where(ProvisionRow.decision_id.in_(decision_ids)))
        )
        rows += provisions
        rows += session.scalars(
            select(DecisionDocumentRow).where(DecisionDocumentRow.decision_id.in_(decision_ids))
        )
        provision_ids = [p.id for p in provisions]
        if provision_ids:
            rows += session.scalars(
                select(AllocationRow).where(AllocationRow.provision_id.in_(provision_ids))
            )
    return rows


def apply_withdrawal(session: Session, payload: dict[str, Any], revision: int) -> bool:
    """Withdraw the case named in ``payload`` if it is addressed to this desktop's user and the
    case was not given back since (its server revision would then be newer). Returns whether
    anything was withdrawn."""
    if payload.get("user_id") != SettingsRepository(session).get("user_id"):
        return False  # a team lead pulls every withdrawal of the municipality
    case = session.get(CaseRow, str(payload.get("case_id")))
    if case is None or case.deleted or (case.server_revision or 0) > revision:
        return False
    rows = [case, *_rows_of_case(session, case.id)]
    client = session.get(ClientRow, case.client_id)
    others = session.scalar(
        select(CaseRow.id).where(
            CaseRow.client_id == case.client_id, CaseRow.id != case.id, CaseRow.deleted.is_(False)
        )
    )
    if client is not None and others is None:
        rows.append(client)
    now = utcnow()
    for row in rows:
        if row.pending:
            # work done here after the case was taken away: kept for the user to read
            session.add(
                SyncConflictRow(
                    id=str(uuid.uuid4()),
                    kind="refused",
                    reason="not_yours",
                    record_type=_TYPE_OF[type(row)],
                    record_id=row.id,
                    case_id=case.id,
                    local_payload={} if row.deleted else payload_of(row),
                    local_deleted=row.deleted,
                    server_payload=None,
                    server_deleted=False,
                    server_revision=None,
                    detected_at=now,
                    resolution="",
                )
            )
        row.deleted = True
        row.pending = False
    session.execute(delete(SyncOutboxRow).where(SyncOutboxRow.record_id.in_([r.id for r in rows])))
    session.flush()
    return True
