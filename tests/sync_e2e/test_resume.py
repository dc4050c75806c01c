"""A desktop killed midway through a sync (SIGKILL: no clean-up, no finally) against the real
server (``wmo-desk-server serve`` on PostgreSQL) loses nothing and duplicates nothing: the next
sync from the same profile folder finishes the push and continues the pull where it stopped."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.fakes import FakeClock, passphrase_keys
from tests.serverproc import serving
from tests.synckit import ACCOUNTS, PASSWORD
from wmo_desk.domain.users import Role
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import AppliedChange, Record
from wmo_desk.services.context import AppContext
from wmo_desk.services.demo import fill_demo
from wmo_desk.storage.repositories.sync import SyncRepository
from wmo_desk.storage.repositories.sync_payloads import RECORD_TYPES, payload_of

ROOT = Path(__file__).resolve().parents[2]
CASE_TYPES = ("client", "case", "case_event")


class ServerStore:
    """What the server's PostgreSQL database holds."""

    def __init__(self, url: str) -> None:
        self.db = ServerDatabase.open(url)

    def records(self, record_type: str) -> dict[str, dict]:
        with self.db.session_scope() as session:
            rows = session.scalars(select(Record).where(Record.record_type == record_type))
            return {str(r.record_id): json.loads(r.payload) for r in rows if not r.deleted}

    def count(self, record_type: str) -> int:
        with self.db.session_scope() as session:
            return session.scalar(
                select(func.count()).select_from(Record).where(Record.record_type == record_type)
            )

    def applied_changes(self) -> int:
        with self.db.session_scope() as session:
            return session.scalar(select(func.count()).select_from(AppliedChange))

    def last_revision(self) -> int:
        with self.db.session_scope() as session:
            return session.scalar(select(func.max(Record.revision)))


@pytest.fixture
def store(postgres_url):
    store = ServerStore(postgres_url)
    with store.db.session_scope() as session:
        for username, (name, role, code) in ACCOUNTS.items():
            auth.create_user(
                session,
                username=username,
                password=PASSWORD,
                display_name=name,
                role=role,
                municipality_code=code,
            )
    yield store
    store.db.close()


@pytest.fixture
def base_url(store, postgres_url, tmp_path):
    with serving(postgres_url, tmp_path / "server.log") as base:
        yield base


def run_desktop(profile: Path, base: str, username: str, die_at: str = "") -> None:
    """Sync ``profile`` in a process of its own; with ``die_at`` it must die by SIGKILL."""
    command = [sys.executable, "-m", "tests.sync_e2e.desktop_process", str(profile), base, username]
    if die_at:
        command += ["--die-at", die_at]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=90)
    expected = -signal.SIGKILL if die_at else 0
    assert done.returncode == expected, done.stdout + done.stderr


@contextlib.contextmanager
def opened(profile: Path):
    ctx = AppContext.open(profile, FakeClock(TODAY), keys=passphrase_keys(profile))
    try:
        yield ctx
    finally:
        ctx.close()


def local(ctx, record_type: str) -> dict[str, dict]:
    model = RECORD_TYPES[record_type]
    with ctx.db.session() as session:
        rows = session.scalars(select(model).where(model.deleted.is_(False)))
        return {r.id: payload_of(r) for r in rows}


def sync_in_process(profile: Path, base: str, username: str) -> None:
    with opened(profile) as ctx, httpx.Client(timeout=30) as http:
        ctx.http = http
        ctx.remember_server(base)
        ctx.sign_in_service(base).sign_in(username, PASSWORD)
        ctx.signed_in()
        report = ctx.sync.sync()
        assert report.refused == 0 and report.new_conflicts == 0
        assert ctx.sync.status().pending == 0


def demo_profile(folder: Path) -> Path:
    with opened(folder) as ctx:
        fill_demo(ctx)
    return folder


