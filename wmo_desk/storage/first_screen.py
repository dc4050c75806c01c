"""What the main window's first screen reads, without SQLAlchemy (issue 14).

SQLAlchemy, the tables and the services take most of a start to import. The window's first
screen needs little: the profile, the users, the catalogue's name and version, and the first
page of the caseload. :class:`FirstRead` reads those over one plain SQLCipher connection,
read-only (``query_only``), so the caseload is on screen while the rest loads in the
background; then the services take over and this connection closes.

The caseload query here is the text-less part of
:func:`wmo_desk.storage.repositories.caseload.caseload_query` written out as SQL (a search
waits for the services); ``tests/storage/test_first_screen.py`` checks that both give the
same cases in the same order for every filter and sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import sqlcipher3

from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary, SortKey
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.deadlines import DeadlineKind
from wmo_desk.domain.profile import DEMO_KEY, Profile
from wmo_desk.domain.users import Role, User
from wmo_desk.storage.cipher import CACHE_KIB, WrongKey, _connect, is_plaintext
from wmo_desk.storage.revision import head_revision

#: side files of an interrupted encryption: the full open deals with them first
_CONVERSION_LEFTOVERS = (".encrypting", ".plaintext")

_STAGE_ORDER = (
    "CASE c.stage "
    + " ".join(f"WHEN '{stage.value}' THEN {i}" for i, stage in enumerate(Stage))
    + " END"
)

#: ORDER BY per sort key, and the join it needs (as in caseload_query)
_SORT: dict[SortKey, tuple[tuple[str, ...], str]] = {
    SortKey.NAME: (("c.sort_name",), ""),
    SortKey.BSN: (("k.bsn",), "JOIN clients k ON k.id = c.client_id"),
    SortKey.STAGE: ((_STAGE_ORDER,), ""),
    SortKey.DEADLINE: (("c.next_deadline IS NULL", "c.next_deadline"), ""),
    SortKey.CONSULTANT: (("u.name",), "JOIN users u ON u.id = c.consultant_id"),
    SortKey.MELDING: (("c.melding_date",), ""),
}

#: ids per IN (...) of a page read: a page is 64 rows
_CHUNK = 500


@dataclass(frozen=True)
class CatalogueLine:
    """What the status bar says of the catalogue: region, version, the municipality's name."""

    region_name: str
    version: str
    municipality_name: str | None


