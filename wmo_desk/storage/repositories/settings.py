"""Key-value settings of a profile (which municipality, which user, which catalogue)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wmo_desk.storage.tables import SettingRow


class SettingsRepository:
    """Plain string settings stored in the profile's database."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: str, default: str | None = None) -> str | None:
        row = self._session.get(SettingRow, key)
        return row.value if row else default

    def set(self, key: str, value: str) -> None:
        self._session.merge(SettingRow(key=key, value=value))

    def all(self) -> dict[str, str]:
        return {r.key: r.value for r in self._session.scalars(select(SettingRow))}
