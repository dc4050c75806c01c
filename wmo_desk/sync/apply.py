"""Applying a pull, as decisions over protocol records: per pulled record, take the server's
version, keep a local edit beside it as a conflict, let a twin client give way, or withdraw a
reassigned case; returned as a :class:`~wmo_desk.sync.port.Plan` that storage carries out.

:func:`plan_records` and :func:`plan_withdrawals` are pure (the desktop's rows come in as
:class:`~wmo_desk.sync.port.Held` values); :func:`apply_records` and :func:`apply_withdrawals`
read a batch through the :class:`~wmo_desk.sync.port.PullStore`, plan it and write it back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from wmo_desk.domain.integrity import document_intact
from wmo_desk.sync.engine import (
    FORM_SNAPSHOT_KEY,
    LOCAL_ID_KEY,
    WITHDRAWN_MARK,
    goes_back,
    kept_of_withdrawn,
    plain,
    same_version,
    twin_gives_way,
    withdrawn_bsn,
)
from wmo_desk.sync.port import (
    CaseHolding,
    Held,
    NewConflict,
    Plan,
    Pulled,
    PullStore,
    ServerVersion,
)

log = logging.getLogger(__name__)
_SERVER_RECORDS = ("user", "withdrawal")


def server_record_intact(record_type: str, payload: dict[str, Any], deleted: bool) -> bool:
    """A record only the server writes is applied only as the protocol defines it."""
    if record_type not in _SERVER_RECORDS or deleted:
        return True
    # the protocol (pydantic) loads with the first sync, not with the window
    from pydantic import ValidationError

    from wmo_desk.sync.protocol import UserPayload, WithdrawalPayload

    model = {"user": UserPayload, "withdrawal": WithdrawalPayload}[record_type]
    try:
        model.model_validate(payload)
    except ValidationError:
        log.warning("pulled %s record does not match the protocol", record_type)
        return False
    return True


def kept_client(kept_of: Mapping[str, str | None], client_id: str | None) -> str | None:
    """The client kept in place of ``client_id`` when that one was withdrawn as a twin
    (``kept_of``: withdrawn twin -> the client kept in its place)."""
    seen = set()
    while client_id and client_id not in seen:
        seen.add(client_id)
        kept = kept_of.get(client_id)
        if kept is None:
            break
        client_id = kept
    return client_id


def with_kept_client(
    record_type: str, payload: dict[str, Any] | None, kept_of: Mapping[str, str | None]
) -> dict[str, Any] | None:
    """A case's payload as this desktop reads it: with the client kept in place of a
    withdrawn twin (two desktops may have moved the case, one to a twin of the other)."""
    if record_type != "case" or not payload or "client_id" not in payload:
        return payload
    return {**payload, "client_id": kept_client(kept_of, payload["client_id"])}


def kept_of_marks(marks: Mapping[str, str]) -> dict[str, str | None]:
    """Withdrawn twin -> client kept, from the BSN marks the twins carry."""
    return {client_id: kept_of_withdrawn(mark) for client_id, mark in marks.items()}


def _case_ref(record_type: str, record_id: str, values: dict[str, Any] | None) -> dict[str, Any]:
    """The case of a record, for a conflict: known here for a case (and a client has none);
    for the rest storage finds it from the record's values."""
    if record_type == "case":
        return {"case_id": record_id}
    if record_type == "client":
        return {}
    return {"case_from": values or {}}


