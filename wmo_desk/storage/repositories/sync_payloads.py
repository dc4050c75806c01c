"""How a synchronised row travels: the record types in dependency order, and a row as a record.

The wire is the protocol's (:mod:`wmo_desk.sync.records`), not the table: each record type maps
its record fields to columns here (:data:`RENAMED` where the names differ; :data:`LOCAL_ONLY`
for columns that stay on this desktop). A desktop migration that renames or adds a column
changes this mapping, never the wire; a column neither mapped nor local is an error at the first
sync (and in the tests). Dates travel as ISO text, binary content as base64; a payload read back
gives the same row.

The rules over payloads (same version, twins, ids on the wire) are in ``wmo_desk.sync.engine``.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
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
    EvaluationRow,
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
    "LOCAL_ONLY",
    "RECORD_TYPES",
    "RENAMED",
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
    "wire_fields",
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
    "evaluation": EvaluationRow,
}
_BOOKKEEPING = frozenset({"id", "pending", "deleted", "server_revision"})

#: Per record type, the column of a record field whose column is named differently.
RENAMED: dict[str, dict[str, str]] = {record_type: {} for record_type in RECORD_TYPES}
#: Per record type, the columns that never travel (beyond the sync bookkeeping).
LOCAL_ONLY: dict[str, frozenset[str]] = {record_type: frozenset() for record_type in RECORD_TYPES}
# the client's sort name copied onto its cases for the caseload's index (migration 0011)
LOCAL_ONLY["case"] = frozenset({"sort_name"})
# an evaluation's answers and its anonymous report stay on the desktop that recorded the call
LOCAL_ONLY["evaluation"] = frozenset(
    {
        "form_id",
        "form_version",
        "answers",
        "report_id",
        "report_product_codes",
        "report_provider_ids",
        "sent_at",
        "refused",
    }
)

_BINARY, _MOMENT, _DATE = "binary", "moment", "date"


@dataclass(frozen=True, slots=True)
class _Field:
    wire: str
    column: str
    kind: str | None


class MappingError(LookupError):
    """A record type's fields and its table's columns do not match (a programming error)."""


def _kind(column: Any) -> str | None:
    if isinstance(column.type, LargeBinary):
        return _BINARY
    if isinstance(column.type, UtcDateTime):
        return _MOMENT
    if isinstance(column.type, Date):
        return _DATE
    return None


@functools.cache
def _fields(model: type) -> tuple[_Field, ...]:
    """The record fields of ``model``'s record type with their columns, checked both ways."""
    # The protocol is loaded at the first sync, not at start-up.
    from wmo_desk.sync.records import RECORDS

    record_type = next(t for t, m in RECORD_TYPES.items() if m is model)
    renamed = RENAMED[record_type]
    columns = {c.key: c for c in model.__table__.columns}  # type: ignore[attr-defined]
    # The travel keys (local id, form snapshot) are not columns: the outbox adds them.
    wire = [
        name
        for name, info in RECORDS[record_type].model_fields.items()
        if not (info.alias or "").startswith("_")
    ]
    fields = []
    for name in wire:
        column = renamed.get(name, name)
        if column not in columns:
            raise MappingError(f"{record_type}.{name}: no column {column!r}")
        fields.append(_Field(name, column, _kind(columns[column])))
    unmapped = set(columns) - {f.column for f in fields} - _BOOKKEEPING - LOCAL_ONLY[record_type]
    if unmapped:
        raise MappingError(f"{record_type}: columns neither on the wire nor local: {unmapped}")
    return tuple(fields)


def wire_fields(record_type: str) -> tuple[str, ...]:
    """The record fields of ``record_type`` that come from its row's columns."""
    return tuple(f.wire for f in _fields(RECORD_TYPES[record_type]))


def _encode(kind: str | None, value: Any) -> Any:
    if value is None:
        return None
    if kind == _BINARY:
        return base64.b64encode(value).decode("ascii")
    if kind is not None:
        return value.isoformat()
    return value


def _decode(kind: str | None, value: Any) -> Any:
    if value is None or kind is None:
        return value
    if kind == _BINARY:
        return base64.b64decode(value)
    if kind == _MOMENT:
        return datetime.fromisoformat(value)
    return date.fromisoformat(value)


def payload_of(row: Any) -> dict[str, Any]:
    """The row as its record travels."""
    return {f.wire: _encode(f.kind, getattr(row, f.column)) for f in _fields(type(row))}


def payload_of_values(model: type, values: Any) -> dict[str, Any]:
    """:func:`payload_of` for a row read as plain values (a Core result row's mapping)."""
    return {f.wire: _encode(f.kind, values[f.column]) for f in _fields(model)}


def fill_row(row: Any, payload: dict[str, Any]) -> None:
    for f in _fields(type(row)):
        if f.wire in payload:
            setattr(row, f.column, _decode(f.kind, payload[f.wire]))


def row_values(model: type, payload: dict[str, Any]) -> dict[str, Any]:
    """The column values :func:`fill_row` would set from ``payload``, for a bulk statement."""
    return {f.column: _decode(f.kind, payload[f.wire]) for f in _fields(model) if f.wire in payload}


def is_withdrawn_twin(row: Any) -> bool:
    """Whether ``row`` is a client withdrawn as the twin of another."""
    return isinstance(row, ClientRow) and row.bsn.startswith(WITHDRAWN_MARK)
