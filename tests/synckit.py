"""A regional server in-process and desktop profiles talking to it (tests only)."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

from tests.fakes import FakeClock

with warnings.catch_warnings():
    # Starlette asks for httpx2; the project's dev dependencies install httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

__all__ = ["ACCOUNTS", "PASSWORD", "SERVER_URL", "Desktops", "Server", "TestClient", "make_server"]

PASSWORD = "correct horse battery"
SERVER_URL = "http://testserver"
ACCOUNTS = {
    "sanne": ("Sanne de Wit", "consulent", "0828"),
    "ahmed": ("Ahmed Yilmaz", "consulent", "0828"),
    "ruud": ("Ruud Verhoeven", "teamleider", "0828"),
    "kees": ("Kees Bakker", "consulent", "1721"),
}


class Server:
    def __init__(self, app, http):
        self.app = app
        self.http = http

    def records(self, record_type=None):
        import json

        from sqlalchemy import select

        from wmo_desk.server.models import Record

        with self.app.state.db.session_scope() as session:
            query = select(Record)
            if record_type:
                query = query.where(Record.record_type == record_type)
            return [
                (r.record_type, str(r.record_id), r.revision, json.loads(r.payload))
                for r in session.scalars(query)
            ]


def make_server(url: str) -> Server:
    from wmo_desk.server import auth
    from wmo_desk.server.app import create_app

    app = create_app(url)
    with app.state.db.session_scope() as session:
        for username, (name, role, code) in ACCOUNTS.items():
            auth.create_user(
                session,
                username=username,
                password=PASSWORD,
                display_name=name,
                role=role,
                municipality_code=code,
            )
    return app


class Desktops:
    """Opens desktop profiles beside each other, all talking to ``server``."""

    def __init__(self, root: Path, server: Server, today: date) -> None:
        self.root = root
        self.today = today
        self.server = server
        self.opened = []

    def open(self, name: str, *, demo: bool = False, role: str = "consulent", user: str = ""):
        from wmo_desk.domain.users import Role
        from wmo_desk.services.context import AppContext
        from wmo_desk.services.demo import fill_demo

        ctx = AppContext.open(self.root / name, FakeClock(self.today))
        ctx.http = self.server.http
        if demo:
            fill_demo(ctx)
        elif ctx.profile is None:
            choice = next(c for c in ctx.region_choices() if c.code == "BNO-O")
            ctx.profile = ctx.profiles.set_up(choice, "0828", user, Role(role))
            ctx.activate(ctx.profile)
        self.opened.append(ctx)
        return ctx

    def sign_in(self, ctx, username: str) -> None:
        ctx.sign_in_service(SERVER_URL).sign_in(username, PASSWORD)
        ctx.signed_in()

    def close(self):
        for ctx in self.opened:
            ctx.close()
