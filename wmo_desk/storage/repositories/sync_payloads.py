"""How a synchronised row travels: the record types in dependency order, and a row as a payload.

The rules over payloads (same version, twins, ids on the wire) are in ``wmo_desk.sync.engine``.

Every column of the row except the sync bookkeeping; dates as ISO text, binary content as base64.
A payload read back gives the same row.
"""

from __future__ import annotations

import base64
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
from wmo_desk.sync.engine import (
    FORM_SNAPSHOT_KEY,
    LOCAL_ID_KEY,
    TIMES,
    TRAVEL_KEYS,
    WITHDRAWN_MARK,
    plain,
    same_version,
    wire_id,
    withdrawn_bsn,
)

# the sync rules live in wmo_desk.sync.engine; these names are read from here by storage
__all__ = [
    "FORM_SNAPSHOT_KEY",
    "LOCAL_ID_KEY",
    "RECORD_TYPES",
    "TIMES",
    "TRAVEL_KEYS",
    "WITHDRAWN_MARK",
    "fill_row",
    "is_withdrawn_twin",
    "payload_of",
    "payload_of_values",
    "plain",
    "row_values",
    "same_version",
    "wire_id",
    "withdrawn_bsn",
]

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


def payload_of_values(model: type, values: Any) -> dict[str, Any]:
    """:func:`payload_of` for a row read as plain values (a Core result row's mapping)."""
    return {
        c.key: _encode(c, values[c.key])
        for c in model.__table__.columns  # type: ignore[attr-defined]
        if c.key not in _BOOKKEEPING
    }


def fill_row(row: Any, payload: dict[str, Any]) -> None:
    for c in row.__table__.columns:
        if c.key not in _BOOKKEEPING and c.key in payload:
            setattr(row, c.key, _decode(c, payload[c.key]))


def row_values(model: type, payload: dict[str, Any]) -> dict[str, Any]:
    """The column values :func:`fill_row` would set from ``payload``, for a bulk statement."""
    return {
        c.key: _decode(c, payload[c.key])
        for c in model.__table__.columns  # type: ignore[attr-defined]
        if c.key not in _BOOKKEEPING and c.key in payload
    }


def is_withdrawn_twin(row: Any) -> bool:
    """Whether ``row`` is a client withdrawn as the twin of another."""
    return isinstance(row, ClientRow) and row.bsn.startswith(WITHDRAWN_MARK)