def _utc(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _user(row: Sequence) -> User:
    return User(
        id=row[0],
        name=row[1],
        role=Role(row[2]),
        municipality_code=row[3],
        created_at=_utc(row[4]),
        modified_at=_utc(row[5]),
    )


class FirstRead:
    """Reads of the first screen over one read-only connection; used on one thread."""

    def __init__(self, connection: sqlcipher3.Connection) -> None:
        self._db = connection

    @staticmethod
    def needs_full_open(path: Path) -> bool:
        """Whether the file at ``path`` needs the full open before any read (no database yet,
        a plaintext one, an interrupted encryption): known without its key."""
        if not path.exists() or path.stat().st_size == 0 or is_plaintext(path):
            return True
        return any(path.with_name(path.name + s).exists() for s in _CONVERSION_LEFTOVERS)

    @classmethod
    def open(cls, path: Path, key: bytes) -> FirstRead | None:
        """The database at ``path`` opened with ``key``, or None when the full open has work
        to do first (no database yet, a plaintext one, an interrupted encryption, a schema
        that is not the newest). Raises :class:`WrongKey` when ``key`` does not open it."""
        if cls.needs_full_open(path):
            return None
        connection = _connect(path, key)
        try:
            try:
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlcipher3.DatabaseError as exc:
                raise WrongKey(str(exc)) from None
            connection.execute("PRAGMA query_only = 1")
            connection.execute("PRAGMA busy_timeout = 5000")
            connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            try:
                versions = {
                    r[0] for r in connection.execute("SELECT version_num FROM alembic_version")
                }
            except sqlcipher3.DatabaseError:
                versions = set()
        except BaseException:
            connection.close()
            raise
        if versions != {head_revision()}:
            connection.close()
            return None
        return cls(connection)

    def close(self) -> None:
        self._db.close()

    def setting(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def profile(self) -> Profile | None:
        """The configured profile, or None on a first start (as ProfileService.load)."""
        user_id = self.setting("user_id")
        region = self.setting("region_code")
        municipality = self.setting("municipality_code")
        row = (
            self._db.execute(
                "SELECT id, name, role, municipality_code, created_at, modified_at FROM users "
                "WHERE id = ? AND deleted = 0",
                (user_id,),
            ).fetchone()
            if user_id
            else None
        )
        if not (row and region and municipality):
            return None
        return Profile(
            region_code=region,
            municipality_code=municipality,
            user=_user(row),
            demo=self.setting(DEMO_KEY) == "1",
        )

    def users(self) -> list[User]:
        """The profile's users by name (as UserRepository.all)."""
        return [
            _user(row)
            for row in self._db.execute(
                "SELECT id, name, role, municipality_code, created_at, modified_at FROM users "
                "WHERE deleted = 0 ORDER BY name"
            )
        ]

    def catalogue_line(self, region_code: str, municipality_code: str) -> CatalogueLine | None:
        """The stored catalogue's name and version, or None when none was imported."""
        region = self._db.execute(
            "SELECT name, version FROM regions WHERE code = ?", (region_code,)
        ).fetchone()
        if region is None:
            return None
        municipality = self._db.execute(
            "SELECT name FROM municipalities WHERE cbs_code = ? AND region_code = ?",
            (municipality_code, region_code),
        ).fetchone()
        return CatalogueLine(region[0], region[1], municipality[0] if municipality else None)

    def case_ids(self, flt: CaseloadFilter) -> list[str]:
        """The ids ``flt`` selects in its order; a filter without search text only."""
        if flt.text.strip():
            raise ValueError("the first screen does not search: the services do")
        columns, join = _SORT[flt.sort]
        where = ["c.deleted = 0", "c.municipality_code = ?"]
        params: list[object] = [flt.municipality_code]
        if flt.consultant_id:
            where.append("c.consultant_id = ?")
            params.append(flt.consultant_id)
        if flt.stage is not None:
            where.append("c.stage = ?")
            params.append(flt.stage.value)
        elif not flt.include_closed:
            where.append("c.stage != ?")
            params.append(Stage.AFGESLOTEN.value)
        order = [
            f"{c} DESC" if flt.descending and i == len(columns) - 1 else c
            for i, c in enumerate(columns)
        ]
        sql = (
            f"SELECT c.id FROM cases c {join} WHERE {' AND '.join(where)} "
            f"ORDER BY {', '.join(order)}, c.sort_name, c.id"
        )
        return [row[0] for row in self._db.execute(sql, params)]

    def summaries_for(self, case_ids: list[str]) -> dict[str, CaseSummary]:
        """Caseload rows of ``case_ids`` (any order), keyed by id (as the repository's)."""
        found: dict[str, CaseSummary] = {}
        for start in range(0, len(case_ids), _CHUNK):
            chunk = case_ids[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            for r in self._db.execute(
                "SELECT c.id, k.sort_name, k.bsn, k.postcode, c.stage, c.on_hold, "
                "c.next_deadline, c.next_deadline_kind, u.name, c.melding_date "
                "FROM cases c JOIN clients k ON k.id = c.client_id "
                f"JOIN users u ON u.id = c.consultant_id WHERE c.id IN ({marks})",
                chunk,
            ):
                found[r[0]] = CaseSummary(
                    case_id=r[0],
                    client_name=r[1],
                    bsn=r[2],
                    postcode=r[3],
                    stage=Stage(r[4]),
                    on_hold=bool(r[5]),
                    deadline=_date(r[6]),
                    deadline_kind=DeadlineKind(r[7]) if r[7] else None,
                    consultant_name=r[8],
                    melding_date=_date(r[9]) or date.min,
                )
        return found

    def cases_in_conflict(self) -> set[str]:
        """Cases with an open sync conflict (as SyncRepository.cases_in_conflict)."""
        return {
            row[0]
            for row in self._db.execute(
                "SELECT case_id FROM sync_conflicts WHERE resolved_at IS NULL"
            )
            if row[0]
        }
