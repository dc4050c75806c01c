"""Accounts over time: sign-in back-off and lockout, deactivation, new passwords, old sessions."""

from __future__ import annotations

import hashlib
import json
import subprocess
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from tests.serverproc import server_cli, serving
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import AuthSession, LoginFailure, Record, User
from wmo_desk.server.throttle import ADDRESS_LIMIT
from wmo_desk.sync.client import ServerClient, ServerError

with warnings.catch_warnings():
    # Starlette asks for httpx2; the project's dev dependencies install httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
NEW_PASSWORD = "paard batterij nietje"
# The app's clock stands still at START; tokens are checked against the real time, so near it.
START = datetime.now(UTC).replace(microsecond=0)
LOCKED_TEXT = "Te veel mislukte aanmeldpogingen. Probeer het over {} opnieuw."


class Clock:
    """The server clock of the app under test: it says what the test sets."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _users(app, *names):
    with app.state.db.session_scope() as session:
        for name in names:
            auth.create_user(
                session,
                username=name,
                password=PASSWORD,
                display_name=name.title(),
                role="teamleider" if name == "tl" else "consulent",
                municipality_code="0828",
            )


@pytest.fixture
def app(server_db_url):
    app = create_app(server_db_url)
    _users(app, "sanne", "ahmed", "tl")
    app.state.clock = Clock(START)
    with TestClient(app) as client:
        app.state.client = client
        yield app


def _login(app, username="sanne", password=PASSWORD, client=None):
    return (client or app.state.client).post(
        "/api/v1/login", json={"username": username, "password": password}
    )


def _pull(app, token):
    return app.state.client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})


def _fail(app, times, username="sanne", client=None):
    for _ in range(times):
        response = _login(app, username, "wrong password", client)
        assert response.status_code == 401, response.text
        assert response.json()["code"] == "bad_credentials"


def test_five_wrong_passwords_lock_the_username_even_for_the_right_password(app):
    _fail(app, 5)
    response = _login(app)
    assert response.status_code == 429
    assert response.json() == {
        "code": "too_many_attempts",
        "message": LOCKED_TEXT.format("5 minuten"),
        "retry_after": 300,
    }
    assert response.headers["retry-after"] == "300"
    # the same name typed otherwise is the same account to the back-off
    assert _login(app, " SANNE ").status_code == 429
    # a colleague at the same address signs in as usual
    assert _login(app, "ahmed").status_code == 200


def test_the_lock_counts_down_and_then_the_right_password_works_and_resets_the_count(app):
    _fail(app, 5)
    app.state.clock.now = START + timedelta(minutes=4, seconds=30)
    response = _login(app)
    assert response.json()["message"] == LOCKED_TEXT.format("1 minuut")
    assert response.json()["retry_after"] == 30

    app.state.clock.now = START + timedelta(minutes=5, seconds=1)
    response = _login(app)
    assert response.status_code == 200
    assert _pull(app, response.json()["token"]).status_code == 200
    _fail(app, 4)
    assert _login(app).status_code == 200


def test_a_wrong_password_after_the_lock_locks_again_until_the_window_has_passed(app):
    _fail(app, 5)
    app.state.clock.now = START + timedelta(minutes=6)
    _fail(app, 1)
    assert _login(app).json()["retry_after"] == 300
    app.state.clock.now = START + timedelta(minutes=11, seconds=1)
    assert _login(app).status_code == 200


def test_twenty_failures_from_one_address_lock_that_address_for_every_username(app):
    for name in ("piet", "klaas", "jan", "marie"):
        _fail(app, 4, name)
    _fail(app, 4, "ahmed")
    response = _login(app, "sanne")
    assert response.status_code == 429
    assert response.json()["message"] == LOCKED_TEXT.format("5 minuten")
    elsewhere = TestClient(app, client=("192.0.2.7", 50000))
    assert _login(app, "sanne", client=elsewhere).status_code == 200


def test_failed_sign_ins_are_stored_as_hashes_only(app):
    _fail(app, 2, "piet.onbekend")
    with app.state.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT scope, key_hash FROM login_failures").all()
    assert sorted(scope for scope, _ in rows) == ["address", "address", "user", "user"]
    stored = json.dumps([list(row) for row in rows])
    assert "piet" not in stored and "testclient" not in stored
    # keyed with the database's own secret: trying usernames with plain SHA-256 finds nothing
    unkeyed = {hashlib.sha256(v.encode()).hexdigest() for v in ("piet.onbekend", "testclient")}
    assert not unkeyed & {key_hash for _, key_hash in rows}
    with app.state.db.engine.connect() as conn:
        secret = conn.exec_driver_sql("SELECT value FROM server_keys WHERE name = 'throttle'")
        assert len(bytes.fromhex(secret.scalar_one())) == 32


def test_the_desktop_shows_the_servers_wait_message(app):
    client = ServerClient("http://testserver", http=app.state.client)
    for _ in range(5):
        with pytest.raises(ServerError) as refused:
            client.sign_in("sanne", "wrong password")
        assert refused.value.code == "bad_credentials"
    with pytest.raises(ServerError) as refused:
        client.sign_in("sanne", PASSWORD)
    assert refused.value.code == "too_many_attempts"
    assert refused.value.title == "Even wachten"
    assert refused.value.message == LOCKED_TEXT.format("5 minuten")


def test_a_deactivated_account_loses_its_sessions_and_cannot_sign_in_until_activated(app):
    token = _login(app).json()["token"]
    lead = _login(app, "tl").json()["token"]
    with app.state.db.session_scope() as session:
        assert auth.set_active(session, "sanne", False) == 1
    assert _pull(app, token).status_code == 401
    assert _pull(app, token).json()["code"] == "token_revoked"
    response = _login(app)
    assert response.status_code == 401
    assert response.json() == {
        "code": "user_inactive",
        "message": "Dit account is uitgeschakeld. Neem contact op met de beheerder.",
    }
    # colleagues' desktops learn it from the published account
    accounts = {
        r["payload"]["name"]: r["payload"]["active"]
        for r in _pull(app, lead).json()["records"]
        if r["record_type"] == "user"
    }
    assert accounts == {"Sanne": False, "Ahmed": True, "Tl": True}

    with app.state.db.session_scope() as session:
        assert auth.set_active(session, "sanne", True) == 0
    response = _login(app)
    assert response.status_code == 200
    assert _pull(app, response.json()["token"]).status_code == 200
    assert _pull(app, token).json()["code"] == "token_revoked"


def test_a_new_password_replaces_the_old_one_and_revokes_the_sessions(app):
    token = _login(app).json()["token"]
    with app.state.db.session_scope() as session:
        with pytest.raises(auth.AccountError, match="minstens 10 tekens"):
            auth.set_password(session, "sanne", "kort")
        assert auth.set_password(session, "sanne", NEW_PASSWORD) == 1
    assert _pull(app, token).json()["code"] == "token_revoked"
    assert _login(app).json()["code"] == "bad_credentials"
    response = _login(app, password=NEW_PASSWORD)
    assert response.status_code == 200
    assert _pull(app, response.json()["token"]).status_code == 200


def test_a_new_password_lifts_the_lock(app):
    _fail(app, 5)
    with app.state.db.session_scope() as session:
        auth.set_password(session, "sanne", NEW_PASSWORD)
    assert _login(app, password=NEW_PASSWORD).status_code == 200


def _sessions(app):
    with app.state.db.session_scope() as session:
        return {row.expires_at: row.revoked_at for row in session.scalars(select(AuthSession))}


def _session_at(app, created, *, revoke=False):
    with app.state.db.session_scope() as session:
        session.add(
            AuthSession(
                token_hash=auth.hash_token(f"token {created}"),
                user_id=session.scalar(select(User.id).where(User.username == "ahmed")),
                created_at=created,
                expires_at=created + timedelta(hours=12),
                revoked_at=created + timedelta(hours=1) if revoke else None,
            )
        )


def test_sessions_expired_or_revoked_over_a_week_ago_are_purged_and_live_ones_kept(app):
    hours12 = timedelta(hours=12)
    _session_at(app, START - timedelta(days=8), revoke=True)  # revoked 8 days ago
    _session_at(app, START - timedelta(days=9))  # expired 8.5 days ago
    _session_at(app, START - timedelta(days=2))  # expired, but recently
    _session_at(app, START - timedelta(hours=1))  # live
    with app.state.db.session_scope() as session:
        assert auth.purge_sessions(session, now=START) == 2
    assert set(_sessions(app)) == {
        START - timedelta(days=2) + hours12,
        START - timedelta(hours=1) + hours12,
    }


def test_a_sign_in_purges_old_sessions_too(app):
    _session_at(app, START - timedelta(days=9))
    token = _login(app).json()["token"]
    assert list(_sessions(app)) == [START + timedelta(hours=12)]
    assert _pull(app, token).status_code == 200


def _run(*args):
    return subprocess.run(server_cli(*args), capture_output=True, text=True, timeout=60)


def _account(app, username="sanne"):
    """The stored account: (active, its sessions' revoked_at in sign-in order)."""
    with app.state.db.session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        sessions = session.scalars(
            select(AuthSession)
            .where(AuthSession.user_id == user.id)
            .order_by(AuthSession.created_at)
        )
        return user.active, [s.revoked_at is not None for s in sessions]


def test_the_account_commands_deactivate_activate_and_set_a_password(server_db_url, tmp_path):
    """The CLI's --db on SQLite and on PostgreSQL: the stored account and sessions change."""
    url = server_db_url
    app = create_app(url)
    _users(app, "sanne")
    with TestClient(app) as client:
        app.state.client = client
        token = _login(app).json()["token"]

        done = _run("deactivate", "--db", url, "--username", "sanne")
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "Account sanne uitgeschakeld; 1 sessie(s) ingetrokken."
        assert _pull(app, token).json()["code"] == "token_revoked"
        assert _account(app) == (False, [True])
        assert _login(app).json()["code"] == "user_inactive"
        with app.state.db.session_scope() as session:
            published = session.scalar(select(Record).where(Record.record_type == "user"))
            assert json.loads(published.payload)["active"] is False

        done = _run("deactivate", "--db", url, "--username", "piet")
        assert done.returncode == 1
        assert done.stderr.strip() == "Fout: Gebruiker 'piet' bestaat niet."

        assert _run("activate", "--db", url, "--username", "sanne").returncode == 0
        assert _account(app) == (True, [True])
        token = _login(app).json()["token"]

        secret = tmp_path / "wachtwoord.txt"
        secret.write_text("kort\n", encoding="utf-8")
        done = _run(
            "set-password", "--db", url, "--username", "sanne", "--password-file", str(secret)
        )
        assert (done.returncode, done.stderr.strip()) == (
            1,
            "Fout: Wachtwoord: minstens 10 tekens.",
        )
        secret.write_text(NEW_PASSWORD + "\n", encoding="utf-8")
        done = _run(
            "set-password", "--db", url, "--username", "sanne", "--password-file", str(secret)
        )
        assert done.stdout.strip() == "Wachtwoord van sanne gewijzigd; 1 sessie(s) ingetrokken."
        assert _pull(app, token).json()["code"] == "token_revoked"
        assert _account(app) == (True, [True, True])
        assert _login(app, password=NEW_PASSWORD).status_code == 200

        done = _run("purge-sessions", "--db", url)
        assert done.stdout.strip() == "0 oude sessie(s) verwijderd."


def test_parallel_wrong_passwords_at_the_limit_get_one_try_between_them(server_db_url, tmp_path):
    """Through the real server process: an attempt counts before its password is checked, so
    eight simultaneous guesses after four failures give one more try, not eight."""
    db = ServerDatabase.open(server_db_url)
    with db.session_scope() as session:
        auth.create_user(
            session, username="sanne", password=PASSWORD, display_name="Sanne",
            role="consulent", municipality_code="0828",
        )  # fmt: skip
    with serving(server_db_url, tmp_path / "server.log") as root:

        def attempt(password: str) -> int:
            with httpx.Client(base_url=root, timeout=30) as client:
                response = client.post(
                    "/api/v1/login", json={"username": "sanne", "password": password}
                )
                return response.status_code

        assert [attempt("wrong password") for _ in range(4)] == [401] * 4
        with ThreadPoolExecutor(8) as pool:
            answers = sorted(pool.map(attempt, ["wrong password"] * 8))
        assert answers == [401] + [429] * 7
        assert attempt(PASSWORD) == 429
    with db.session_scope() as session:
        scopes = session.scalars(select(LoginFailure.scope)).all()
    db.close()
    # the refused attempts were not counted; the lock holds on five failures
    assert scopes.count("user") == 5


def test_a_good_sign_in_forgets_its_own_count_for_the_address(app):
    _fail(app, 3, "ahmed")
    assert _login(app, "sanne").status_code == 200
    with app.state.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT scope FROM login_failures").scalars().all()
    assert sorted(rows) == ["address"] * 3 + ["user"] * 3


def test_colleagues_behind_one_office_address_sign_in_at_once(server_db_url, tmp_path):
    """More sign-ins in progress from one address than its failure limit: none is refused
    (an attempt in progress counts against its username only, not against the address)."""
    names = [f"consulent{n:02d}" for n in range(ADDRESS_LIMIT + 5)]
    db = ServerDatabase.open(server_db_url)
    with db.session_scope() as session:
        for name in names:
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role="consulent", municipality_code="0828",
            )  # fmt: skip
    with serving(server_db_url, tmp_path / "server.log") as root:

        def sign_in(username: str) -> int:
            with httpx.Client(base_url=root, timeout=60) as client:
                answer = client.post(
                    "/api/v1/login", json={"username": username, "password": PASSWORD}
                )
                return answer.status_code

        with ThreadPoolExecutor(len(names)) as pool:
            assert list(pool.map(sign_in, names)) == [200] * len(names)
    with db.session_scope() as session:
        assert session.scalars(select(LoginFailure.scope)).all() == []
    db.close()
