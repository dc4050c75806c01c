"""The storage port of the sync engine: what applying a pull reads from and writes to the
desktop database, in batches, and the plan of writes the engine hands back.

The engine (:mod:`wmo_desk.sync.apply`) decides; a storage adapter
(``wmo_desk/storage/repositories/sync_pull.py``) implements :class:`PullStore` with SQL.
Everything here is in wire form: payloads as the server stores them (dates as ISO text).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Pulled:
    """A record as the server sent it (the newest version of it in this pull)."""

    record_type: str
    record_id: str
    revision: int
    deleted: bool
    municipality_code: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Held:
    """A record as this desktop holds it.

    Attributes:
        payload: the row as the server would store it, tombstone or not; read only for a row
            with local changes (``pending``), else None.
        bsn: a client's BSN (or the mark of a withdrawn twin); None for other record types.
    """

    record_id: str
    server_revision: int | None
    pending: bool
    deleted: bool
    bsn: str | None = None
    payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class CaseHolding:
    """A case as this desktop holds it, for a withdrawal: the case, the records belonging to it
    (record type and record), its client and the client's other live cases."""

    case: Held
    records: list[tuple[str, Held]]
    client: Held | None
    other_cases_of_client: frozenset[str]


@dataclass
class Write:
    """New values of one row: payload fields (wire form) and the sync bookkeeping; a field
    not named keeps its value. ``new``: the row is inserted."""

    record_id: str
    new: bool
    payload: dict[str, Any] = field(default_factory=dict)
    deleted: bool | None = None
    pending: bool | None = None
    server_revision: int | None = None


@dataclass(frozen=True)
class NewConflict:
    """A conflict record to add: two versions to choose from, or a refused change to read.

    ``case_from``: when ``case_id`` is not known to the engine, the record values the storage
    finds the case from (a provision's decision, say)."""

    kind: str
    reason: str
    record_type: str
    record_id: str
    local: dict[str, Any]
    local_deleted: bool
    server: dict[str, Any] | None
    server_deleted: bool
    server_revision: int | None
    case_id: str | None = None
    case_from: dict[str, Any] | None = None


@dataclass(frozen=True)
class ServerVersion:
    """A newer server version for the open conflict of record ``record_id``."""

    record_id: str
    payload: dict[str, Any]
    deleted: bool
    revision: int


@dataclass
class Plan:
    """What applying pulled records does to the desktop database, for storage to carry out.

    Attributes:
        writes: per record type, the rows to write, by id (at most one write per row).
        moved_cases: (withdrawn twin, client kept): every case of the first moves to the second
            and is pending.
        dropped_changes: record ids whose prepared changes leave the outbox.
        conflicts: conflict records to add.
        server_versions: open conflicts that get a newer server version.
        users: consultants to add where unknown, with the municipality of their first case.
        form_snapshots: form versions to add where unknown, (form id, version) -> snapshot.
        applied: how many pulled records were applied.
    """

    writes: dict[str, dict[str, Write]] = field(default_factory=dict)
    moved_cases: list[tuple[str, str]] = field(default_factory=list)
    dropped_changes: list[str] = field(default_factory=list)
    conflicts: list[NewConflict] = field(default_factory=list)
    server_versions: list[ServerVersion] = field(default_factory=list)
    users: dict[str, str] = field(default_factory=dict)
    form_snapshots: dict[tuple[Any, Any], dict[str, Any]] = field(default_factory=dict)
    applied: int = 0

    def write(self, record_type: str, record_id: str, *, new: bool = False, **values: Any) -> Write:
        """Add values to the write of a row (a later value of a field wins)."""
        rows = self.writes.setdefault(record_type, {})
        write = rows.get(record_id)
        if write is None:
            write = rows[record_id] = Write(record_id, new)
        payload = values.pop("payload", None)
        if payload:
            write.payload.update(payload)
        for key, value in values.items():
            setattr(write, key, value)
        return write


class PullStore(Protocol):
    """What the engine reads and writes, set-based: one call per batch, never per record."""

    def held(self, record_type: str, ids: Iterable[str]) -> dict[str, Held]:
        """The rows of ``record_type`` with these ids that this desktop holds, by id."""
        ...

    def clients_by_bsn(self, bsns: Iterable[str]) -> dict[str, str]:
        """The id of the client holding each of these BSNs (those held), by BSN."""
        ...

    def withdrawn_twins(self) -> dict[str, str]:
        """Every client withdrawn as a twin: its id -> the BSN mark it carries."""
        ...

    def open_conflicts(self, ids: Iterable[str]) -> set[str]:
        """Of these record ids, those with an open conflict (two versions to choose from)."""
        ...

    def cases(self, case_ids: Iterable[str]) -> dict[str, CaseHolding]:
        """These cases (those held) with everything belonging to them, by id."""
        ...

    def carry_out(self, plan: Plan) -> None:
        """Write ``plan``, in one transaction with the rest of the pull."""
        ...