def team_lead_profile(folder: Path) -> Path:
    with opened(folder) as ctx:
        choice = next(c for c in ctx.region_choices() if c.code == "BNO-O")
        ctx.profiles.set_up(choice, "0828", "Ruud Verhoeven", Role.TEAMLEIDER)
    return folder


def test_a_desktop_killed_while_pushing_finishes_on_the_next_sync(store, base_url, tmp_path):
    sanne = demo_profile(tmp_path / "sanne")
    with opened(sanne) as ctx:
        made = {t: set(local(ctx, t)) for t in CASE_TYPES}
        texts = {i: c["request_text"] for i, c in local(ctx, "case").items()}
        changes = ctx.sync.status().pending
    assert len(made["case"]) == 30

    # killed after the fifth batch of ten was answered but before it was recorded:
    # 30 clients and 20 cases are on the server, the desktop knows of 40 records
    run_desktop(sanne, base_url, "sanne", die_at="push:5")
    assert store.count("client") == 30 and store.count("case") == 20
    with opened(sanne) as ctx:
        assert ctx.sync.status().pending == changes - 40
    # killed again, on the first answer: the batch it resends is one the server already has
    run_desktop(sanne, base_url, "sanne", die_at="push:1")
    assert store.count("case") == 20

    sync_in_process(sanne, base_url, "sanne")

    with opened(sanne) as ctx:
        assert ctx.sync.status().pending == 0
        expected = {t: local(ctx, t) for t in CASE_TYPES}
    for record_type in CASE_TYPES:
        assert set(expected[record_type]) == made[record_type], record_type
        assert store.records(record_type) == expected[record_type], record_type
        assert store.count(record_type) == len(made[record_type])
    assert {i: c["request_text"] for i, c in store.records("case").items()} == texts
    assert store.applied_changes() == changes  # every change applied exactly once

    # the team lead's first sync brings all of it
    ruud = team_lead_profile(tmp_path / "ruud")
    sync_in_process(ruud, base_url, "ruud")
    with opened(ruud) as ctx:
        for record_type in CASE_TYPES:
            assert local(ctx, record_type) == expected[record_type], record_type


def test_a_desktop_killed_while_pulling_continues_from_its_cursor(store, base_url, tmp_path):
    sanne = demo_profile(tmp_path / "sanne")
    sync_in_process(sanne, base_url, "sanne")
    with opened(sanne) as ctx:
        expected = {t: local(ctx, t) for t in CASE_TYPES}
    ruud = team_lead_profile(tmp_path / "ruud")

    # killed when the fourth page is asked for: three pages of twenty staged, cursor moved
    run_desktop(ruud, base_url, "ruud", die_at="pull:4")
    with opened(ruud) as ctx, ctx.db.session() as session:
        repo = SyncRepository(session)
        staged, cursor = repo.staged_count(), repo.cursor()
    assert staged == 60 and 0 < cursor < store.last_revision()
    with opened(ruud) as ctx:
        assert local(ctx, "case") == {}  # nothing applied until the whole pull is in

    # killed again after applying everything, before the commit: the inbox survives
    run_desktop(ruud, base_url, "ruud", die_at="apply")
    with opened(ruud) as ctx, ctx.db.session() as session:
        repo = SyncRepository(session)
        staged, cursor = repo.staged_count(), repo.cursor()
    assert staged > 60 and cursor == store.last_revision()
    with opened(ruud) as ctx:
        assert local(ctx, "case") == {}

    sync_in_process(ruud, base_url, "ruud")

    with opened(ruud) as ctx:
        for record_type in CASE_TYPES:
            assert local(ctx, record_type) == expected[record_type], record_type
        with ctx.db.session() as session:
            repo = SyncRepository(session)
            assert repo.staged_count() == 0 and repo.cursor() == store.last_revision()
        users = {u.name for u in ctx.profiles.users()}
        assert {"Sanne de Wit", "Ruud Verhoeven", "Ahmed Yilmaz"} <= users
