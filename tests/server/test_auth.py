"""Logging in: good and wrong passwords, and expired, revoked or unknown tokens get their own code."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.models import User

with warnings.catch_warnings():
    # Starlette asks for httpx2; the project's dev dependencies install httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


@pytest.fixture
def app(server_db_url):
    app = create_app(server_db_url)
    with app.state.db.session_scope() as session:
        auth.create_user(
            session,
            username="sanne",
            password=PASSWORD,
            display_name="Sanne de Wit",
            role="consulent",
            municipality_code="0828",
        )
    with TestClient(app) as client:
        app.state.client = client
        yield app


def _login(app, username="sanne", password=PASSWORD):
    return app.state.client.post("/api/v1/login", json={"username": username, "password": password})


def _pull(app, token):
    return app.state.client.get("/api/v1/sync/pull", headers={"Authorization": f"Bearer {token}"})


def test_login_gives_a_token_that_opens_the_api(app):
    response = _login(app)
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "sanne"
    assert body["user"]["role"] == "consulent" and body["user"]["municipality_code"] == "0828"
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=11) < expires - datetime.now(UTC) <= timedelta(hours=12)
    assert _pull(app, body["token"]).status_code == 200


def test_login_accepts_a_form_too(app):
    response = app.state.client.post(
        "/api/v1/login", data={"username": "sanne", "password": PASSWORD}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_only_the_hash_of_the_token_is_stored(app):
    token = _login(app).json()["token"]
    with app.state.db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM sessions").scalars().all()
    assert stored == [auth.hash_token(token)] and token not in stored


@pytest.mark.parametrize(
    ("username", "password"), [("sanne", "wrong password"), ("piet", PASSWORD)]
)
def test_wrong_password_and_unknown_user_are_the_same_refusal(app, username, password):
    response = _login(app, username, password)
    assert response.status_code == 401
    assert response.json() == {
        "code": "bad_credentials",
        "message": "Gebruikersnaam of wachtwoord klopt niet.",
    }


def test_expired_token_has_its_own_code(app):
    with app.state.db.session_scope() as session:
        issued = auth.login(session, "sanne", PASSWORD, now=datetime.now(UTC) - timedelta(hours=13))
    response = _pull(app, issued.token)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.json()["message"] == "Uw sessie is verlopen. Meld u opnieuw aan."
    assert response.headers["www-authenticate"] == "Bearer"


def test_revoked_token_has_its_own_code(app):
    token = _login(app).json()["token"]
    with app.state.db.session_scope() as session:
        assert auth.revoke_sessions(session, "sanne") == 1
    response = _pull(app, token)
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic c2FubmU6eA=="])
def test_missing_or_unknown_token_is_invalid(app, header):
    headers = {"Authorization": header} if header else {}
    response = app.state.client.get("/api/v1/sync/pull", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_an_inactive_user_can_no_longer_use_a_token(app):
    token = _login(app).json()["token"]
    with app.state.db.session_scope() as session:
        session.execute(update(User).values(active=False))
    assert _pull(app, token).json()["code"] == "user_inactive"
    assert _login(app).json()["code"] == "user_inactive"


def test_invalid_accounts_are_refused_in_dutch(app):
    with app.state.db.session_scope() as session:
        with pytest.raises(auth.AccountError, match="Gemeentecode"):
            auth.create_user(
                session,
                username="kees",
                password=PASSWORD,
                display_name="Kees",
                role="consulent",
                municipality_code="828",
            )
        with pytest.raises(auth.AccountError, match="bestaat al"):
            auth.create_user(
                session,
                username="sanne",
                password=PASSWORD,
                display_name="Sanne",
                role="consulent",
                municipality_code="0828",
            )
