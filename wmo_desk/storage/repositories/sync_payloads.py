"""How a synchronised row travels: the record types in dependency order, and a row as a payload.

Every column of the row except the sync bookkeeping; dates as ISO text, binary content as base64.
A payload read back gives the same row.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, LargeBinary

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
    ZrmAssessmentRow,
)
from wmo_desk.storage.types import UtcDateTime

# In dependency order: a record is pushed and applied after the records it refers to.
RECORD_TYPES: dict[str, type] = {
    "client": ClientRow,
    "case": CaseRow,
    "case_event": CaseEventRow,
    "conversation": ConversationRow,
    "case_result": CaseResultRow,
    "zrm_assessment": ZrmAssessmentRow,
    "provider_choice": ProviderChoiceRow,
    "decision": DecisionRow,
    "provision": ProvisionRow,
    "allocation": AllocationRow,
    "decision_document": DecisionDocumentRow,
}
_BOOKKEEPING = {"id", "pending", "deleted", "server_revision"}
FORM_SNAPSHOT_KEY = "_form_snapshot"
# The server knows records by UUID. A local id that is none (a decision document is
# "<decision id>-<kind>") travels as a UUID made from it, the local id itself in the payload.
LOCAL_ID_KEY = "_local_id"
_LOCAL_ID_NAMESPACE = uuid.UUID("0b6f0f52-8a49-4c1e-9a3e-5f0c2d1e7a31")
TRAVEL_KEYS = (FORM_SNAPSHOT_KEY, LOCAL_ID_KEY)
TIMES = ("created_at", "modified_at")
# A client withdrawn as the twin of another (the same resident registered on two desktops)
# keeps its row, deleted, with "=<id of the client kept>/<own id>" in place of its BSN
# (unique, as BSNs are): records still referring to it are pointed at the client kept.
WITHDRAWN_MARK = "="


def withdrawn_bsn(kept_id: str, own_id: str) -> str:
    return f"{WITHDRAWN_MARK}{kept_id}/{own_id}"


def wire_id(record_id: str) -> str:
    """The id the server knows the record ``record_id`` by."""
    try:
        if str(uuid.UUID(record_id)) == record_id:
            return record_id
    except ValueError:
        pass
    return str(uuid.uuid5(_LOCAL_ID_NAMESPACE, record_id))


def plain(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without what only travels with it (form snapshot, local id)."""
    return {k: v for k, v in payload.items() if k not in TRAVEL_KEYS}


def _encode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(column.type, UtcDateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def payload_of(row: Any) -> dict[str, Any]:
    """The row as the server stores it."""
    return {
        c.key: _encode(c, getattr(row, c.key))
        for c in row.__table__.columns
        if c.key not in _BOOKKEEPING
    }


def fill_row(row: Any, payload: dict[str, Any]) -> None:
    for c in row.__table__.columns:
        if c.key not in _BOOKKEEPING and c.key in payload:
            setattr(row, c.key, _decode(c, payload[c.key]))


def is_withdrawn_twin(row: Any) -> bool:
    """Whether ``row`` is a client withdrawn as the twin of another."""
    return isinstance(row, ClientRow) and row.bsn.startswith(WITHDRAWN_MARK)


def same_version(
    local: dict[str, Any], local_deleted: bool, server: dict[str, Any] | None, server_deleted: bool
) -> bool:
    """Whether two versions of a record say the same: only their bookkeeping times may differ
    (a decision's provisions are written anew, with new times, when it is saved)."""
    if server is None or bool(local_deleted) != bool(server_deleted):
        return False
    if local_deleted:
        return True
    server = plain(server)
    return all(local.get(k) == server.get(k) for k in set(local) | set(server) if k not in TIMES)
