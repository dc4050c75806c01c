"""Shared fixtures: a fixed date, fresh profile folders, the demo profile."""

from __future__ import annotations

import os
from datetime import date

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.fakes import FakeClock

TODAY = date(2026, 11, 23)
#: the database key of test databases opened without a profile (the app's come from the keyring)
TEST_KEY = bytes(range(32))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(TODAY)


@pytest.fixture
def db(tmp_path):
    from wmo_desk.storage.database import Database

    database = Database.open_file(tmp_path / "wmo_desk.sqlite", TEST_KEY)
    yield database
    database.close()


@pytest.fixture
def demo_ctx(tmp_path, clock):
    """A profile set up like ``wmo-desk --demo``: Oss in BNO-O, 30 cases."""
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.demo import fill_demo

    ctx = AppContext.open(tmp_path / "profile", clock)
    fill_demo(ctx)
    yield ctx
    ctx.close()


def iwmo_dir():
    """The official iWmo 3.2 schemas: beside the project in ../shared (or $WMO_DESK_IWMO_DIR)."""
    from pathlib import Path

    override = os.environ.get("WMO_DESK_IWMO_DIR")
    folder = (
        Path(override) if override else Path(__file__).resolve().parents[2] / "shared" / "iwmo-3.2"
    )
    if not (folder / "WMO301.xsd").exists():
        raise FileNotFoundError(f"iWmo 3.2 schemas not found in {folder}: set WMO_DESK_IWMO_DIR")
    return folder


@pytest.fixture(scope="session")
def postgres_cluster():
    """A private PostgreSQL cluster for the whole session (tests/postgres.py); never skipped."""
    from tests.postgres import start_cluster

    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster):
    """A fresh empty database for this test: ``postgresql+psycopg://postgres@127.0.0.1:PORT/NAME``."""
    name = postgres_cluster.create_database()
    yield postgres_cluster.url(name)
    postgres_cluster.drop_database(name)


@pytest.fixture(autouse=True)
def memory_keyring():
    """Profile keys and sign-in tokens in memory: the OS keyring is never touched by tests."""
    import keyring

    from tests.fakes import memory_keyring_backend

    previous = keyring.get_keyring()
    backend = memory_keyring_backend()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def server(tmp_path, memory_keyring):
    """The regional server in-process (tests/synckit.py), with the accounts of ACCOUNTS."""
    from tests.synckit import SERVER_URL, Server, TestClient, make_server

    app = make_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    with TestClient(app, base_url=SERVER_URL) as http:
        yield Server(app, http)


@pytest.fixture
def desktops(tmp_path, server):
    """Desktop profiles beside each other, all talking to ``server``."""
    from tests.synckit import Desktops

    opened = Desktops(tmp_path, server, TODAY)
    yield opened
    opened.close()
