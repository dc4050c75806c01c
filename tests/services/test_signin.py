"""Signing in to a real (in-process) regional server; the token in the keyring, never in a file."""

from __future__ import annotations

import warnings

import keyring
import keyring.backend
import pytest
from keyring.backends import fail

from tests.fakes import memory_keyring_backend
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.services.signin import KEYRING_SERVICE, SignInService, TokenStore
from wmo_desk.sync.client import ServerClient, ServerError

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "keukentafel-2026"


@pytest.fixture
def server(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with app.state.db.session_scope() as session:
        auth.create_user(
            session,
            username="sanne",
            password=PASSWORD,
            display_name="Sanne de Wit",
            role="consulent",
            municipality_code="0828",
        )
    with TestClient(app) as http:
        yield app, ServerClient("http://testserver", http=http)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = memory_keyring_backend()
    keyring.set_keyring(backend)
    yield backend.store
    keyring.set_keyring(previous)


def test_sign_in_keeps_the_token_in_the_keyring_only(server, memory_keyring, tmp_path):
    _app, client = server
    service = SignInService(client, TokenStore())
    state = service.sign_in("sanne", PASSWORD)
    assert state.signed_in and state.display_name == "Sanne de Wit" and state.remembered
    token = memory_keyring.secrets[(KEYRING_SERVICE, "sanne")]
    assert len(token) > 30
    # a later start finds the token and the server still accepts it
    again = SignInService(client, TokenStore())
    assert again.token("sanne") == token
    # and it is in no file of the profile or the server folder
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


def test_each_refusal_has_its_own_dutch_message(server, memory_keyring):
    app, client = server
    service = SignInService(client, TokenStore())
    with pytest.raises(ServerError) as info:
        service.sign_in("sanne", "fout")
    assert (
        info.value.code == "bad_credentials"
        and info.value.message == "Gebruikersnaam of wachtwoord klopt niet."
    )
    service.sign_in("sanne", PASSWORD)
    with app.state.db.session_scope() as session:
        auth.revoke_sessions(session, "sanne")
    with pytest.raises(ServerError) as info:
        client.check(memory_keyring.secrets[(KEYRING_SERVICE, "sanne")])
    assert info.value.code == "token_revoked" and "ingetrokken" in info.value.message
    # a revoked token is forgotten: the next start asks for the password
    assert SignInService(client, TokenStore()).token("sanne") is None
    assert (KEYRING_SERVICE, "sanne") not in memory_keyring.secrets


def test_unreachable_server_says_so_and_keeps_working_offline():
    client = ServerClient("http://127.0.0.1:9", timeout=2)
    with pytest.raises(ServerError) as info:
        client.sign_in("sanne", PASSWORD)
    assert info.value.code == "unreachable" and "offline doorwerken" in info.value.message


def test_without_a_keyring_backend_the_token_stays_in_memory(server):
    _app, client = server
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        store = TokenStore()
        service = SignInService(client, store)
        state = service.sign_in("sanne", PASSWORD)
        assert state.signed_in and not state.remembered
        assert store.get("sanne") == service.session.token
        # a new start (new store) has nothing: the password is asked again
        assert TokenStore().get("sanne") is None
    finally:
        keyring.set_keyring(previous)
