"""s0007 (the regional web roles) on a database in use: users, sign-ins and records at s0006
survive the upgrade, the new roles can be given, an unknown role is still refused; on SQLite
(where the CHECK is changed in place) and on PostgreSQL."""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.server.test_sync_api import PASSWORD
from wmo_desk.server import auth
from wmo_desk.server.db import alembic_config
from wmo_desk.server.models import AuthSession, Record, User
from wmo_desk.storage.engine import make_engine

NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


def _migrate(engine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    return request.getfixturevalue("postgres_url")


def test_upgrade_to_s0007_keeps_sign_ins_and_records_and_allows_the_web_roles(database_url):
    engine = make_engine(database_url)
    _migrate(engine, "s0006")
    record_id = uuid.uuid4()
    with Session(engine) as session, session.begin():
        user = auth.create_user(
            session, username="tl", password=PASSWORD, display_name="Tl",
            role="teamleider", municipality_code="0828",
        )  # fmt: skip
        session.flush()
        # a sign-in as s0006 stored it (the back-off of later revisions needs their tables)
        token = secrets.token_urlsafe(32)
        session.add(
            AuthSession(
                token_hash=auth.hash_token(token), user_id=user.id, created_at=NOW,
                expires_at=NOW + timedelta(hours=12),
            )
        )  # fmt: skip
        revision = (session.scalar(select(func.max(Record.revision))) or 0) + 1
        session.add(
            Record(
                record_type="case", record_id=record_id, municipality_code="0828",
                owner_user_id=user.id, case_id=record_id, client_id=None, revision=revision,
                payload=json.dumps({"melding_date": "2026-11-02"}), deleted=False,
                updated_at=NOW, written_in=auth.hash_token(token),
            )
        )  # fmt: skip

    _migrate(engine, "head")

    with Session(engine) as session, session.begin():
        # the sign-in still opens: the session row and its user are untouched
        assert auth.user_for_token(session, token, now=NOW + timedelta(minutes=5)).username == "tl"
        assert session.scalar(select(func.count()).select_from(AuthSession)) == 1
        record = session.scalar(select(Record).where(Record.record_id == record_id))
        assert json.loads(record.payload) == {"melding_date": "2026-11-02"}
        assert record.written_in == auth.hash_token(token)
        auth.create_user(
            session, username="regio.oss", password=PASSWORD, display_name="Regiobureau Oss",
            role="regio", municipality_code="0828",
        )  # fmt: skip
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(
            User(username="x", password_hash="x", display_name="X", role="beheerder",
                 municipality_code="0828")
        )  # fmt: skip
    with Session(engine) as session:
        assert sorted(session.scalars(select(User.role))) == ["regio", "teamleider"]
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()
