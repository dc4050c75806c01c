"""Remote wipe, on SQLite and PostgreSQL: ``revoke --wipe`` lets the desktop send what it holds,
gives it nothing more, and ends the sessions once the desktop reports the wipe."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.server.test_audit import USERS, chain, push, stored
from tests.server.test_sync_api import PASSWORD, Api, case, change
from tests.synckit import TestClient
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.cli import main
from wmo_desk.server.models import User
from wmo_desk.sync.client import ServerClient, ServerError


@pytest.fixture
def api(server_db_url):
    app = create_app(server_db_url)
    app.state.url = server_db_url
    with app.state.db.session_scope() as session:
        for name, (role, code) in USERS.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code=code,
            )  # fmt: skip
    with TestClient(app) as client:
        yield Api(app, client, USERS)


def _wipe_pending(api, username="sanne"):
    with api.app.state.db.session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        return user.wipe_requested_at is not None


def _wipe_done(api, user, device_id):
    return api.client.post(
        "/api/v1/wipe/done",
        json={"device_id": device_id},
        headers={"Authorization": f"Bearer {api.tokens[user]}"},
    )


def test_a_wipe_takes_what_the_desktop_holds_gives_it_nothing_and_then_ends_its_sessions(
    api, capsys
):
    client = change(surname="Jansen")
    assert {r["status"] for r in api.push("sanne", [client, case(api, "sanne", client)])} == {
        "applied"
    }
    assert main(["revoke", "--db", api.app.state.url, "--username", "sanne", "--wipe"]) == 0
    assert capsys.readouterr().out.strip() == (
        "Wissen op afstand aangevraagd voor sanne: bij de volgende synchronisatie wordt het "
        "profiel gewist; daarna worden de sessies ingetrokken."
    )
    assert _wipe_pending(api)

    # what was recorded offline still reaches the server, and the answer says: wipe
    offline = change(surname="Pietersen")
    pushed = api.client.post(
        "/api/v1/sync/push",
        json={"changes": [offline]},
        headers={"Authorization": f"Bearer {api.tokens['sanne']}"},
    ).json()
    assert pushed["wipe"] is True and pushed["results"][0]["status"] == "applied"
    surnames = {r["payload"].get("surname") for r in api.pull_all("tl")}
    assert {"Jansen", "Pietersen"} <= surnames
    device = str(uuid.uuid4())
    logged = push(api, "sanne", chain(api.ids["sanne"], device, [("case.read", None, None)]))
    assert logged.json() == {"stored_through": 1, "last_hash": logged.json()["last_hash"],
                             "wipe": True}  # fmt: skip

    # the pull brings nothing, and logs nothing as handed out
    sent_before = stored(api, action="server.sent")
    server = ServerClient("http://testserver", http=api.client)
    page = server.pull(api.tokens["sanne"], since=0)
    assert (page.records, page.more, page.next_since, page.wipe) == ([], False, 0, True)
    assert stored(api, action="server.sent") == sent_before
    # a colleague is not affected
    assert api.pull("ahmed")["wipe"] is False

    # a user without a pending wipe cannot report one
    refused = _wipe_done(api, "ahmed", device)
    assert (refused.status_code, refused.json()["code"]) == (409, "no_wipe_pending")

    server.wipe_done(api.tokens["sanne"], device)
    assert not _wipe_pending(api)
    assert stored(api, action="device.wiped") == [
        ("server", "server", None, "device.wiped", None, "", api.ids["sanne"])
    ]
    with pytest.raises(ServerError) as gone:
        server.pull(api.tokens["sanne"], since=0)
    assert gone.value.code == "token_revoked"

    # signed in again, the (new, empty) profile syncs as before
    token = api.client.post("/api/v1/login", json={"username": "sanne", "password": PASSWORD})
    again = server.pull(token.json()["token"], since=0)
    assert again.wipe is False and again.records


def test_plain_revoke_still_ends_the_sessions_at_once(api, capsys):
    assert main(["revoke", "--db", api.app.state.url, "--username", "sanne"]) == 0
    assert capsys.readouterr().out.strip() == "1 sessie(s) van sanne ingetrokken."
    assert not _wipe_pending(api)
    answer = api.client.get(
        "/api/v1/sync/pull", headers={"Authorization": f"Bearer {api.tokens['sanne']}"}
    )
    assert answer.json()["code"] == "token_revoked"
    assert main(["revoke", "--db", api.app.state.url, "--username", "piet", "--wipe"]) == 1
    assert capsys.readouterr().err.strip() == "Fout: Gebruiker 'piet' bestaat niet."
