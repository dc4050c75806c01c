"""Server fixtures: the API tests run on the embedded SQLite default and on a real PostgreSQL."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def server_db_url(request, tmp_path):
    """An empty server database: a SQLite file, or a fresh database in the private cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    return request.getfixturevalue("postgres_url")
