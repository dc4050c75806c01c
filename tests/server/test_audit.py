"""The access log on the server, on SQLite and PostgreSQL: devices' chains stored append-only and
only as they were written, what each pull handed out, and the inzage report for team leads."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from tests.server.test_sync_api import PASSWORD, Api, case, change
from tests.synckit import TestClient
from wmo_desk.domain.audit import GENESIS, make_entry
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.models import AuditDevice, AuditLogEntry
from wmo_desk.sync.client import ServerClient, ServerError
from wmo_desk.sync.protocol import AuditEntryIn, AuditPushRequest

USERS = {
    "sanne": ("consulent", "0828"),
    "ahmed": ("consulent", "0828"),
    "tl": ("teamleider", "0828"),
    "tl2": ("teamleider", "1721"),
}
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def api(server_db_url):
    app = create_app(server_db_url)
    with app.state.db.session_scope() as session:
        for name, (role, code) in USERS.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code=code,
            )  # fmt: skip
    with TestClient(app) as client:
        yield Api(app, client, USERS)


def chain(user_id, device_id, lines, previous=None):
    """Entries after ``previous`` for ``lines``: (action, client_id, case_id), a minute apart."""
    entries = []
    for action, client_id, case_id in lines:
        at = (previous.at if previous else START) + timedelta(minutes=1)
        previous = make_entry(
            previous, at=at, user_id=user_id, device_id=device_id, action=action,
            client_id=client_id, case_id=case_id, detail="",
        )  # fmt: skip
        entries.append(previous)
    return entries


def reads(api, user, count, device_id=None):
    device_id = device_id or str(uuid.uuid4())
    return chain(api.ids[user], device_id, [("case.read", str(uuid.uuid4()), None)] * count)


def push(api, user, entries, device_id=None):
    device_id = device_id or entries[0].device_id
    body = {
        "device_id": device_id,
        "entries": [AuditEntryIn.of(e).model_dump(mode="json") for e in entries],
    }
    return api.client.post(
        "/api/v1/audit", json=body, headers={"Authorization": f"Bearer {api.tokens[user]}"}
    )


def stored(api, **where):
    """(source, device, seq, action, client, detail, user) of the stored lines, in order."""
    with api.app.state.db.session_scope() as session:
        query = select(AuditLogEntry).filter_by(**where).order_by(AuditLogEntry.id)
        return [
            (r.source, r.device_id, r.seq, r.action, r.client_id, r.detail, r.user_id)
            for r in session.scalars(query)
        ]


def desktop_lines(api):
    with api.app.state.db.session_scope() as session:
        return session.scalar(
            select(func.count()).select_from(AuditLogEntry).where(AuditLogEntry.source == "desktop")
        )


def test_a_chain_pushed_in_two_requests_is_stored_and_pushing_it_again_changes_nothing(api):
    entries = reads(api, "sanne", 5)
    first = push(api, "sanne", entries[:3])
    assert first.status_code == 200, first.text
    assert first.json() == {"stored_through": 3, "last_hash": entries[2].hash, "wipe": False}
    second = push(api, "sanne", entries[3:])
    assert second.json()["stored_through"] == 5
    for again in (entries, entries[2:], entries[:1], []):
        answer = push(api, "sanne", again, device_id=entries[0].device_id)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"stored_through": 5, "last_hash": entries[4].hash, "wipe": False}
    lines = stored(api, device_id=entries[0].device_id)
    assert [line[2] for line in lines] == [1, 2, 3, 4, 5]
    assert {(line[0], line[3], line[6]) for line in lines} == {
        ("desktop", "case.read", api.ids["sanne"])
    }
    with api.app.state.db.session_scope() as session:
        device = session.get(AuditDevice, entries[0].device_id)
        assert (str(device.user_id), device.last_seq) == (api.ids["sanne"], 5)


def test_a_changed_or_removed_line_is_refused_and_nothing_of_the_request_is_stored(api):
    entries = reads(api, "sanne", 6)
    assert push(api, "sanne", entries[:3]).status_code == 200
    edited = replace(entries[4], detail="42 resultaten")  # hash kept
    tries = {
        "regel 5 is na het vastleggen gewijzigd": [entries[3], edited, entries[5]],
        "na regel 4 volgt regel 6: er ontbreekt iets": [entries[3], entries[5]],
        # a line the server already holds, sent again changed
        "regel 2 is na het vastleggen gewijzigd": [entries[0], replace(entries[1], detail="x")],
        "na regel 3 volgt regel 5": [entries[4], entries[5]],
    }
    for reason, batch in tries.items():
        answer = push(api, "sanne", batch)
        assert answer.status_code == 409, answer.text
        assert answer.json()["code"] == "audit_chain_broken"
        assert reason in answer.json()["message"]
        assert "Er is niets van opgeslagen." in answer.json()["message"]
    assert desktop_lines(api) == 3
    # a new device starts at line 1 after GENESIS
    fresh = reads(api, "sanne", 3)
    assert push(api, "sanne", fresh[1:]).json()["code"] == "audit_chain_broken"
    assert fresh[0].prev_hash == GENESIS
    assert desktop_lines(api) == 3
    # the desktop's client shows the server's words
    request = AuditPushRequest(
        device_id=entries[0].device_id, entries=[AuditEntryIn.of(e) for e in (entries[3], edited)]
    )
    with pytest.raises(ServerError) as refused:
        ServerClient("http://testserver", http=api.client).push_audit(api.tokens["sanne"], request)
    assert refused.value.code == "audit_chain_broken"
    assert "regel 5 is na het vastleggen gewijzigd" in refused.value.message
    assert desktop_lines(api) == 3


def test_a_device_belongs_to_the_first_user_who_pushes_for_it(api):
    entries = reads(api, "sanne", 2)
    assert push(api, "sanne", entries[:1]).status_code == 200
    theirs = chain(api.ids["ahmed"], entries[0].device_id, [("case.read", None, None)], entries[0])
    for batch in (theirs, entries[1:]):
        answer = push(api, "ahmed", batch)
        assert answer.status_code == 403
        assert answer.json()["code"] == "device_of_other_user"
        assert "andere gebruiker" in answer.json()["message"]
    assert desktop_lines(api) == 1


def test_a_line_may_not_name_a_colleague_but_may_name_a_local_id(api):
    device = str(uuid.uuid4())
    local = str(uuid.uuid4())  # the desktop's own user id from before its first sign-in
    before = chain(local, device, [("case.create", None, None)])
    linked = make_entry(
        before[-1], at=before[-1].at + timedelta(minutes=1), user_id=local, device_id=device,
        action="account.linked", object_id=api.ids["sanne"],
    )  # fmt: skip
    after = chain(api.ids["sanne"], device, [("case.read", None, None)], linked)
    assert push(api, "sanne", [*before, linked, *after]).status_code == 200

    framed = chain(api.ids["ahmed"], device, [("case.read", None, None)], after[-1])
    answer = push(api, "sanne", framed)
    assert answer.status_code == 403 and answer.json()["code"] == "audit_other_user"
    assert answer.json()["message"].startswith(f"Regel {framed[0].seq} van het toegangslog")
    assert desktop_lines(api) == 3


def test_the_database_itself_refuses_to_change_or_remove_a_line(api):
    assert push(api, "sanne", reads(api, "sanne", 2)).status_code == 200
    engine = api.app.state.db.engine
    statements = ["UPDATE audit_entries SET detail = 'anders'", "DELETE FROM audit_entries"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_entries")
    for statement in statements:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert desktop_lines(api) == 2


def _file(api, user):
    """A client with a case of ``user`` and a note in it; returns (client, case, results)."""
    client = change(surname="Jansen")
    the_case = case(api, user, client)
    note = change("case_event", case_id=the_case["record_id"], text="Gebeld.")
    results = api.push(user, [client, the_case, note])
    assert [r["status"] for r in results] == ["applied"] * 3
    return client, the_case, results


def test_a_pull_logs_one_line_per_client_whose_file_went_out(api):
    mine, _case, results = _file(api, "sanne")
    theirs, _, _ = _file(api, "ahmed")
    assert stored(api, source="server") == []
    api.pull_all("sanne")
    assert stored(api, source="server") == [
        ("server", "server", None, "server.sent", mine["record_id"], "3 records", api.ids["sanne"])
    ]
    # only the note: its client is found through its case
    api.pull("sanne", since=results[1]["revision"])
    assert stored(api, source="server")[-1][4:6] == (mine["record_id"], "1 record")
    before = len(stored(api, source="server"))
    api.pull_all("tl")
    sent = stored(api, source="server")[before:]
    assert sorted((line[4], line[5], line[6]) for line in sent) == sorted(
        [(mine["record_id"], "3 records", api.ids["tl"]),
         (theirs["record_id"], "3 records", api.ids["tl"])]
    )  # fmt: skip
    # a pull that brings nothing writes no line
    head = api.pull("tl", since=0, limit=1000)["next_since"]  # both files again: two lines
    api.pull("tl", since=head)
    assert len(stored(api, source="server")) == before + 4


def _inzage(api, user, client_id):
    return api.client.get(
        f"/api/v1/audit/clients/{client_id}",
        headers={"Authorization": f"Bearer {api.tokens[user]}"},
    )


def test_the_inzage_lists_every_read_of_the_file_for_a_team_lead_only(api):
    client, the_case, _ = _file(api, "sanne")
    other, _, _ = _file(api, "sanne")
    device = str(uuid.uuid4())
    entries = chain(
        api.ids["sanne"], device,
        [("case.read", client["record_id"], the_case["record_id"]),
         ("case.read", other["record_id"], None),
         ("document.view", None, the_case["record_id"])],
    )  # fmt: skip
    assert push(api, "sanne", entries).status_code == 200
    api.pull_all("tl")  # the team lead gets both files: server.sent lines

    answer = _inzage(api, "tl", client["record_id"])
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["client_id"] == client["record_id"]
    lines = [
        (e["source"], e["action"], e["action_label"], e["user_name"], e["role"], e["device_id"])
        for e in report["entries"]
    ]
    assert lines == [
        ("desktop", "case.read", "Dossier geopend", "Sanne", "consulent", device),
        ("desktop", "document.view", "Document geopend", "Sanne", "consulent", device),
        ("server", "server.sent", "Door de server verstrekt", "Tl", "teamleider", "server"),
    ]
    assert report["entries"][0]["at"].startswith("2026-12-01T09:01:00")
    assert report["entries"][2]["detail"] == "3 records"

    # the report is logged, and the desktop's client reads the next one
    again = ServerClient("http://testserver", http=api.client).inzage(
        api.tokens["tl"], client["record_id"]
    )
    assert [e.action for e in again.entries][-1] == "inzage.report"
    assert again.entries[-1].detail == "3 regels"
    assert again.entries[-1].action_label == "Inzageoverzicht gemaakt"

    count = len(stored(api))
    for user, status, code in (
        ("sanne", 403, "not_teamleider"),
        ("tl2", 403, "other_municipality"),
    ):
        refused = _inzage(api, user, client["record_id"])
        assert (refused.status_code, refused.json()["code"]) == (status, code)
    unknown = _inzage(api, "tl", uuid.uuid4())
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_client")
    assert unknown.json()["message"] == "De server kent deze cliënt niet."
    assert len(stored(api)) == count
