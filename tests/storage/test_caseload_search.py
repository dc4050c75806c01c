"""The caseload search through the trigram index finds exactly what a plain filter finds."""

import re
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select, text

from wmo_desk.domain.bsn import is_valid_bsn
from wmo_desk.domain.caseload import CaseloadFilter, SortKey
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.repositories.clients import ClientRepository
from wmo_desk.storage.tables import CaseRow, ClientRow, UserRow

TEXTS = [
    "", "j", "ja", "jan", "JANS", "jansen", "de", "de vries", "van den", "van den berg", "Berg",
    "ma", "mar", "maria", "M.", "j. ja", "a b", "vries de", "xyzzy", "50%", "d_j",
    "9", "99", "999", "99999", "0019", "990", "12345678", "999990019",
    "5", "53", "534", "5341", "5341 ", "5341 a", "5341 AB", "5341ab", "5342 k", "1234",
    "öz", "ÖZTÜRK", "oztürk", "émile", "ÉMILE", "çel", " jan ",
]  # fmt: skip

_POSTCODE = re.compile(r"^([1-9][0-9]{3})\s?([a-zA-Z]{0,2})$")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _like_contains(haystack: str, needle: str) -> bool:
    """SQLite's LIKE '%needle%': case-insensitive for ASCII letters only."""
    return needle.translate(_ASCII_LOWER) in haystack.translate(_ASCII_LOWER)


def _matches(row, query: str) -> bool:
    query = query.strip()
    if not query:
        return True
    compact = query.replace(" ", "")
    if compact.isdigit() and _like_contains(row.bsn, compact):
        return True
    match = _POSTCODE.match(query)
    if match:
        prefix = (match.group(1) + match.group(2).upper()).translate(_ASCII_LOWER)
        if row.postcode.translate(_ASCII_LOWER).startswith(prefix):
            return True
    if not compact.isdigit():
        return all(_like_contains(row.search_text, w) for w in query.lower().split())
    return False


def _expected(session, flt: CaseloadFilter) -> list[str]:
    """The caseload worked out in Python over every row."""
    rows = session.execute(
        select(
            CaseRow.id,
            CaseRow.stage,
            CaseRow.consultant_id,
            CaseRow.next_deadline,
            ClientRow.sort_name,
            ClientRow.bsn,
            ClientRow.postcode,
            ClientRow.search_text,
        )
        .join(ClientRow, ClientRow.id == CaseRow.client_id)
        .join(UserRow, UserRow.id == CaseRow.consultant_id)
        .where(CaseRow.deleted.is_(False), CaseRow.municipality_code == flt.municipality_code)
    ).all()
    rows = [
        r
        for r in rows
        if (flt.consultant_id is None or r.consultant_id == flt.consultant_id)
        and (flt.include_closed or r.stage != "afgesloten")
        and _matches(r, flt.text)
    ]
    rows.sort(key=lambda r: (r.sort_name, r.id))
    if flt.sort is SortKey.NAME:
        rows.sort(key=lambda r: r.sort_name, reverse=flt.descending)
    else:
        with_date = [r for r in rows if r.next_deadline is not None]
        with_date.sort(key=lambda r: r.next_deadline, reverse=flt.descending)
        rows = with_date + [r for r in rows if r.next_deadline is None]
    return [r.id for r in rows]


@pytest.fixture
def profile(tmp_path, clock):
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.demo import fill_demo

    ctx = AppContext.open(tmp_path / "profile", clock)
    fill_demo(ctx, case_count=300)
    yield ctx
    ctx.close()


def _check_all(ctx) -> int:
    base = CaseloadFilter(
        municipality_code=ctx.profile.municipality_code, consultant_id=ctx.profile.user.id
    )
    variants = [
        {},
        {"sort": SortKey.NAME},
        {"sort": SortKey.NAME, "descending": True},
        {"descending": True},
        {"consultant_id": None, "include_closed": True},
    ]
    found = 0
    with ctx.db.session() as session:
        repo = CaseloadRepository(session)
        for query in TEXTS:
            for variant in variants:
                flt = replace(base, text=query, **variant)
                ids = repo.case_ids(flt)
                assert ids == _expected(session, flt), (query, variant)
                found += len(ids)
        indexed = session.scalar(text("SELECT count(*) FROM client_search_keys"))
        assert indexed == session.scalar(select(func.count()).select_from(ClientRow))
    return found


