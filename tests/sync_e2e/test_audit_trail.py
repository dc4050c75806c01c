"""The access log travels with the sync; a changed log is caught on the laptop; a remote wipe
takes what is pending first; and nothing of a client can be read from the profile folder."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.sync_e2e.helpers import add_note, register
from tests.synckit import SERVER_URL
from wmo_desk.server.cli import main as server_cli
from wmo_desk.server.models import AuditLogEntry
from wmo_desk.services.context import DATABASE_NAME
from wmo_desk.services.demo import demo_bsn
from wmo_desk.services.profile_key import KEYRING_SERVICE, PROFILE_FILE
from wmo_desk.services.sync import AuditChainBroken
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.sync.client import ServerError


def server_log(server, device_id):
    with server.app.state.db.session_scope() as session:
        rows = session.scalars(
            select(AuditLogEntry)
            .where(AuditLogEntry.device_id == device_id)
            .order_by(AuditLogEntry.seq)
        )
        return [(r.seq, r.action, r.client_id, r.hash) for r in rows]


def local_log(ctx):
    with ctx.db.session() as session:
        audit = AuditRepository(session)
        return audit.device_id(), audit.entries()


def test_the_access_log_reaches_the_server_with_every_sync(desktops):
    sanne = desktops.open("sanne", user="Sanne de Wit")
    desktops.sign_in(sanne, "sanne")
    case_id = register(sanne, demo_bsn(1), "Jansen")
    sanne.cases.view(case_id)
    report = sanne.sync.sync()
    device, entries = local_log(sanne)
    assert report.audit_pushed == len(entries) > 0
    assert server_log(desktops.server, device) == [
        (e.seq, e.action, e.client_id, e.hash) for e in entries
    ]
    assert "case.read" in [e.action for e in entries]

    sanne.cases.view(case_id)
    again = sanne.sync.sync()
    assert again.audit_pushed == 1
    assert len(server_log(desktops.server, device)) == len(entries) + 1


def test_the_laptops_log_refuses_changes_and_a_changed_line_is_caught_before_it_is_sent(desktops):
    sanne = desktops.open("sanne", user="Sanne de Wit")
    desktops.sign_in(sanne, "sanne")
    case_id = register(sanne, demo_bsn(1), "Jansen")
    sanne.sync.sync()
    sanne.cases.view(case_id)
    sanne.cases.view(case_id)
    device, entries = local_log(sanne)
    with sanne.db.engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("UPDATE audit_log SET detail = 'niets' WHERE seq = :s"), {"s": 2})
    with sanne.db.engine.begin() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": entries[-1].seq})

    # someone with the key drops the guard and edits an entry not yet on the server
    with sanne.db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(
            text("UPDATE audit_log SET user_id = 'iemand-anders' WHERE seq = :s"),
            {"s": entries[-1].seq},
        )
    with sanne.db.session() as session:
        broken = AuditRepository(session).verify()
    assert broken is not None and broken.seq == entries[-1].seq
    on_server = server_log(desktops.server, device)
    with pytest.raises(AuditChainBroken) as caught:
        sanne.sync.sync()
    assert caught.value.title == "Toegangslog gewijzigd"
    assert f"regel {entries[-1].seq} is na het vastleggen gewijzigd" in caught.value.message
    assert server_log(desktops.server, device) == on_server


def test_a_removed_line_is_caught_too(desktops):
    sanne = desktops.open("sanne", user="Sanne de Wit")
    desktops.sign_in(sanne, "sanne")
    case_id = register(sanne, demo_bsn(1), "Jansen")
    sanne.sync.sync()
    for _ in range(3):
        sanne.cases.view(case_id)
    _device, entries = local_log(sanne)
    with sanne.db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": entries[-2].seq})
    with pytest.raises(AuditChainBroken) as caught:
        sanne.sync.sync()
    assert "er ontbreekt iets" in caught.value.message


def test_the_server_refuses_a_log_whose_stored_lines_were_rewritten(desktops):
    """A laptop that rewrote lines the server already holds (and rebuilt the chain after them)
    is refused by the server: its copy is the record."""
    sanne = desktops.open("sanne", user="Sanne de Wit")
    desktops.sign_in(sanne, "sanne")
    register(sanne, demo_bsn(1), "Jansen")
    sanne.sync.sync()
    device, entries = local_log(sanne)
    from wmo_desk.domain.audit import make_entry
    from wmo_desk.sync.protocol import AuditEntryIn, AuditPushRequest

    forged = []
    previous = None
    for entry in entries:
        previous = make_entry(
            previous,
            at=entry.at,
            user_id=entry.user_id,
            device_id=entry.device_id,
            action="case.read" if entry.seq == 1 else entry.action,
            client_id=entry.client_id,
            case_id=entry.case_id,
            object_id=entry.object_id,
            detail=entry.detail,
        )
        forged.append(previous)
    client = sanne.sign_in_service(SERVER_URL).client
    with pytest.raises(ServerError) as refused:
        client.push_audit(
            sanne.tokens.get("sanne"),
            AuditPushRequest(device_id=device, entries=[AuditEntryIn.of(e) for e in forged]),
        )
    assert refused.value.code == "audit_chain_broken"
    assert server_log(desktops.server, device) == [
        (e.seq, e.action, e.client_id, e.hash) for e in entries
    ]


def test_a_remote_wipe_pushes_what_is_pending_then_removes_the_profile(desktops, memory_keyring):
    sanne = desktops.open("sanne", user="Sanne de Wit")
    desktops.sign_in(sanne, "sanne")
    case_id = register(sanne, demo_bsn(1), "Jansen")
    sanne.sync.sync()
    add_note(sanne, case_id, "Nog niet verstuurd bij het wissen")
    token = sanne.tokens.get("sanne")
    url = desktops.server.app.state.db.engine.url.render_as_string(hide_password=False)
    assert server_cli(["revoke", "--db", url, "--username", "sanne", "--wipe"]) == 0

    report = sanne.sync.sync()
    assert report.wiped and report.pushed >= 1
    notes = [
        payload["text"]
        for kind, _id, _rev, payload in desktops.server.records("case_event")
        if kind == "case_event"
    ]
    assert "Nog niet verstuurd bij het wissen" in notes
    folder = sanne.folder
    assert not (folder / DATABASE_NAME).exists()
    assert not (folder / PROFILE_FILE).exists()
    assert not [k for k in memory_keyring.store.secrets if k[0] == KEYRING_SERVICE]
    assert not list(folder.glob("backups/*"))
    # the server ended the session once the desktop reported the wipe
    response = desktops.server.http.get(
        "/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401


def test_lines_written_before_the_first_sign_in_are_accepted_under_the_linked_account(desktops):
    sanne = desktops.open("sanne", user="Sanne de Wit")
    local_id = sanne.profile.user.id
    case_id = register(sanne, demo_bsn(2), "Verbeek")
    sanne.cases.view(case_id)
    desktops.sign_in(sanne, "sanne")
    report = sanne.sync.sync()
    device, entries = local_log(sanne)
    assert report.audit_pushed == len(entries)
    assert [e.user_id for e in entries[:2]] == [local_id, local_id]
    linked = next(e for e in entries if e.action == "account.linked")
    assert (linked.user_id, linked.object_id) == (local_id, sanne.profile.user.id)
    assert len(server_log(desktops.server, device)) == len(entries)
