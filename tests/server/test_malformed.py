"""Malformed input gets a 4xx with a Dutch {code, message}, stores nothing and logs no values."""

from __future__ import annotations

import json
import logging
import uuid
import warnings

import httpx
import pytest
from fastapi import Request
from sqlalchemy import select

from tests.serverproc import serving
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.limits import BODY_LIMITS
from wmo_desk.server.models import User
from wmo_desk.sync.protocol import MAX_REVISION

with warnings.catch_warnings():
    # Starlette asks for httpx2; the project's dev dependencies install httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
SECRET = "geheim-1234"  # stands for a typed username or a BSN: must never reach a log
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}


def _add_user(url: str) -> None:
    db = ServerDatabase.open(url)
    try:
        with db.session_scope() as session:
            auth.create_user(
                session,
                username="sanne",
                password=PASSWORD,
                display_name="Sanne de Wit",
                role="consulent",
                municipality_code="0828",
            )
    finally:
        db.close()


class Server:
    """The app on one database, signed in as sanne."""

    def __init__(self, app, client: TestClient) -> None:
        self.app = app
        self.client = client
        body = client.post("/api/v1/login", json={"username": "sanne", "password": PASSWORD})
        self.headers = {"Authorization": f"Bearer {body.json()['token']}", **JSON}
        self.user_id = body.json()["user"]["id"]

    def push_raw(self, body: str | bytes):
        return self.client.post("/api/v1/sync/push", content=body, headers=self.headers)

    def stored(self) -> tuple[int, int, int]:
        """Records other than accounts, applied changes, sign-in sessions."""
        with self.app.state.db.engine.connect() as conn:
            return tuple(
                conn.exec_driver_sql(sql).scalar()
                for sql in (
                    "SELECT count(*) FROM records WHERE record_type <> 'user'",
                    "SELECT count(*) FROM applied_changes",
                    "SELECT count(*) FROM sessions",
                )
            )


@pytest.fixture
def server(server_db_url, caplog):
    caplog.set_level(logging.INFO)
    _add_user(server_db_url)
    app = create_app(server_db_url)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(app, client)


def _change(payload_json: str) -> str:
    """A push body of one change whose payload is ``payload_json`` as written (escapes kept)."""
    head = json.dumps(
        {
            "change_id": str(uuid.uuid4()),
            "record_type": "client",
            "record_id": str(uuid.uuid4()),
            "municipality_code": "0828",
        }
    )
    return f'{{"changes": [{head[:-1]}, "payload": {payload_json}}}]}}'


def _refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message"] and body["message"].isprintable()
    return body


@pytest.mark.parametrize(
    ("payload", "what"),
    [
        ('{"naam": "Jansen", "tekst": "\\ud800"}', "losse surrogaat"),
        ('{"naam": "Jansen", "regels": ["ok", {"x": "\\udfff"}]}', "Veld regels[1].x"),
        ('{"naam\\ud83d": "Jansen"}', "De veldnaam bevat"),
        # stored, it would fail every later pull that holds it (a serialiser's recursion limit)
        ('{"naam": "Jansen", "a": ' + "[" * 300 + "]" * 300 + "}", "te diep genest"),
        ('{"naam": "Jansen", "bedrag": NaN}', "oneindig of geen getal"),
    ],
)
def test_a_payload_no_server_can_store_refuses_the_push_in_dutch_and_nothing_is_stored(
    server, caplog, payload, what
):
    before = server.stored()
    body = _refused(server.push_raw(_change(payload)), 422, "invalid_request")
    assert what in body["message"]
    assert body["fields"] == ["body.changes.0.payload"]
    assert server.stored() == before
    assert "Jansen" not in caplog.text and "Jansen" not in json.dumps(body)


def test_one_bad_change_refuses_the_whole_push(server):
    good = json.loads(_change('{"tekst": "goed"}'))["changes"][0]
    bad = json.loads(_change('{"tekst": "fout\\ud800"}'))["changes"][0]
    before = server.stored()
    body = _refused(server.push_raw(json.dumps({"changes": [good, bad]})), 422, "invalid_request")
    assert body["fields"] == ["body.changes.1.payload"]
    assert server.stored() == before


@pytest.mark.parametrize("text", ["Jansen\\u0000", "\\u001b[31m", "\\u202eneslaJ"])
def test_a_control_or_bidi_character_in_a_payload_is_answered_per_change(server, text):
    """The record rules (sync/records.py) refuse it for just that change; never a 5xx, and
    never stored other than exactly as sent."""
    response = server.push_raw(_change('{"tekst": "' + text + '"}'))
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    if result["status"] == "forbidden":
        assert server.stored()[0] == 0
    else:
        pulled = server.client.get("/api/v1/sync/pull", headers=server.headers).json()
        stored = [r["payload"] for r in pulled["records"] if r["record_type"] != "user"]
        assert stored == [{"tekst": json.loads('"' + text + '"')}]


BAD_REQUEST = (422, "bad_request")


@pytest.mark.parametrize(
    ("headers", "body", "answer"),
    [
        (JSON, json.dumps({"username": f"sanne\x00{SECRET}", "password": PASSWORD}), BAD_REQUEST),
        (JSON, json.dumps({"username": f"\ud800{SECRET}", "password": PASSWORD}), BAD_REQUEST),
        (JSON, json.dumps({"username": f"\u202e{SECRET}", "password": PASSWORD}), BAD_REQUEST),
        (FORM, f"username=sanne%00{SECRET}&password=x", BAD_REQUEST),
        (FORM, b"username=\xff\xfe" + SECRET.encode() + b"&password=x", BAD_REQUEST),
        # a percent-encoded surrogate decodes to U+FFFD: just an unknown user
        (FORM, f"username=%ED%A0%80{SECRET}&password=x", (401, "bad_credentials")),
    ],
)
def test_a_bad_username_is_refused_and_never_logged(server, caplog, headers, body, answer):
    before = server.stored()
    response = server.client.post("/api/v1/login", content=body, headers=headers)
    _refused(response, *answer)
    assert server.stored() == before
    assert SECRET not in caplog.text


