"""The real server with a region: the BNO-O catalogue, consultants and team leads of Oss and
Bernheze, and a regio account made with ``wmo-desk-server create-user --role regio``."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import select

from tests.server.test_sync_api import CATALOGUE, PASSWORD, Api
from tests.serverproc import server_cli, serving
from tests.synckit import TestClient
from wmo_desk.server import approvals, auth
from wmo_desk.server.app import create_app
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import User
from wmo_desk.server.records import WRITE_LOCK, publish_catalogue

DESKTOP_USERS = {
    "sanne": ("consulent", "0828"),
    "tl": ("teamleider", "0828"),
    "kees": ("consulent", "1721"),
    "tl2": ("teamleider", "1721"),
}
REGIO = "regio.oss"


@dataclass
class Region:
    base: str
    db: ServerDatabase
    api: Api
    log: Path


@pytest.fixture
def region(server_db_url, tmp_path):
    db = ServerDatabase.open(server_db_url)
    with db.session_scope() as session:
        for name, (role, code) in DESKTOP_USERS.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code=code,
            )  # fmt: skip
        publish_catalogue(session, json.loads(CATALOGUE.read_text("utf-8")))
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n", "utf-8")
    made = subprocess.run(
        server_cli(
            "create-user", "--db", server_db_url, "--username", REGIO,
            "--name", "Regiobureau Oss", "--role", "regio", "--municipality", "0828",
            "--password-file", str(password_file),
        ),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "aangemaakt (regio, 0828)" in made.stdout
    log = tmp_path / "server.log"
    with serving(server_db_url, log) as base, httpx.Client(base_url=base, timeout=30) as client:
        api = Api(SimpleNamespace(state=SimpleNamespace(db=db)), client, DESKTOP_USERS)
        yield Region(base, db, api, log)
    db.close()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


def web_sign_in(
    base: str, username: str = REGIO, password: str = PASSWORD
) -> tuple[httpx.Client, httpx.Response]:
    """A browser-like client that fetched the form and posted it; returns it and the answer."""
    browser = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    form = browser.get("/regio/aanmelden")
    assert form.status_code == 200
    answer = browser.post(
        "/regio/aanmelden",
        data={"csrf": csrf_of(form.text), "gebruikersnaam": username, "wachtwoord": password},
    )
    return browser, answer


class _Tables(HTMLParser):
    """Every <table id=...> as {row header: [cell texts]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id", "")
            self.tables[self._table] = {}
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row and self._table is not None:
            self.tables[self._table][self._row[0]] = self._row[1:]
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> dict[str, dict[str, list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


#: the fixed "now" of the in-process server: Tuesday 8 December 2026, in 2026 K4
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


class ClockedApi(Api):
    """:class:`Api` on the in-process app whose approvals are dated by the app's clock (the
    approval route takes the wall clock, so the test calls the approval as the route does)."""

    def approve(self, user, decision_id, allocate=()):
        db = self.app.state.db
        with WRITE_LOCK, db.session_scope() as session:
            db.writer_lock(session)
            lead = session.scalar(select(User).where(User.username == user))
            grant = approvals.approve(
                session,
                lead,
                uuid.UUID(str(decision_id)),
                [uuid.UUID(str(p)) for p in allocate],
                now=self.app.state.clock(),
            )
        return grant.model_dump(mode="json")


@dataclass
class ClockedRegion:
    app: object
    client: TestClient
    api: ClockedApi


@pytest.fixture
def clocked_region(tmp_path):
    """The region on an in-process server whose clock stands at :data:`NOW`, on SQLite; the
    test client comes from and goes to 127.0.0.1, like a first local run."""
    url = f"sqlite:///{tmp_path / 'server.sqlite'}"
    app = create_app(url)
    app.state.clock = lambda: NOW
    with app.state.db.session_scope() as session:
        for name, (role, code) in {**DESKTOP_USERS, REGIO: ("regio", "0828")}.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code=code,
            )  # fmt: skip
        publish_catalogue(session, json.loads(CATALOGUE.read_text("utf-8")))
    with TestClient(
        app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000), follow_redirects=False
    ) as client:
        yield ClockedRegion(app, client, ClockedApi(app, client, DESKTOP_USERS))


def web_sign_in_client(client: TestClient, username: str = REGIO) -> httpx.Response:
    """Sign in with ``client`` (it keeps the cookie); returns the answer to the form."""
    form = client.get("/regio/aanmelden")
    return client.post(
        "/regio/aanmelden",
        data={"csrf": csrf_of(form.text), "gebruikersnaam": username, "wachtwoord": PASSWORD},
    )
