"""s0008 (signals to the meldpunt) on a database in use, on SQLite and PostgreSQL: the tables
come with their checks (a client only with a consent date), and go again on a downgrade with
the accounts untouched."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.server.test_migration_s0007 import _migrate
from tests.server.test_sync_api import PASSWORD
from wmo_desk.server import auth
from wmo_desk.server.db import alembic_config
from wmo_desk.server.models import SignalReport, SignalStatusChange, User
from wmo_desk.storage.engine import make_engine

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    return request.getfixturevalue("postgres_url")


def _signal(reporter: uuid.UUID, **fields) -> SignalReport:
    values = dict(
        id=uuid.uuid4(), municipality_code="0828", reporter_id=reporter,
        provider_id="bnoo-actief-zorg-b-v", provider_name="Actief Zorg B.V.", kind="kwaliteit",
        what_happened="Kwam niet.", occurred_on=date(2026, 11, 20), status="ontvangen",
        received_at=NOW, status_at=NOW, status_seq=0,
    )  # fmt: skip
    return SignalReport(**{**values, **fields})


def test_s0008_adds_the_signal_tables_and_a_downgrade_removes_them(database_url):
    engine = make_engine(database_url)
    _migrate(engine, "s0007")
    with Session(engine) as session, session.begin():
        user = auth.create_user(
            session, username="sanne", password=PASSWORD, display_name="Sanne",
            role="consulent", municipality_code="0828",
        )  # fmt: skip
        session.flush()
        user_id = user.id
    _migrate(engine, "s0008")
    with Session(engine) as session, session.begin():
        signal = _signal(user_id)
        session.add(signal)
        session.flush()
        session.add(
            SignalStatusChange(
                signal_id=signal.id, status="ontvangen", at=NOW, by_user_id=user_id, note=""
            )
        )
    for bad in ({"client_id": uuid.uuid4()}, {"kind": "klacht"}, {"status": "verdwenen"}):
        with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
            session.add(_signal(user_id, **bad))
    with Session(engine) as session:
        assert len(session.scalars(select(SignalReport)).all()) == 1
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "s0007")
    tables = set(inspect(engine).get_table_names())
    assert not {"signals", "signal_history"} & tables
    with Session(engine) as session:
        assert session.scalars(select(User.username)).all() == ["sanne"]
    engine.dispose()
