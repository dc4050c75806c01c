"""Alembic environment for the wmo_desk server database (see wmo_desk/storage/engine.py)."""

from wmo_desk.server.models import ServerBase
from wmo_desk.storage.engine import run_migrations

run_migrations(ServerBase.metadata)
