"""Desktops syncing with a server: profiles on disk, the server app in-process (TestClient)."""

from __future__ import annotations

import pytest

from tests.conftest import TODAY
from tests.fakes import memory_keyring_backend
from tests.synckit import SERVER_URL, Desktops, Server, TestClient, make_server


@pytest.fixture(autouse=True)
def memory_keyring():
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring_backend())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def server(tmp_path):
    app = make_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with TestClient(app, base_url=SERVER_URL) as http:
        yield Server(app, http)


@pytest.fixture
def desktops(tmp_path, server):
    opened = Desktops(tmp_path, server, TODAY)
    yield opened
    opened.close()