class _Planner:
    """The decisions for the records of one type, with the desktop's rows as the plan so far
    leaves them (a twin that gave way is seen as such by the records after it)."""

    def __init__(
        self,
        record_type: str,
        held: Mapping[str, Held],
        owners: Mapping[str, str],
        kept_of: Mapping[str, str | None],
        open_conflicts: Iterable[str],
        now: datetime,
    ) -> None:
        self.record_type = record_type
        self.is_client = record_type == "client"
        self.rows = dict(held)
        self.owners = dict(owners)
        self.kept_of = kept_of
        self.open_conflicts = set(open_conflicts)
        self.now = now
        self.plan = Plan()

    def set(self, record_id: str, *, new: bool = False, **values: Any) -> None:
        """Write values to a row and keep the view of it (and of the BSN it holds) in step."""
        self.plan.write(self.record_type, record_id, new=new, **values)
        old = self.rows.get(record_id)
        bsn = old.bsn if old is not None else None
        new_bsn = (values.get("payload") or {}).get("bsn", bsn) if self.is_client else None
        self.rows[record_id] = Held(
            record_id,
            values.get("server_revision", old.server_revision if old else None),
            values.get("pending", old.pending if old else False),
            values.get("deleted", old.deleted if old else False),
            new_bsn,
        )
        if self.is_client and new_bsn != bsn:
            if bsn is not None and self.owners.get(bsn) == record_id:
                del self.owners[bsn]
            if new_bsn is not None:
                self.owners[new_bsn] = record_id

    def decide(self, record: Pulled) -> int:
        """Plan one record; returns 1 when it counts as applied."""
        row = self.rows.get(record.record_id)
        if row is not None and row.server_revision == record.revision:
            return 0
        if row is not None and self.is_client and (row.bsn or "").startswith(WITHDRAWN_MARK):
            # a twin this desktop withdrew: its tombstone goes on top of any newer version
            self.set(record.record_id, server_revision=record.revision, pending=not record.deleted)
            return 0
        if row is not None and row.pending:
            self._local_edit(row, record)
            return 0
        if record.deleted:
            if row is not None:
                self.set(
                    record.record_id, deleted=True, server_revision=record.revision, pending=False
                )
            return 1
        if self.record_type == "decision_document" and not document_intact(record.payload):
            # a document of a final decision must be exactly what was signed
            record_id = record.payload.get(LOCAL_ID_KEY) or record.record_id
            self.plan.conflicts.append(
                NewConflict(
                    "refused", "checksum", self.record_type, record_id, {}, False,
                    {k: v for k, v in record.payload.items() if k != "content"}, False,
                    record.revision, **_case_ref(self.record_type, record_id, record.payload),
                )
            )  # fmt: skip
            return 0
        payload = dict(record.payload)
        snapshot = payload.pop(FORM_SNAPSHOT_KEY, None)
        payload.pop(LOCAL_ID_KEY, None)
        if self.record_type == "conversation" and snapshot:
            key = (payload.get("form_id"), payload.get("form_version"))
            self.plan.form_snapshots.setdefault(key, snapshot)
        moved = False
        if self.record_type == "case":
            consultant = payload.get("consultant_id")
            if consultant:
                self.plan.users.setdefault(consultant, record.municipality_code)
            kept = kept_client(self.kept_of, payload.get("client_id"))
            moved = kept != payload.get("client_id")
            payload["client_id"] = kept
        if self.record_type == "evaluation" and payload.get("assignee_id"):
            # a colleague's name in the task list, before the server's user record arrives
            self.plan.users.setdefault(payload["assignee_id"], record.municipality_code)
        taken = {"payload": payload, "deleted": False, "server_revision": record.revision}
        if self.is_client and row is None:
            twin = self.owners.get(payload.get("bsn"))  # type: ignore[arg-type]
            if twin is not None and twin != record.record_id:
                # the same resident, registered on two desktops: every desktop keeps the
                # client with the smaller id, and withdraws the other where it sees both
                if twin_gives_way(record.record_id, twin):
                    self.set(record.record_id, new=True, pending=False, **taken)
                    self._withdraw_twin(twin, record.record_id)
                    return 1
                # stored as withdrawn at once: the BSN stays with the twin kept
                self._withdraw_twin(record.record_id, twin, new=True, **taken)
                return 0
        # a case of a withdrawn twin goes back with the client kept
        self.set(record.record_id, new=row is None, pending=moved, **taken)
        return 1

    def _local_edit(self, row: Held, record: Pulled) -> None:
        """A row with changes the server has not seen keeps them; a newer server version that
        says the same is taken, one that says otherwise is kept beside it as a conflict."""
        current = {} if row.deleted else (row.payload or {})
        server = with_kept_client(self.record_type, record.payload, self.kept_of)
        if same_version(current, row.deleted, server, record.deleted):
            # unless this desktop reads the server's version otherwise (a case of a withdrawn
            # twin client): then that goes back to the server
            self.set(
                record.record_id,
                payload=None if record.deleted else plain(server or {}),
                deleted=bool(record.deleted),
                server_revision=record.revision,
                pending=goes_back(server, record.payload),
            )
        elif record.record_id in self.open_conflicts:
            self.plan.server_versions.append(
                ServerVersion(record.record_id, plain(record.payload), record.deleted,
                              record.revision)
            )  # fmt: skip
        else:
            self.plan.dropped_changes.append(record.record_id)
            self.plan.conflicts.append(
                NewConflict(
                    "conflict", "", self.record_type, record.record_id, current, row.deleted,
                    plain(record.payload), record.deleted, record.revision,
                    **_case_ref(self.record_type, record.record_id, row.payload),
                )
            )  # fmt: skip
            self.open_conflicts.add(record.record_id)

    def _withdraw_twin(
        self, twin_id: str, kept_id: str, *, new: bool = False, **taken: Any
    ) -> None:
        """The twin of client ``kept_id`` gives way: its cases move to that client, and the
        server is told to withdraw it (when it has it). ``taken``: the pulled version of a twin
        that is new here."""
        twin = self.rows.get(twin_id)
        revision = taken.get("server_revision", twin.server_revision if twin else None)
        mark = {"bsn": withdrawn_bsn(kept_id, twin_id), "modified_at": self.now.isoformat()}
        taken["payload"] = {**taken.get("payload", {}), **mark}
        taken.update(deleted=True, pending=revision is not None)
        self.set(twin_id, new=new, **taken)
        self.plan.moved_cases.append((twin_id, kept_id))
        self.plan.dropped_changes.append(twin_id)