def test_the_search_matches_a_plain_filter_before_and_after_edits(profile):
    assert _check_all(profile) > 0
    with profile.db.session() as session:
        repo = ClientRepository(session)
        ids = session.scalars(select(ClientRow.id).order_by(ClientRow.bsn)).all()
        renamed = repo.get(ids[0])
        repo.save(
            replace(
                renamed, surname="Öztürk", prefix="", first_names="Émile Çelik", initials="É.Ç."
            )
        )
        moved = repo.get(ids[1])
        repo.save(replace(moved, address=replace(moved.address, postcode="1234XY", street="Nieuw")))
    with profile.db.session() as session:
        repo = CaseloadRepository(session)
        base = CaseloadFilter(municipality_code=profile.profile.municipality_code)
        assert repo.case_ids(replace(base, text="öztürk", include_closed=True))
        assert repo.case_ids(replace(base, text="1234 xy", include_closed=True))
    _check_all(profile)

    with profile.db.session() as session:
        # a tombstoned case, a tombstoned client, a client deleted for good (with its cases)
        case_ids = session.scalars(select(CaseRow.id).order_by(CaseRow.id)).all()
        session.get(CaseRow, case_ids[0]).deleted = True
        session.get(ClientRow, ids[2]).deleted = True
        used = set(session.scalars(select(ClientRow.bsn)))
        bsn = next(
            b for b in (f"99999{n:04d}" for n in range(10000)) if is_valid_bsn(b) and b not in used
        )
        extra = replace(moved, id=str(uuid.uuid4()), bsn=bsn, surname="Weggehaald")
        ClientRepository(session).save(extra)
    with profile.db.session() as session:
        assert (
            session.scalar(
                text("SELECT count(*) FROM client_search WHERE client_search MATCH :q"),
                {"q": 'name : "weggehaald"'},
            )
            == 1
        )
        session.execute(delete(ClientRow).where(ClientRow.id == extra.id))
    with profile.db.session() as session:
        assert (
            session.scalar(
                text("SELECT count(*) FROM client_search WHERE client_search MATCH :q"),
                {"q": 'name : "weggehaald"'},
            )
            == 0
        )
    _check_all(profile)


def test_bulk_inserts_and_replaces_keep_the_index(profile):
    """Writers that bypass the repositories (the sync's apply, benchmark data) go through the
    same triggers; an INSERT OR REPLACE leaves no stale entry behind."""
    with profile.db.session() as session:
        row = session.scalars(select(ClientRow).order_by(ClientRow.bsn)).first()
        columns = [c.name for c in ClientRow.__table__.columns]
        values = {c: getattr(row, c) for c in columns}
        values["search_text"] = "vervangen naam"
        session.execute(
            text(
                f"INSERT OR REPLACE INTO clients ({', '.join(columns)})"
                f" VALUES ({', '.join(':' + c for c in columns)})"
            ),
            values,
        )
    with profile.db.session() as session:
        hits = session.execute(
            text(
                "SELECT k.client_id FROM client_search JOIN client_search_keys k"
                " ON k.id = client_search.rowid WHERE client_search MATCH :q"
            ),
            {"q": 'name : "vervangen"'},
        ).all()
        assert [h[0] for h in hits] == [row.id]
    _check_all(profile)


@pytest.mark.parametrize("consultant_id", ["u1", None], ids=["mine", "team"])
def test_the_list_without_text_is_one_scan_of_one_index(db, consultant_id):
    """Sorted on deadline (then name), the reload reads no client row and sorts nothing: the
    sort name is on the case (migration 0011), in the covering index's order."""
    from wmo_desk.storage.repositories.caseload import caseload_query

    flt = CaseloadFilter(municipality_code="0828", consultant_id=consultant_id)
    with db.engine.connect() as conn:
        query = caseload_query(flt).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
        plan = [r[-1] for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}")]
    index = "ix_caseload_cases_mine" if consultant_id else "ix_caseload_cases_team"
    assert len(plan) == 1 and f"USING COVERING INDEX {index}" in plan[0], plan
