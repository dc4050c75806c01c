"""An expired or revoked sign-in stops the sync with a Dutch message; nothing local is lost, and
after signing in again the same changes go through."""

from __future__ import annotations

import time

import pytest

from tests.sync_e2e.helpers import add_note, case_ids, local_records, pending, server_records
from tests.synckit import ACCOUNTS, PASSWORD, SERVER_URL, Desktops, Server, TestClient
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.sync.client import ServerError

LIFETIME_SECONDS = 2.0


@pytest.fixture
def short_server(tmp_path):
    """A server whose tokens last two seconds."""
    app = create_app(f"sqlite:///{tmp_path / 'server.sqlite'}", LIFETIME_SECONDS / 3600)
    with app.state.db.session_scope() as session:
        for username, (name, role, code) in ACCOUNTS.items():
            auth.create_user(
                session,
                username=username,
                password=PASSWORD,
                display_name=name,
                role=role,
                municipality_code=code,
            )
    with TestClient(app, base_url=SERVER_URL) as http:
        yield Server(app, http)


@pytest.fixture
def short_desktops(tmp_path, short_server):
    from tests.conftest import TODAY

    opened = Desktops(tmp_path, short_server, TODAY)
    yield opened
    opened.close()


def test_an_expired_sign_in_keeps_everything_and_signing_in_again_syncs(
    short_desktops, short_server
):
    sanne = short_desktops.open("sanne", demo=True)
    short_desktops.sign_in(sanne, "sanne")
    signed_in_at = time.monotonic()
    before = pending(sanne)
    cases_before = local_records(sanne, "case")
    time.sleep(max(0.0, LIFETIME_SECONDS + 0.2 - (time.monotonic() - signed_in_at)))

    with pytest.raises(ServerError) as info:
        sanne.sync.sync()

    assert info.value.code == "token_expired"
    assert info.value.title == "Aanmelding verlopen"
    assert str(info.value.message) == "Uw aanmelding is verlopen. Meld u opnieuw aan."
    assert pending(sanne) == before
    assert local_records(sanne, "case") == cases_before
    assert server_records(short_server, "case") == {}

    short_desktops.sign_in(sanne, "sanne")
    report = sanne.sync.sync()
    assert report.pushed == before and pending(sanne) == 0
    assert server_records(short_server, "case") == local_records(sanne, "case")


def test_a_revoked_sign_in_stops_the_sync_until_signed_in_again(desktops, server):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    case_id = case_ids(sanne)[0]
    note = add_note(sanne, case_id, "Telefonisch contact met de dochter")
    before = pending(sanne)
    assert before == 2  # the note and its case
    with server.app.state.db.session_scope() as session:
        assert auth.revoke_sessions(session, "sanne") == 1

    with pytest.raises(ServerError) as info:
        sanne.sync.sync()

    assert info.value.code == "token_revoked"
    assert info.value.title == "Aanmelding ingetrokken"
    assert "Uw aanmelding is ingetrokken" in str(info.value.message)
    assert pending(sanne) == before
    assert note in local_records(sanne, "case_event")
    assert note not in server_records(server, "case_event")

    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    assert pending(sanne) == 0
    assert server_records(server, "case_event")[note]["text"] == (
        "Telefonisch contact met de dochter"
    )


class RevokeAfterPush:
    """The administrator revokes the session just after the desktop's push went through."""

    def __init__(self, client, server, username: str) -> None:
        self._client = client
        self._server = server
        self._username = username

    def push(self, token, changes):
        results = self._client.push(token, changes)
        with self._server.app.state.db.session_scope() as session:
            auth.revoke_sessions(session, self._username)
        return results

    def __getattr__(self, name):
        return getattr(self._client, name)


def test_a_sign_in_revoked_between_push_and_pull(desktops, server):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    case_id = case_ids(sanne)[0]
    add_note(ruud, case_id, "Teamleider: graag voor vrijdag afronden")
    ruud.sync.sync()
    mine = add_note(sanne, case_id, "Huisbezoek gepland")
    sanne.signin.client = RevokeAfterPush(sanne.signin.client, server, "sanne")

    with pytest.raises(ServerError) as info:
        sanne.sync.sync()

    assert info.value.code == "token_revoked"
    # the push was confirmed; the pull did not happen
    assert pending(sanne) == 0 and mine in server_records(server, "case_event")
    texts = [e.text for e in sanne.cases.view(case_id).timeline]
    assert "Teamleider: graag voor vrijdag afronden" not in texts

    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    texts = [e.text for e in sanne.cases.view(case_id).timeline]
    assert "Teamleider: graag voor vrijdag afronden" in texts
    assert local_records(sanne, "case_event") == server_records(server, "case_event")
