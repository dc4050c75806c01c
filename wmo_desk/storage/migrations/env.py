"""Alembic environment for the wmo_desk desktop database (see wmo_desk/storage/engine.py)."""

from wmo_desk.storage.engine import run_migrations
from wmo_desk.storage.tables import Base

run_migrations(Base.metadata)
