"""Alembic environment for the wmo_desk desktop database (see wmo_desk/storage/engine.py)."""

from wmo_desk.storage.engine import run_migrations
from wmo_desk.storage.repositories.caseload import is_sql_only
from wmo_desk.storage.tables import Base

run_migrations(Base.metadata, include_name=lambda name, type_, parent: not is_sql_only(name))
