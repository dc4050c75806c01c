"""Users: rows <-> :class:`wmo_desk.domain.users.User`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.domain.users import Role, User
from wmo_desk.storage.tables import UserRow


def _to_domain(row: UserRow) -> User:
    return User(
        id=row.id,
        name=row.name,
        role=Role(row.role),
        municipality_code=row.municipality_code,
        created_at=row.created_at,
        modified_at=row.modified_at,
    )


class UserRepository:
    """Users of this profile's municipality."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: User) -> None:
        self._session.add(
            UserRow(
                id=user.id,
                name=user.name,
                role=user.role.value,
                municipality_code=user.municipality_code,
                created_at=user.created_at,
                modified_at=user.modified_at,
            )
        )

    def get(self, user_id: str) -> User | None:
        row = self._session.get(UserRow, user_id)
        return _to_domain(row) if row and not row.deleted else None

    def all(self) -> list[User]:
        rows = self._session.scalars(
            select(UserRow).where(UserRow.deleted.is_(False)).order_by(UserRow.name)
        )
        return [_to_domain(r) for r in rows]
