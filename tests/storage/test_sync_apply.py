"""A pulled page is applied set-based, with the same outcome as applying it record by record:
conflicts, twin clients, tombstones, moved cases and the rows stored."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, select, text

from tests.conftest import TEST_KEY
from wmo_desk.storage.database import Database
from wmo_desk.storage.repositories.sync import SyncRepository
from wmo_desk.storage.repositories.sync_payloads import RECORD_TYPES
from wmo_desk.storage.repositories.sync_pull import _ORDER
from wmo_desk.storage.tables import (
    CaseRow,
    ClientRow,
    SyncConflictRow,
    SyncInboxRow,
    SyncOutboxRow,
    UserRow,
)

AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LATER = "2026-11-20T10:00:00+00:00"
# ids ordered as the twin rule reads them: the smaller id is kept
A, B, C, D, E = (f"{n}0000000-0000-4000-8000-000000000000" for n in "abcde")
CLIENT_LOCAL_TWIN = "f9000000-0000-4000-8000-000000000001"  # larger than A: gives way to A
CLIENT_KEPT_LOCAL = "10000000-0000-4000-8000-000000000001"  # smaller than E: E gives way
CASE_EDITED, CASE_GONE, CASE_SAME, CASE_NEW, CASE_OF_TWIN = (
    f"c{n}000000-0000-4000-8000-000000000000" for n in "12345"
)
CONSULTANT = "f0000000-0000-4000-8000-000000000000"  # not known on this desktop yet
SANNE = "a1000000-0000-4000-8000-000000000000"


def _client(client_id: str, bsn: str, surname: str) -> dict:
    return {
        "id": client_id,
        "bsn": bsn,
        "initials": "J.",
        "first_names": "Jan",
        "prefix": "",
        "surname": surname,
        "sort_name": surname.lower(),
        "search_text": f"{surname.lower()} {bsn}",
        "birth_date": "1950-03-04",
        "sex": "1",
        "street": "Kerkstraat",
        "house_number": 1,
        "house_number_addition": "",
        "postcode": "5341AB",
        "place": "Oss",
        "municipality_code": "0828",
        "phone": "",
        "email": "",
        "created_at": "2026-11-01T09:00:00+00:00",
        "modified_at": LATER,
    }


def _case(case_id: str, client_id: str, request: str, consultant: str = CONSULTANT) -> dict:
    return {
        "id": case_id,
        "client_id": client_id,
        "municipality_code": "0828",
        "consultant_id": consultant,
        "stage": "melding",
        "melding_date": "2026-11-02",
        "reported_by": "client",
        "channel": "telefoon",
        "request_text": request,
        "aanvraag_date": None,
        "decision_sent_date": None,
        "holds": [],
        "on_hold": False,
        "close_reason": None,
        "close_note": "",
        "closed_date": None,
        "next_deadline": None,
        "next_deadline_kind": None,
        "created_at": "2026-11-01T09:00:00+00:00",
        "modified_at": LATER,
    }


def _record(record_type: str, payload: dict, revision: int, deleted: bool = False) -> dict:
    return {
        "record_type": record_type,
        "record_id": payload["id"],
        "revision": revision,
        "deleted": deleted,
        "municipality_code": "0828",
        "payload": {} if deleted else payload,
    }


def _row(model, payload: dict, *, pending: bool, revision: int | None):
    row = model(id=payload["id"], pending=pending, deleted=False, server_revision=revision)
    for key, value in payload.items():
        if key == "id":
            continue
        if key in ("created_at", "modified_at"):
            value = AT
        elif key in ("birth_date", "melding_date") and value:
            value = date.fromisoformat(value)
        setattr(row, key, value)
    return row


def _local_rows() -> list:
    """What this desktop holds before the pull."""
    kept = _client(CLIENT_KEPT_LOCAL, "111222333", "Bakker")
    twin = _client(CLIENT_LOCAL_TWIN, "123456782", "Jansen")
    return [
        UserRow(id=SANNE, name="Sanne", role="consulent",
                municipality_code="0828", created_at=AT, modified_at=AT, pending=False),
        _row(ClientRow, twin, pending=True, revision=None),
        _row(ClientRow, kept, pending=True, revision=None),
        _row(ClientRow, _client(B, "222333444", "de Vries"), pending=False, revision=1),
        _row(CaseRow, _case(CASE_OF_TWIN, CLIENT_LOCAL_TWIN, "Hulp bij douchen", SANNE),
             pending=True, revision=None),
        _row(CaseRow, _case(CASE_EDITED, B, "Mijn versie", SANNE), pending=True, revision=3),
        _row(CaseRow, _case(CASE_GONE, B, "Wordt verwijderd", SANNE), pending=False, revision=2),
        _row(CaseRow, _case(CASE_SAME, B, "Al bekend", SANNE), pending=False, revision=4),
    ]  # fmt: skip


def _page() -> list[dict]:
    """One pulled page: a twin either way, a conflict, a tombstone, a known revision, news."""
    return [
        _record("client", _client(A, "123456782", "Jansen"), 10),  # the local twin gives way
        _record("client", _client(E, "111222333", "Bakker"), 11),  # gives way to the local one
        _record("client", _client(B, "222333444", "de Vries-Smit"), 12),  # plain update
        _record("client", _client(C, "333444555", "Visser"), 13),  # new
        _record("client", _client(D, "333444555", "Visser"), 14),  # a twin in the same page
        _record("case", _case(CASE_EDITED, B, "Hun versie"), 15),  # edited here too: conflict
        _record("case", _case(CASE_GONE, B, ""), 16, deleted=True),  # tombstone
        _record("case", _case(CASE_SAME, B, "Al bekend", SANNE), 4),  # the revision held already
        _record("case", _case(CASE_NEW, E, "Nieuw, bij de weggevallen tweeling"), 17),
        _record("case", _case(CASE_NEW, E, "een oudere versie"), 9),  # older: ignored
    ]


def _open(path) -> Database:
    database = Database.open_file(path, TEST_KEY)
    with database.session() as session:
        session.execute(text("PRAGMA defer_foreign_keys = ON"))
        session.add_all(_local_rows())
    with database.session() as session:
        SyncRepository(session).stage(_page(), next_cursor=17)
    return database


def _one_by_one(repo: SyncRepository, session) -> int:
    """The same page applied record by record: each newest version staged and applied alone,
    so every record sees the database as the records before it left it."""
    newest: dict = {}
    for row in session.scalars(select(SyncInboxRow)):
        key = (row.record_type, row.record_id)
        if key not in newest or newest[key].revision < row.revision:
            newest[key] = row
    records = [
        {"record_type": r.record_type, "record_id": r.record_id, "revision": r.revision,
         "deleted": r.deleted, "municipality_code": r.municipality_code, "payload": r.payload}
        for r in sorted(newest.values(), key=lambda r: (_ORDER.get(r.record_type, 99), r.revision))
    ]  # fmt: skip
    session.execute(delete(SyncInboxRow))
    applied = 0
    for record in records:
        repo.stage([record], next_cursor=17)
        applied += repo.apply_staged()
    return applied


def _state(database: Database) -> dict:
    """Every stored row that sync touches, without the values made anew (ids, times)."""
    state: dict = {}
    with database.session() as session:
        for name, model in {**RECORD_TYPES, "user": UserRow}.items():
            made_anew = {"modified_at", "created_at"} if name == "user" else {"modified_at"}
            rows = session.execute(select(model.__table__).order_by(model.__table__.c.id))
            state[name] = [
                {k: v for k, v in row._mapping.items() if k not in made_anew} for row in rows
            ]
        state["conflicts"] = sorted(
            (c.kind, c.reason, c.record_type, c.record_id, c.case_id, str(c.local_payload),
             c.local_deleted, str(c.server_payload), c.server_deleted, c.server_revision)
            for c in session.scalars(select(SyncConflictRow))
        )  # fmt: skip
        state["outbox"] = sorted(session.scalars(select(SyncOutboxRow.record_id)))
        state["inbox"] = session.scalar(select(SyncInboxRow.seq).limit(1))
    return state


@pytest.fixture
def databases(tmp_path):
    bulk, single = _open(tmp_path / "bulk.sqlite"), _open(tmp_path / "single.sqlite")
    yield bulk, single
    bulk.close()
    single.close()


def test_a_page_applies_as_it_did_record_by_record(databases):
    bulk, single = databases
    with bulk.session() as session:
        applied = SyncRepository(session).apply_staged()
    with single.session() as session:
        applied_before = _one_by_one(SyncRepository(session), session)
    assert applied == applied_before
    assert _state(bulk) == _state(single)


def test_the_rows_stored_after_a_mixed_page(databases):
    bulk, _ = databases
    with bulk.session() as session:
        SyncRepository(session).apply_staged()
    with bulk.session() as session:
        clients = {c.id: c for c in session.scalars(select(ClientRow))}
        cases = {c.id: c for c in session.scalars(select(CaseRow))}
        conflicts = SyncRepository(session).conflicts()
        consultant = session.get(UserRow, CONSULTANT)
        inbox = session.scalars(select(SyncInboxRow)).all()

    # the local twin gave way to the pulled client A, and took its case along
    assert clients[CLIENT_LOCAL_TWIN].deleted and clients[CLIENT_LOCAL_TWIN].bsn.startswith("=")
    assert (clients[A].bsn, clients[A].server_revision, clients[A].pending) == (
        "123456782",
        10,
        False,
    )
    assert (cases[CASE_OF_TWIN].client_id, cases[CASE_OF_TWIN].pending) == (A, True)
    # the pulled E gave way to the local client; its new case moved to the one kept
    assert clients[E].deleted and clients[E].bsn.startswith(f"={CLIENT_KEPT_LOCAL}/")
    assert clients[CLIENT_KEPT_LOCAL].bsn == "111222333"
    assert (cases[CASE_NEW].client_id, cases[CASE_NEW].pending) == (CLIENT_KEPT_LOCAL, True)
    assert cases[CASE_NEW].request_text == "Nieuw, bij de weggevallen tweeling"
    assert cases[CASE_NEW].server_revision == 17
    # twins within the page: C is kept, D gives way
    assert clients[C].bsn == "333444555" and not clients[C].deleted
    assert clients[D].deleted and clients[D].bsn == f"={C}/{D}"
    # a plain update, a tombstone, a revision held already
    assert (clients[B].surname, clients[B].server_revision, clients[B].pending) == (
        "de Vries-Smit",
        12,
        False,
    )
    assert cases[CASE_GONE].deleted and cases[CASE_GONE].server_revision == 16
    assert (cases[CASE_SAME].server_revision, cases[CASE_SAME].modified_at) == (4, AT)
    # edited on both sides: both versions kept, the local one stays
    [conflict] = [c for c in conflicts if c.kind == "conflict"]
    assert conflict.record_id == CASE_EDITED
    assert conflict.local_payload["request_text"] == "Mijn versie"
    assert conflict.server_payload["request_text"] == "Hun versie"
    assert conflict.server_revision == 15
    assert cases[CASE_EDITED].request_text == "Mijn versie" and cases[CASE_EDITED].pending
    # a consultant this desktop did not know is added; the inbox is empty
    assert (consultant.name, consultant.municipality_code) == ("Onbekende medewerker", "0828")
    assert inbox == []


def test_pulling_the_same_page_again_changes_nothing(databases):
    bulk, _ = databases
    with bulk.session() as session:
        SyncRepository(session).apply_staged()
    once = _state(bulk)
    with bulk.session() as session:
        repo = SyncRepository(session)
        repo.stage(_page(), next_cursor=17)
        repo.apply_staged()
    assert _state(bulk) == once


def test_a_confirmed_batch_is_done_unless_edited_since(db):
    with db.session() as session:
        session.add_all([
            _row(ClientRow, _client(B, "123456782", "de Vries"), pending=True, revision=None),
            _row(ClientRow, _client(C, "111222333", "Visser"), pending=True, revision=None),
        ])  # fmt: skip
    with db.session() as session:
        repo = SyncRepository(session)
        assert repo.prepare_outbox() == 2
        changes = repo.outbox(10)
        assert [c.record_id for c in changes] == [B, C]
    with db.session() as session:
        session.get(ClientRow, C).surname = "Visser-Bos"  # edited while the push was under way
    with db.session() as session:
        SyncRepository(session).confirmed_all([(changes[0], 21), (changes[1], 22)])
    with db.session() as session:
        rows = {r.id: r for r in session.scalars(select(ClientRow))}
        assert (rows[B].server_revision, rows[B].pending) == (21, False)
        assert (rows[C].server_revision, rows[C].pending, rows[C].surname) == (
            22,
            True,
            "Visser-Bos",
        )
        assert SyncRepository(session).outbox_size() == 0