def test_a_lone_surrogate_in_the_password_is_a_refusal_not_a_crash(server):
    body = json.dumps({"username": "sanne", "password": "\ud800"})
    response = server.client.post("/api/v1/login", content=body, headers=JSON)
    _refused(response, 422, "bad_request")


def test_since_above_64_bits_is_refused_and_the_highest_revision_is_not(server):
    response = server.client.get(
        "/api/v1/sync/pull", params={"since": MAX_REVISION + 1}, headers=server.headers
    )
    body = _refused(response, 422, "invalid_request")
    assert body["fields"] == ["query.since"]
    highest = server.client.get(
        "/api/v1/sync/pull", params={"since": MAX_REVISION}, headers=server.headers
    )
    assert highest.status_code == 200
    assert highest.json()["records"] == []


def test_a_refused_request_never_echoes_what_was_sent(server, caplog):
    bsn = "123456782"
    payload = json.loads(_change("{}"))
    payload["changes"][0]["municipality_code"] = bsn
    payload["changes"][0]["base_revision"] = bsn + "x"
    body = _refused(server.push_raw(json.dumps(payload)), 422, "invalid_request")
    assert set(body["fields"]) == {
        "body.changes.0.municipality_code",
        "body.changes.0.base_revision",
    }
    assert bsn not in json.dumps(body) and bsn not in caplog.text


def test_a_body_that_is_not_json_is_refused_in_dutch(server):
    body = _refused(server.push_raw(b"{niet json"), 422, "invalid_request")
    assert body["message"] == "Het verzoek is ongeldig en is niet verwerkt."
    body = _refused(server.push_raw(b"\xff{geen utf-8"), 400, "bad_request")
    assert body["message"] == "Het verzoek kan niet worden gelezen."


def test_a_login_over_its_limit_is_refused_with_413(server):
    before = server.stored()
    big = json.dumps({"username": "sanne", "password": "x" * BODY_LIMITS["/api/v1/login"]})
    body = _refused(
        server.client.post("/api/v1/login", content=big, headers=JSON), 413, "too_large"
    )
    assert "64 KiB" in body["message"]

    def streamed():  # no Content-Length: counted as it arrives
        yield big[:1000].encode()
        yield big[1000:].encode()

    response = server.client.post("/api/v1/login", content=streamed(), headers=JSON)
    _refused(response, 413, "too_large")
    assert server.stored() == before


def test_a_push_over_16_mib_is_refused_with_413_and_nothing_is_stored(server):
    before = server.stored()
    limit = BODY_LIMITS["/api/v1/sync/push"]
    body = _change(json.dumps({"content": "A" * limit}))
    body = _refused(server.push_raw(body), 413, "too_large")
    assert "16 MiB" in body["message"]
    assert server.stored() == before
    # just under the limit still goes through
    fits = _change(json.dumps({"content": "A" * (limit - 1000)}))
    assert server.push_raw(fits).status_code == 200


def test_an_unknown_address_gets_a_dutch_json_error(server):
    _refused(server.client.get("/api/v1/bestaat-niet"), 404, "not_found")
    _refused(server.client.delete("/api/v1/login"), 405, "method_not_allowed")


def test_input_the_database_refuses_is_a_4xx_and_its_value_is_not_logged(
    server, server_db_url, caplog
):
    """The last line behind the protocol's validation: a route that hands the database a raw
    username it cannot take (added here; every real route validates first)."""

    @server.app.post("/test/raw-lookup")
    async def raw_lookup(request: Request) -> dict:
        username = json.loads(await request.body())["username"]
        with request.app.state.db.session_scope() as session:
            session.scalar(select(User).where(User.username == username))
        return {"ok": True}

    unstorable = [f"\ud800{SECRET}"]
    if server_db_url.startswith("postgresql"):
        unstorable.append(f"sanne\x00{SECRET}")  # SQLite stores a NUL; PostgreSQL does not
    for username in unstorable:
        response = server.client.post(
            "/test/raw-lookup", content=json.dumps({"username": username})
        )
        _refused(response, 400, "invalid_data")
    assert SECRET not in caplog.text


def test_the_real_server_refuses_bad_text_without_a_traceback_or_the_username(
    server_db_url, tmp_path
):
    _add_user(server_db_url)
    log = tmp_path / "server.log"
    with serving(server_db_url, log) as base:
        api = f"{base}/api/v1"
        for username in (f"sanne\x00{SECRET}", f"\ud800{SECRET}"):
            response = httpx.post(
                f"{api}/login",
                content=json.dumps({"username": username, "password": PASSWORD}),
                headers=JSON,
            )
            assert response.status_code == 422, response.text
        token = httpx.post(f"{api}/login", json={"username": "sanne", "password": PASSWORD}).json()[
            "token"
        ]
        for payload in (
            '{"tekst": "' + SECRET + '\\ud800"}',
            '{"a": ' + "[" * 300 + "]" * 300 + "}",
        ):
            response = httpx.post(
                f"{api}/sync/push",
                content=_change(payload),
                headers={"Authorization": f"Bearer {token}", **JSON},
            )
            assert response.status_code == 422, response.text
    text = log.read_text("utf-8", "replace")
    assert "POST /api/v1/sync/push 422" in text
    assert "Traceback" not in text and SECRET not in text
