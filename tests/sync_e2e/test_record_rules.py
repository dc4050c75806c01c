"""A row that breaks the protocol's record rules never leaves the desktop: it is shown as
refused with the reason in Dutch, and goes again once corrected."""

from __future__ import annotations

from sqlalchemy import update

from tests.sync_e2e.helpers import pending, server_records
from wmo_desk.services.sync import SyncService
from wmo_desk.storage.tables import ClientRow


def test_a_client_with_a_broken_postcode_is_refused_on_the_desktop(desktops, server):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    with sanne.db.session() as session:
        client = session.query(ClientRow).order_by(ClientRow.id).first()
        client_id, good = client.id, client.postcode
        # only a tool on the database file can write this: the intake refuses it
        session.execute(update(ClientRow).where(ClientRow.id == client_id).values(postcode="53 41"))
    report = sanne.sync.sync()
    # nothing was sent for the client, nor for its case: the server refused nothing
    assert report.refused == 0
    assert client_id not in server_records(server, "client")
    waiting = pending(sanne)
    assert waiting >= 2  # the client and its case (with its timeline) wait
    [refusal] = sanne.sync.conflicts()
    assert (refusal.kind, refusal.reason, refusal.record_id) == ("held", "invalid", client_id)
    text = SyncService.refusal_text(refusal)
    assert text.startswith("De gegevens zijn ongeldig.") and "Postcode" in text
    # a second sync neither sends it nor repeats the message
    sanne.sync.sync()
    assert len(sanne.sync.conflicts()) == 1 and pending(sanne) == waiting
    # corrected, it goes at the next sync
    with sanne.db.session() as session:
        session.execute(
            update(ClientRow).where(ClientRow.id == client_id).values(postcode=good, pending=True)
        )
    assert sanne.sync.sync().refused == 0
    assert server_records(server, "client")[client_id]["postcode"] == good
    assert pending(sanne) == 0


def test_a_server_record_that_does_not_match_the_protocol_is_not_applied(desktops, server, caplog):
    import uuid

    from wmo_desk.server.records import publish

    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    odd, fine = str(uuid.uuid4()), str(uuid.uuid4())
    with server.app.state.db.session_scope() as session:
        publish(session, record_type="user", record_id=uuid.UUID(odd), municipality_code="0828",
                payload={"name": "Zonder rol", "password_hash": "x"})  # fmt: skip
        publish(session, record_type="user", record_id=uuid.UUID(fine), municipality_code="0828",
                payload={"name": "Nieuwe collega", "role": "consulent", "active": True})  # fmt: skip
    with caplog.at_level("WARNING"):
        sanne.sync.sync()
    names = {u.id: u.name for u in sanne.profiles.users()}
    assert names.get(fine) == "Nieuwe collega"
    assert odd not in names
    assert any("does not match the protocol" in r.getMessage() for r in caplog.records)
