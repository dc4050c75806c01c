"""The first screen's plain reads (no SQLAlchemy) give what the services give, or step aside.

A start shows the caseload from :class:`FirstRead` while the services load (issue 14); then
the services read it again. The two must show the same cases in the same order, the same
rows, the same profile and status line — for every filter and sort the screen offers
before the services are there."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlcipher3
from sqlalchemy import update

from tests.fakes import FixedKeys
from wmo_desk.domain.caseload import CaseloadFilter, SortKey
from wmo_desk.domain.cases import Stage
from wmo_desk.services.context import DATABASE_NAME, AppContext
from wmo_desk.services.demo import fill_demo
from wmo_desk.storage.cipher import WrongKey
from wmo_desk.storage.first_screen import FirstRead
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.tables import CaseRow, ClientRow

KEY = bytes(range(32))


@pytest.fixture
def profile(tmp_path, clock):
    """The demo profile, with a deleted case, one on hold, one without a deadline and one
    client whose name sorts before all others (the copy on cases follows it)."""
    folder = tmp_path / "profile"
    ctx = AppContext.open(folder, clock, keys=FixedKeys(KEY), backup=False)
    fill_demo(ctx)
    with ctx.db.session() as session:
        ids = list(session.scalars(CaseRow.__table__.select().with_only_columns(CaseRow.id)))
        session.execute(update(CaseRow).where(CaseRow.id == ids[0]).values(deleted=True))
        session.execute(update(CaseRow).where(CaseRow.id == ids[1]).values(on_hold=True))
        session.execute(
            update(CaseRow)
            .where(CaseRow.id == ids[2])
            .values(next_deadline=None, next_deadline_kind=None)
        )
        client = session.scalar(CaseRow.__table__.select().with_only_columns(CaseRow.client_id))
        session.execute(update(ClientRow).where(ClientRow.id == client).values(sort_name="Aaa"))
    yield folder, ctx
    ctx.close()


def _filters(ctx):
    profile = ctx.profile
    consultants = [None, profile.user.id, *(u.id for u in ctx.profiles.users())]
    stages = [None, Stage.MELDING, Stage.AFGESLOTEN]
    for consultant, stage, closed, sort, descending in itertools.product(
        consultants, stages, (False, True), SortKey, (False, True)
    ):
        yield CaseloadFilter(
            municipality_code=profile.municipality_code,
            consultant_id=consultant,
            stage=stage,
            include_closed=closed,
            sort=sort,
            descending=descending,
        )


def test_the_first_screen_lists_the_same_cases_in_the_same_order_as_the_services(profile):
    folder, ctx = profile
    read = FirstRead.open(folder / DATABASE_NAME, KEY)
    assert read is not None
    try:
        with ctx.db.session() as session:
            repo = CaseloadRepository(session)
            compared = 0
            for flt in _filters(ctx):
                expected = repo.case_ids(flt)
                assert read.case_ids(flt) == expected, flt
                assert read.summaries_for(expected) == repo.summaries_for(expected), flt
                compared += bool(expected)
            everything = repo.case_ids(CaseloadFilter(ctx.profile.municipality_code))
        assert compared > 100  # most filters select something
        # the deleted case is in no list; the one on hold shows as such
        rows = read.summaries_for(everything)
        assert any(r.on_hold for r in rows.values())
        assert any(r.deadline is None for r in rows.values())
        # another municipality's list is empty
        assert read.case_ids(CaseloadFilter(municipality_code="9999")) == []
    finally:
        read.close()


def test_the_first_screen_reads_the_profile_users_catalogue_and_conflicts_as_the_services(profile):
    folder, ctx = profile
    read = FirstRead.open(folder / DATABASE_NAME, KEY)
    try:
        assert read.profile() == ctx.profile
        assert read.users() == ctx.profiles.users()
        catalogue = ctx.catalogues.current()
        line = read.catalogue_line(ctx.profile.region_code, ctx.profile.municipality_code)
        assert (line.region_name, line.version) == (catalogue.region_name, catalogue.version)
        assert line.municipality_name == catalogue.municipality(ctx.profile.municipality_code).name
        assert read.cases_in_conflict() == ctx.sync.cases_in_conflict()
        assert read.catalogue_line("ELDERS", ctx.profile.municipality_code) is None
    finally:
        read.close()


def test_the_first_screen_writes_nothing(profile):
    folder, _ctx = profile
    read = FirstRead.open(folder / DATABASE_NAME, KEY)
    try:
        with pytest.raises(sqlcipher3.OperationalError, match="readonly"):
            read._db.execute("DELETE FROM cases")
        assert read.case_ids(CaseloadFilter(read.profile().municipality_code))
    finally:
        read.close()


def test_the_first_screen_steps_aside_when_the_full_open_has_work_to_do(profile, tmp_path):
    folder, ctx = profile
    path = folder / DATABASE_NAME
    assert FirstRead.open(tmp_path / "nothing.sqlite", KEY) is None
    with pytest.raises(WrongKey):
        FirstRead.open(path, bytes(32))
    # a schema that is not the newest: the full open migrates first
    with ctx.db.session() as session:
        session.connection().exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert FirstRead.open(path, KEY) is None
    with ctx.db.session() as session:
        from wmo_desk.storage.database import head_revision

        session.connection().exec_driver_sql(
            "UPDATE alembic_version SET version_num = ?", (head_revision(),)
        )
    assert FirstRead.open(path, KEY) is not None
    # an encryption that was interrupted leaves a side file: the full open deals with it
    (folder / (DATABASE_NAME + ".encrypting")).write_bytes(b"")
    assert FirstRead.open(path, KEY) is None


def test_a_first_start_has_no_first_screen(tmp_path, clock):
    folder = tmp_path / "nieuw"
    ctx = AppContext.open(folder, clock, keys=FixedKeys(KEY), backup=False)
    ctx.close()
    read = FirstRead.open(folder / DATABASE_NAME, KEY)
    assert read is not None and read.profile() is None
    read.close()


def test_dates_and_times_come_back_as_the_services_give_them(profile):
    folder, ctx = profile
    read = FirstRead.open(folder / DATABASE_NAME, KEY)
    try:
        user = read.profile().user
        assert user.created_at.tzinfo is not None
        assert user.created_at == ctx.profile.user.created_at
        today = ctx.clock.today()
        deadlines = [
            r.deadline
            for r in read.summaries_for(
                read.case_ids(CaseloadFilter(ctx.profile.municipality_code))
            ).values()
            if r.deadline
        ]
        assert all(abs(d - today) < timedelta(days=400) for d in deadlines)
    finally:
        read.close()