def plan_records(
    record_type: str,
    records: Iterable[Pulled],
    held: Mapping[str, Held],
    *,
    now: datetime,
    owners: Mapping[str, str] | None = None,
    kept_of: Mapping[str, str | None] | None = None,
    open_conflicts: Iterable[str] = (),
) -> Plan:
    """The plan for pulled records of one type, taken in the order given (by revision).

    Args:
        held: the desktop's rows of this type with the pulled ids, and for clients also the
            clients holding the pulled BSNs (``owners``: BSN -> client id).
        kept_of: withdrawn twin client -> the client kept (for cases).
        open_conflicts: record ids with an open conflict.
        now: the time a withdrawn twin is changed at.
    """
    planner = _Planner(record_type, held, owners or {}, kept_of or {}, open_conflicts, now)
    for record in records:
        planner.plan.applied += planner.decide(record)
    return planner.plan


def plan_withdrawals(
    withdrawals: Iterable[Pulled], user_id: str | None, cases: Mapping[str, CaseHolding]
) -> Plan:
    """The plan for withdrawals of reassigned cases, in the order given.

    A withdrawal addressed to this desktop's user (a team lead pulls every withdrawal of the
    municipality) turns the case, its records and its client (unless another live case needs
    the client) into tombstones that are not sent back; local edits made to them are kept as
    refused changes. A case given back since (a newer server revision) stays."""
    plan = Plan()
    gone: set[str] = set()
    for withdrawal in withdrawals:
        if withdrawal.payload.get("user_id") != user_id:
            continue
        holding = cases.get(str(withdrawal.payload.get("case_id")))
        if holding is None:
            continue
        case = holding.case
        if (
            case.deleted
            or case.record_id in gone
            or (case.server_revision or 0) > withdrawal.revision
        ):
            continue
        gone.add(case.record_id)
        rows = [("case", case), *holding.records]
        if holding.client is not None and not holding.other_cases_of_client - gone:
            rows.append(("client", holding.client))
        for record_type, row in rows:
            if row.pending and not plan.writes.get(record_type, {}).get(row.record_id):
                # work done here after the case was taken away: kept for the user to read
                plan.conflicts.append(
                    NewConflict(
                        "refused", "not_yours", record_type, row.record_id,
                        {} if row.deleted else (row.payload or {}), row.deleted, None, False,
                        None, case_id=case.record_id,
                    )
                )  # fmt: skip
            plan.write(record_type, row.record_id, deleted=True, pending=False)
            plan.dropped_changes.append(row.record_id)
        plan.applied += 1
    return plan


def apply_records(store: PullStore, record_type: str, records: list[Pulled], now: datetime) -> int:
    """Read what the records of one type touch, plan them and write the plan; returns how
    many were applied."""
    held = store.held(record_type, (r.record_id for r in records))
    owners: dict[str, str] = {}
    kept_of: dict[str, str | None] = {}
    if record_type == "client":
        bsns = [r.payload.get("bsn") for r in records if not r.deleted]
        bsns += [row.bsn for row in held.values()]
        owners = store.clients_by_bsn(b for b in bsns if b)
        twins = set(owners.values()) - set(held)
        if twins:
            held.update(store.held("client", twins))
    if record_type == "case":
        kept_of = kept_of_marks(store.withdrawn_twins())
    edited = [record_id for record_id, row in held.items() if row.pending]
    plan = plan_records(
        record_type, records, held, now=now, owners=owners, kept_of=kept_of,
        open_conflicts=store.open_conflicts(edited) if edited else (),
    )  # fmt: skip
    store.carry_out(plan)
    return plan.applied


def apply_withdrawals(store: PullStore, withdrawals: list[Pulled], user_id: str | None) -> int:
    """:func:`plan_withdrawals` over the cases read through ``store``, written back."""
    mine = [w for w in withdrawals if w.payload.get("user_id") == user_id]
    if not mine:
        return 0
    cases = store.cases({str(w.payload.get("case_id")) for w in mine})
    plan = plan_withdrawals(mine, user_id, cases)
    store.carry_out(plan)
    return plan.applied
