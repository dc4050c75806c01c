"""SQLAlchemy storage: tables, repositories (rows <-> domain objects) and alembic migrations."""
