"""The web roles of the regional office: regio, meldpunt and toezichthouder.

Revision ID: s0007
Revises: s0006
Create Date: 2026-12-09
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0007"
down_revision: str | Sequence[str] | None = "s0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = ("consulent", "teamleider", "bw-consulent")
_NEW = (*_OLD, "regio", "meldpunt", "toezichthouder")


def _condition(roles: tuple[str, ...]) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def _replace_check(roles: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _replace_check_sqlite(bind, roles)
        return
    op.drop_constraint(op.f("ck_users_role"), "users", type_="check")
    op.create_check_constraint(op.f("ck_users_role"), "users", _condition(roles))


def _replace_check_sqlite(bind: sa.Connection, roles: tuple[str, ...]) -> None:
    # Batch mode would copy, DROP and rename "users". With foreign keys on (always, and they
    # cannot be switched off inside the migration's transaction) that DROP runs an implicit
    # DELETE (https://sqlite.org/lang_droptable.html): it would cascade to every sign-in
    # (sessions.user_id ON DELETE CASCADE) and fail on the references of records, approvals
    # and the access log. SQLite documents editing the table's SQL in sqlite_schema
    # for changing a CHECK constraint (https://sqlite.org/lang_altertable.html, "the simpler
    # procedure"); the rows are untouched and already satisfy both conditions of this change.
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'users'"
    ).scalar_one()
    old = _condition(_NEW if roles == _OLD else _OLD)
    if old not in sql:
        raise RuntimeError("users.role: the CHECK constraint is not the expected one")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.execute(
            sa.text("UPDATE sqlite_schema SET sql = :sql WHERE type = 'table' AND name = 'users'"),
            {"sql": sql.replace(old, _condition(roles))},
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    problems = bind.exec_driver_sql("PRAGMA integrity_check").scalar_one()
    if problems != "ok":
        raise RuntimeError(f"users.role: integrity check after the change: {problems}")


def upgrade() -> None:
    _replace_check(_NEW)


def downgrade() -> None:
    # Web accounts cannot exist under the old roles; delete them would lose history, so refuse.
    if (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM users WHERE role NOT IN ('consulent', 'teamleider', "
                "'bw-consulent')"
            )
        )
        .scalar_one()
    ):
        raise RuntimeError(
            "Er zijn nog accounts met de rol regio, meldpunt of toezichthouder; "
            "zet hun rol eerst om of verwijder ze."
        )
    _replace_check(_OLD)
