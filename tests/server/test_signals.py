"""Signals to the meldpunt through the real server process, on SQLite and PostgreSQL: what is
stored, what is refused (and why, in Dutch), and the status coming back to the reporter."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import select

from tests.server.test_sync_api import CATALOGUE, PASSWORD, Api, case, change
from tests.serverproc import serving
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import AuditLogEntry, SignalReport, SignalStatusChange, User
from wmo_desk.server.records import publish_catalogue
from wmo_desk.server.signals_api import change_status
from wmo_desk.sync.signals import SignalStatus

USERS = {
    "sanne": ("consulent", "0828"),
    "ahmed": ("consulent", "0828"),
    "kees": ("consulent", "1721"),
    "meld": ("meldpunt", "0828"),
}
DESKTOP = ("sanne", "ahmed", "kees")
PROVIDER = "bnoo-actief-zorg-b-v"


@pytest.fixture
def server(server_db_url, tmp_path):
    db = ServerDatabase.open(server_db_url)
    with db.session_scope() as session:
        for name, (role, code) in USERS.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code=code,
            )  # fmt: skip
        publish_catalogue(session, json.loads(CATALOGUE.read_text("utf-8")))
    with (
        serving(server_db_url, tmp_path / "server.log") as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        api = Api(SimpleNamespace(state=SimpleNamespace(db=db)), client, DESKTOP)
        yield SimpleNamespace(db=db, api=api, client=client)
    db.close()


def signal(**fields):
    body = {
        "signal_id": str(uuid.uuid4()),
        "provider_id": PROVIDER,
        "kind": "kwaliteit",
        "what_happened": "De begeleider kwam drie weken niet opdagen.",
        "occurred_on": "2026-11-20",
    }
    return {**body, **fields}


def post(server, user, body):
    return server.client.post(
        "/api/v1/signals",
        json=body,
        headers={"Authorization": f"Bearer {server.api.tokens[user]}"},
    )


def mine(server, user, since=0):
    response = server.client.get(
        "/api/v1/signals/mine",
        params={"since": since},
        headers={"Authorization": f"Bearer {server.api.tokens[user]}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def client_of(server, user):
    """A client and a case of ``user`` on the server; returns the client's id."""
    client = change("client")
    results = server.api.push(user, [client, case(server.api, user, client)])
    assert [r["status"] for r in results] == ["applied", "applied"]
    return client["record_id"]


def stored(server):
    with server.db.session_scope() as session:
        return {
            str(s.id): (
                s.reporter_id,
                s.provider_id,
                s.provider_name,
                s.kind,
                s.status,
                s.client_id,
            )
            for s in session.scalars(select(SignalReport))
        }


def test_a_signal_is_stored_once_with_its_first_history_row(server):
    body = signal()
    first = post(server, "sanne", body)
    assert first.status_code == 200, first.text
    assert first.json()["status"] == "ontvangen" and first.json()["duplicate"] is False
    again = post(server, "sanne", body)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    rows = stored(server)
    assert len(rows) == 1
    reporter, provider, name, kind, status, client = rows[body["signal_id"]]
    assert (provider, kind, status, client) == (PROVIDER, "kwaliteit", "ontvangen", None)
    assert str(reporter) == server.api.ids["sanne"] and name
    with server.db.session_scope() as session:
        history = session.scalars(select(SignalStatusChange)).all()
        assert [(h.status, str(h.signal_id)) for h in history] == [("ontvangen", body["signal_id"])]


def test_a_client_only_with_consent_and_only_ones_own(server):
    own = client_of(server, "sanne")
    colleague = client_of(server, "ahmed")
    no_consent = post(server, "sanne", signal(client_id=own))
    assert no_consent.status_code == 422
    assert "toestemming" in no_consent.json()["message"]
    theirs = post(
        server, "sanne", signal(client_id=colleague, consent=True, consent_on="2026-11-21")
    )
    assert theirs.status_code == 403
    assert theirs.json()["code"] == "unknown_client"
    assert "niet een cliënt van u" in theirs.json()["message"]
    body = signal(client_id=own, consent=True, consent_on="2026-11-21", kind="fraude")
    ok = post(server, "sanne", body)
    assert ok.status_code == 200, ok.text
    assert set(stored(server)) == {body["signal_id"]}
    assert str(stored(server)[body["signal_id"]][5]) == own
    with server.db.session_scope() as session:
        logged = session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "signal.received")
        ).all()
        assert [e.client_id for e in logged] == [own]


