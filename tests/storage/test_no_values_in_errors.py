"""A database error's text never holds the statement's values: it may end up in a log or a
traceback, and the values may be a BSN or a name."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from wmo_desk.storage.engine import make_engine


def test_the_desktop_database_hides_values_in_errors(db):
    with pytest.raises(IntegrityError) as raised, db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO settings (key, value) VALUES (:k, :v), (:k, :v)"),
            {"k": "bsn", "v": "999990019 Jansen"},
        )
    assert "999990019" not in str(raised.value) and "Jansen" not in str(raised.value)
    assert "hidden" in str(raised.value)


def test_the_server_engine_hides_values_in_errors(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v TEXT UNIQUE)"))
    with pytest.raises(IntegrityError) as raised, engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (:v), (:v)"), {"v": "999990019 Jansen"})
    assert "999990019" not in str(raised.value)
    engine.dispose()
