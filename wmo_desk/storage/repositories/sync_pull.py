"""Sync state in the desktop database, the pull side: staging pulled pages in the inbox, and
the SQL behind the sync engine's :class:`~wmo_desk.sync.port.PullStore`.

What a pulled record does is decided in :mod:`wmo_desk.sync.apply`; here the inbox is read (the
newest version of each record, parents first), the rows a batch touches are read with one query
per record type, and the engine's plan is written with one INSERT and one UPDATE per record type
and set of columns.

A mixin of :class:`~wmo_desk.storage.repositories.sync.SyncRepository`, which adds the push side
and the conflict records these methods use (``_add_conflict``, ``case_of``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from wmo_desk.domain.identifiers import utcnow
from wmo_desk.storage.repositories.evaluations import EvaluationRepository
from wmo_desk.storage.repositories.settings import SettingsRepository
from wmo_desk.storage.repositories.sync_payloads import (
    LOCAL_ID_KEY,
    RECORD_TYPES,
    WITHDRAWN_MARK,
    payload_of_values,
    row_values,
)
from wmo_desk.storage.repositories.withdrawal import case_holdings
from wmo_desk.storage.tables import (
    CaseRow,
    ClientRow,
    FormSnapshotRow,
    SyncConflictRow,
    SyncInboxRow,
    SyncOutboxRow,
    UserRow,
)
from wmo_desk.sync.apply import (
    apply_records,
    apply_withdrawals,
    kept_of_marks,
    server_record_intact,
)
from wmo_desk.sync.port import CaseHolding, Held, Plan, Pulled

_ORDER = {name: i for i, name in enumerate(["user", "catalogue", *RECORD_TYPES])}
# ids per IN (...) query: well below SQLite's limit of bound parameters
_CHUNK = 500
_FLAGS = ("deleted", "pending", "server_revision")


def chunks(items: list[Any]) -> Iterator[list[Any]]:
    """``items`` in slices small enough for one ``IN (...)``."""
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def expire_loaded(session: Session, model: type, ids: Iterable[str]) -> None:
    """After a bulk statement: a row of ``model`` loaded earlier in this session reads the
    written values when it is used again."""
    for record_id in ids:
        loaded = session.identity_map.get(session.identity_key(model, record_id))
        if loaded is not None:
            session.expire(loaded)


def held_of(model: type, row: Any) -> Held:
    """A row read as plain values, as the engine sees it."""
    return Held(
        row.id,
        row.server_revision,
        row.pending,
        row.deleted,
        row.bsn if model is ClientRow else None,
        payload_of_values(model, row._mapping) if row.pending else None,
    )


def _executemany(session: Session, statement: Any, rows: list[dict[str, Any]]) -> None:
    """One statement per set of columns (a plain batch has one)."""
    by_keys: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for values in rows:
        by_keys.setdefault(tuple(values), []).append(values)
    for batch in by_keys.values():
        session.execute(statement, batch)


class PullSide:
    """What a pull does to the desktop database; needs the rest of ``SyncRepository``."""

    _session: Session

    def stage(self, records: list[dict[str, Any]], next_cursor: int) -> None:
        """Keep a pulled page and move the cursor past it, in the same transaction."""
        if records:
            self._session.execute(
                insert(SyncInboxRow),
                [
                    {
                        "record_type": record["record_type"],
                        "record_id": str(
                            record["payload"].get(LOCAL_ID_KEY) or record["record_id"]
                        ),
                        "revision": record["revision"],
                        "deleted": record["deleted"],
                        "municipality_code": record["municipality_code"],
                        "payload": record["payload"],
                    }
                    for record in records
                ],
            )
        self.set_cursor(next_cursor)
        self._session.flush()

    def staged_catalogues(self) -> list[dict[str, Any]]:
        rows = self._session.scalars(
            select(SyncInboxRow)
            .where(SyncInboxRow.record_type == "catalogue", SyncInboxRow.deleted.is_(False))
            .order_by(SyncInboxRow.seq)
        )
        return [r.payload for r in rows]

    def staged_count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(SyncInboxRow)) or 0

    def apply_staged(self) -> int:
        """Apply every staged record (users first, then in dependency order, withdrawals last);
        empty the inbox. What each record does is the sync engine's decision."""
        self._session.execute(text("PRAGMA defer_foreign_keys = ON"))
        self._session.flush()
        # plain rows (with the inbox's attribute names), not ORM objects: read once, never written
        staged = self._session.execute(select(SyncInboxRow.__table__).order_by(SyncInboxRow.seq))
        # the newest version of each record only, applied parents first
        newest: dict[tuple[str, str], Any] = {}
        for row in staged:
            key = (row.record_type, row.record_id)
            if key not in newest or newest[key].revision < row.revision:
                newest[key] = row
        ordered = sorted(newest.values(), key=lambda r: (_ORDER.get(r.record_type, 99), r.revision))
        applied = 0
        withdrawals: list[Pulled] = []
        for record_type, run in itertools.groupby(ordered, key=lambda r: r.record_type):
            pulled = [
                Pulled(r.record_type, r.record_id, r.revision, r.deleted, r.municipality_code,
                       r.payload)
                for r in run
                if server_record_intact(r.record_type, r.payload, r.deleted)
            ]  # fmt: skip
            if record_type in RECORD_TYPES:
                self._session.flush()
                if record_type == "evaluation":
                    EvaluationRepository(self._session).give_way_to(pulled)
                applied += apply_records(self, record_type, pulled, utcnow())
            elif record_type == "user":
                for record in pulled:
                    self._apply_user(record)
            elif record_type == "withdrawal":
                withdrawals += pulled
        if withdrawals:
            # last: a case given back in the same pull has a newer revision and stays
            self._session.flush()
            me = SettingsRepository(self._session).get("user_id")
            applied += apply_withdrawals(self, withdrawals, me)
            # a call handed away from this user, of a case not held here: the call goes
            calls: dict[str, int] = {}
            for w in withdrawals:
                if w.payload.get("user_id") == me and w.payload.get("case_id"):
                    case_id = str(w.payload["case_id"])
                    calls[case_id] = max(calls.get(case_id, 0), w.revision)
            applied += EvaluationRepository(self._session).withdraw_calls(calls)
        self._session.execute(delete(SyncInboxRow))
        self._session.flush()
        return applied

    # --- the engine's port (wmo_desk.sync.port.PullStore) ----------------------------------

    def held(self, record_type: str, ids: Iterable[str]) -> dict[str, Held]:
        model = RECORD_TYPES[record_type]
        return {
            record_id: held_of(model, row)
            for record_id, row in self._rows_by_id(model, ids).items()
        }

    def clients_by_bsn(self, bsns: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in chunks(sorted({b for b in bsns if b is not None})):
            for client_id, bsn in self._session.execute(
                select(ClientRow.id, ClientRow.bsn).where(ClientRow.bsn.in_(chunk))
            ):
                found[bsn] = client_id
        return found

    def withdrawn_twins(self) -> dict[str, str]:
        rows = self._session.execute(
            select(ClientRow.id, ClientRow.bsn).where(
                ClientRow.bsn.startswith(WITHDRAWN_MARK, autoescape=True)
            )
        )
        return {client_id: bsn for client_id, bsn in rows}

    def open_conflicts(self, ids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(sorted(set(ids))):
            found.update(
                self._session.scalars(
                    select(SyncConflictRow.record_id).where(
                        SyncConflictRow.record_id.in_(chunk),
                        SyncConflictRow.kind == "conflict",
                        SyncConflictRow.resolved_at.is_(None),
                    )
                )
            )
        return found

    def cases(self, case_ids: Iterable[str]) -> dict[str, CaseHolding]:
        return case_holdings(self._session, case_ids, held_of)

    def carry_out(self, plan: Plan) -> None:
        session = self._session
        now = utcnow()
        # the consultants and form versions the rows refer to, first
        if plan.users:
            known = set(self._rows_by_id(UserRow, plan.users))
            new_users = [
                {"id": user_id, "name": "Onbekende medewerker", "role": "consulent",
                 "municipality_code": code, "created_at": now, "modified_at": now,
                 "pending": False}
                for user_id, code in plan.users.items()
                if user_id not in known
            ]  # fmt: skip
            if new_users:
                session.execute(insert(UserRow), new_users)
        new_snapshots = [
            {"form_id": key[0], "version": key[1], "definition": snapshot["definition"],
             "sha256": snapshot["sha256"]}
            for key, snapshot in plan.form_snapshots.items()
            if session.get(FormSnapshotRow, key) is None
        ]  # fmt: skip
        if new_snapshots:
            session.execute(insert(FormSnapshotRow), new_snapshots)
        for record_type, writes in plan.writes.items():
            model = RECORD_TYPES[record_type]
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for write in writes.values():
                values = {"id": write.record_id}
                if write.payload:
                    values.update(row_values(model, write.payload))
                for flag in _FLAGS:
                    value = getattr(write, flag)
                    if value is not None:
                        values[flag] = value
                (inserts if write.new else updates).append(values)
            # updates first: a twin that gives way frees its BSN (unique) for the one kept
            _executemany(session, update(model), updates)
            _executemany(session, insert(model), inserts)
            expire_loaded(session, model, writes)
        for twin_id, kept_id in plan.moved_cases:
            session.execute(
                update(CaseRow)
                .where(CaseRow.client_id == twin_id)
                .values(client_id=kept_id, pending=True, modified_at=now)
            )
        for chunk in chunks(sorted(set(plan.dropped_changes))):
            session.execute(delete(SyncOutboxRow).where(SyncOutboxRow.record_id.in_(chunk)))
        for version in plan.server_versions:
            session.execute(
                update(SyncConflictRow)
                .where(
                    SyncConflictRow.record_id == version.record_id,
                    SyncConflictRow.kind == "conflict",
                    SyncConflictRow.resolved_at.is_(None),
                )
                .values(server_payload=version.payload, server_deleted=version.deleted,
                        server_revision=version.revision)
            )  # fmt: skip
        for c in plan.conflicts:
            case_id = c.case_id if c.case_from is None else self.case_of(c.record_type, c.case_from)
            self._add_conflict(
                c.kind, c.reason, c.record_type, c.record_id, case_id, c.local, c.local_deleted,
                c.server, c.server_deleted, c.server_revision,
            )  # fmt: skip
        session.flush()

    # --- helpers ---------------------------------------------------------------------------

    def _rows_by_id(self, model: type, ids: Iterable[str]) -> dict[str, Any]:
        """The rows of ``model`` with these ids, as plain values (one query per chunk)."""
        table = model.__table__  # type: ignore[attr-defined]
        found: dict[str, Any] = {}
        for chunk in chunks(sorted(set(ids))):
            for row in self._session.execute(select(table).where(table.c.id.in_(chunk))):
                found[row.id] = row
        return found

    def _kept_of(self) -> dict[str, str | None]:
        """Withdrawn twin client -> the client kept in its place."""
        return kept_of_marks(self.withdrawn_twins())

    def _apply_user(self, record: Pulled) -> None:
        row = self._session.get(UserRow, record.record_id)
        payload = record.payload
        if row is None:
            twin = self._session.scalar(
                select(UserRow).where(
                    UserRow.server_revision.is_(None),
                    UserRow.name == payload.get("name"),
                    UserRow.role == payload.get("role"),
                )
            )
            if twin is not None:
                self.rekey_user(twin.id, record.record_id)
                row = self._session.get(UserRow, record.record_id)
        if row is None:
            now = utcnow()
            row = UserRow(id=record.record_id, created_at=now)
            self._session.add(row)
        row.name = payload.get("name", row.name or "")
        row.role = payload.get("role", row.role or "consulent")
        row.municipality_code = record.municipality_code
        row.modified_at = utcnow()
        row.deleted = record.deleted
        row.pending = False
        row.server_revision = record.revision