def test_an_unknown_provider_and_a_taken_id_are_refused(server):
    unknown = post(server, "sanne", signal(provider_id="niet-in-de-catalogus"))
    assert unknown.status_code == 409
    assert unknown.json()["code"] == "unknown_provider"
    assert "catalogus" in unknown.json()["message"]
    body = signal()
    assert post(server, "sanne", body).status_code == 200
    taken = post(server, "ahmed", {**body, "what_happened": "Iets anders."})
    assert taken.status_code == 409 and taken.json()["code"] == "signal_taken"
    assert len(stored(server)) == 1


BAD = [
    {"what_happened": ""},
    {"what_happened": "   "},
    {"what_happened": "x" * 4001},
    {"what_happened": "kwam niet\u202e"},
    {"what_happened": "nul\x00teken"},
    {"kind": "klacht"},
    {"occurred_on": "gisteren"},
    {"provider_id": "../../etc"},
    {"provider_id": ""},
    {"consent": True},
    {"consent_on": "2026-11-21"},
    {"signal_id": "geen-uuid"},
    {"extra": 1},
]


def test_bad_input_is_refused_in_dutch_and_nothing_is_stored(server):
    for body in BAD:
        answer = post(server, "sanne", signal(**body))
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["message"].startswith("Het verzoek is ongeldig"), body
    for raw in (b"", b"[]", b"{", "\ud800".encode("utf-8", "surrogatepass")):
        answer = server.client.post(
            "/api/v1/signals",
            content=raw,
            headers={
                "Authorization": f"Bearer {server.api.tokens['sanne']}",
                "Content-Type": "application/json",
            },
        )
        assert 400 <= answer.status_code < 500, raw
    assert stored(server) == {}


def test_a_web_account_cannot_report_nor_pull(server):
    token = server.client.post(
        "/api/v1/login", json={"username": "meld", "password": PASSWORD}
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    refused = server.client.post("/api/v1/signals", json=signal(), headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    assert server.client.get("/api/v1/signals/mine", headers=headers).status_code == 403
    assert stored(server) == {}


def test_the_reporter_pulls_the_status_the_meldpunt_set(server):
    body = signal(kind="calamiteit")
    assert post(server, "sanne", body).status_code == 200
    other = signal()
    assert post(server, "kees", {**other, "provider_id": PROVIDER}).status_code == 200
    page = mine(server, "sanne")
    assert [(s["signal_id"], s["status"]) for s in page["signals"]] == [
        (body["signal_id"], "ontvangen")
    ]
    cursor = page["next_since"]
    assert mine(server, "sanne", cursor)["signals"] == []
    with server.db.session_scope() as session:
        desk = session.scalar(select(User).where(User.username == "meld"))
    change_status(
        server.db,
        desk,
        uuid.UUID(body["signal_id"]),
        SignalStatus.TOEZICHT,
        "Naar de toezichthouder: mogelijk structureel.",
        datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
    )
    page = mine(server, "sanne", cursor)
    assert [(s["signal_id"], s["status"]) for s in page["signals"]] == [
        (body["signal_id"], "overgedragen_aan_toezicht")
    ]
    assert page["next_since"] > cursor
    with server.db.session_scope() as session:
        history = session.scalars(
            select(SignalStatusChange)
            .where(SignalStatusChange.signal_id == uuid.UUID(body["signal_id"]))
            .order_by(SignalStatusChange.id)
        ).all()
        assert [(h.status, h.note) for h in history] == [
            ("ontvangen", ""),
            ("overgedragen_aan_toezicht", "Naar de toezichthouder: mogelijk structureel."),
        ]
        assert history[1].by_user_id == desk.id
    assert [s["status"] for s in mine(server, "kees")["signals"]] == ["ontvangen"]
