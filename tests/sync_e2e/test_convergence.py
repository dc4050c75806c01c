"""Property: however desktops edit offline and in whatever order they sync, once the conflicts
are resolved and everyone synced again, every desktop holds exactly what the server holds of the
records it may see, and no edit is lost.

Three desktops: Sanne's two laptops and Ruud's (team lead). They share two cases from the
start; random operations edit the hulpvraag, put a case on hold or resume it, add a note,
register a new melding (for a new resident, or for one of two residents whom several desktops
may register, each its own client record at first), sync, or resolve the open conflicts (all the server's way, all one's own
way, or per field). "Not lost" means: every hulpvraag written is in the final data, in a
conflict record (both versions are kept there), or was on the screen of a desktop that
replaced it with a newer one.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import TODAY
from tests.fakes import FakeClock, FixedKeys
from tests.sync_e2e.helpers import add_note, case_ids, edit_request, local_records, register
from tests.synckit import PASSWORD, SERVER_URL, Server, TestClient, make_server
from wmo_desk.server.app import create_app
from wmo_desk.server.models import User
from wmo_desk.server.records import visible_to
from wmo_desk.services.context import AppContext
from wmo_desk.services.demo import demo_bsn, fill_demo
from wmo_desk.storage.repositories.sync import SyncRepository
from wmo_desk.storage.repositories.sync_payloads import (
    FORM_SNAPSHOT_KEY,
    LOCAL_ID_KEY,
    RECORD_TYPES,
)

DESKTOPS = (("laptop-1", "sanne"), ("laptop-2", "sanne"), ("ruud", "ruud"))
SHARED_CASES = 2


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The starting point of every example: a server and three desktops that synced once, and
    the users' sign-in tokens (the examples use them as a desktop's keyring would)."""
    import keyring

    from tests.fakes import memory_keyring_backend

    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring_backend())
    root = tmp_path_factory.mktemp("convergence")
    app = make_server(f"sqlite:///{root / 'server.sqlite'}")
    opened = []
    tokens = {}
    try:
        with TestClient(app, base_url=SERVER_URL) as http:
            for folder, username in DESKTOPS:
                ctx = AppContext.open(
                    root / folder, FakeClock(TODAY), backup=False, keys=FixedKeys()
                )
                opened.append(ctx)
                ctx.http = http
                if folder == "laptop-1":
                    fill_demo(ctx, case_count=SHARED_CASES)
                else:
                    from wmo_desk.domain.users import Role

                    choice = next(c for c in ctx.region_choices() if c.code == "BNO-O")
                    name, role = (
                        ("Ruud Verhoeven", Role.TEAMLEIDER)
                        if username == "ruud"
                        else ("Sanne de Wit", Role.CONSULENT)
                    )
                    ctx.profile = ctx.profiles.set_up(choice, "0828", name, role)
                    ctx.activate(ctx.profile)
                ctx.sign_in_service(SERVER_URL).sign_in(username, PASSWORD)
                ctx.signed_in()
                ctx.remember_server(SERVER_URL)
                tokens[username] = ctx.signin.session.token
                ctx.sync.sync()
            opened[0].sync.sync()
            assert all(len(case_ids(ctx)) == SHARED_CASES for ctx in opened)
    finally:
        for ctx in opened:
            ctx.close()
        keyring.set_keyring(previous)
    return root, tokens


@dataclass
class World:
    server: Server
    desktops: list[AppContext]
    cases: list[str]
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))
    texts_written: list[str] = field(default_factory=list)
    texts_replaced: set[str] = field(default_factory=set)
    events_made: set[str] = field(default_factory=set)

    def text(self, ctx, case_id: str) -> str:
        return ctx.cases.view(case_id).case.request_text


def resolve_all(ctx, how: str) -> None:
    for conflict in ctx.sync.conflicts():
        if how == "server":
            ctx.sync.resolve(conflict.id)
        elif how == "mine":
            ctx.sync.resolve(conflict.id, take_server=set())
        else:  # the server's hulpvraag, everything else as on this desktop
            ctx.sync.resolve(conflict.id, take_server={"request_text"})


def apply(world: World, operation: tuple, how: str) -> None:
    kind, desk, case = operation
    ctx = world.desktops[desk]
    n = next(world.numbers)
    if kind == "edit":
        case_id = world.cases[case]
        world.texts_replaced.add(world.text(ctx, case_id))
        text = f"hulpvraag {n} van {DESKTOPS[desk][0]}"
        edit_request(ctx, case_id, text)
        world.texts_written.append(text)
    elif kind == "hold":
        case_id = world.cases[case]
        if ctx.cases.view(case_id).case.is_on_hold:
            ctx.cases.resume(case_id, ctx.clock.today())
        else:
            ctx.cases.hold(case_id, ctx.clock.today(), f"reden {n}")
        world.events_made.add(ctx.cases.view(case_id).timeline[-1].id)
    elif kind == "note":
        world.events_made.add(add_note(ctx, world.cases[case], f"notitie {n}"))
    elif kind == "new":
        text = f"nieuwe melding {n}"
        case_id = register(
            ctx,
            demo_bsn(100 + n),
            surname="Nieuw" + "".join("abcdefghij"[int(d)] for d in str(n)),
            text=text,
        )
        world.texts_written.append(text)
        world.events_made.add(ctx.cases.view(case_id).timeline[-1].id)
    elif kind == "twin":  # one of two residents who may be registered on several desktops
        text = f"melding {n} voor bewoner {case}"
        case_id = register(ctx, demo_bsn(400 + case), surname="Gedeeld", text=text)
        world.texts_written.append(text)
        world.events_made.add(ctx.cases.view(case_id).timeline[-1].id)
    elif kind == "sync":
        ctx.sync.sync()
    elif kind == "resolve":
        resolve_all(ctx, how)


def visible_on_server(server: Server, username: str) -> dict[str, dict[str, dict]]:
    """What the server holds that ``username`` may see, per record type (tombstones left out)."""
    import json

    with server.app.state.db.session_scope() as session:
        user = session.scalar(select(User).where(User.username == username))
        result: dict[str, dict[str, dict]] = {t: {} for t in RECORD_TYPES}
        for record in session.scalars(visible_to(user)):
            if record.record_type not in RECORD_TYPES or record.deleted:
                continue
            payload = json.loads(record.payload)
            payload.pop(FORM_SNAPSHOT_KEY, None)
            key = payload.pop(LOCAL_ID_KEY, None) or str(record.record_id)
            result[record.record_type][key] = payload
        return result


def kept_in_conflicts(ctx) -> set[str]:
    with ctx.db.session() as session:
        conflicts = SyncRepository(session).conflicts(open_only=False)
    return {
        text
        for c in conflicts
        for text in (
            c.local_payload.get("request_text"),
            (c.server_payload or {}).get("request_text"),
        )
        if text
    }


def settle(world: World, how: str) -> None:
    """Sync and resolve, round after round, until a whole round changes nothing on the server:
    then every desktop has sent everything and received everything."""
    for _round in range(10):
        pushed = 0
        for ctx in world.desktops:
            pushed += ctx.sync.sync().pushed
            resolve_all(ctx, how)
        if pushed == 0 and all(ctx.sync.status().pending == 0 for ctx in world.desktops):
            break
    for ctx in world.desktops:
        status = ctx.sync.status()
        assert (status.pending, status.conflicts) == (0, 0), ctx.folder.name


# edits and syncs most often: that is where desktops run into each other
KINDS = ("edit", "edit", "edit", "sync", "sync", "sync", "hold", "note", "new", "twin", "resolve")
operations = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, len(DESKTOPS) - 1),
        st.integers(0, SHARED_CASES - 1),
    ),
    min_size=8,
    max_size=24,
)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    # no shrinking: a failing example is reported as found, within the per-test timeout
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=operations, how=st.sampled_from(["server", "mine", "merge"]))
# a laptop goes on editing a case while its conflict is open, then settles it
@example(
    steps=[("edit", 0, 0), ("edit", 1, 0), ("sync", 0, 0), ("sync", 1, 0), ("edit", 1, 0)],
    how="mine",
)
@example(
    steps=[("edit", 0, 0), ("edit", 1, 0), ("sync", 0, 0), ("sync", 1, 0), ("edit", 1, 0)],
    how="server",
)
def test_desktops_converge_and_no_edit_is_lost(template, steps, how):
    import keyring

    from wmo_desk.services.signin import KEYRING_SERVICE

    start, tokens = template
    for username, token in tokens.items():
        keyring.set_password(KEYRING_SERVICE, username, token)
    with tempfile.TemporaryDirectory(prefix="wmo-convergence-") as folder:
        root = Path(folder)
        shutil.copytree(start, root, dirs_exist_ok=True)
        app = create_app(f"sqlite:///{root / 'server.sqlite'}")
        desktops = []
        try:
            with TestClient(app, base_url=SERVER_URL) as http:
                for name, _username in DESKTOPS:
                    ctx = AppContext.open(
                        root / name, FakeClock(TODAY), backup=False, keys=FixedKeys()
                    )
                    desktops.append(ctx)
                    ctx.http = http
                    assert ctx.sync.status().signed_in  # the token in the keyring
                world = World(Server(app, http), desktops, sorted(case_ids(desktops[0])))

                for step in steps:
                    apply(world, step, how)
                settle(world, how)

                check(world)
        finally:
            for ctx in desktops:
                ctx.close()


def check(world: World) -> None:
    seen: dict[str, dict[str, dict]] = {}
    for ctx, (name, username) in zip(world.desktops, DESKTOPS, strict=True):
        expected = visible_on_server(world.server, username)
        for record_type in RECORD_TYPES:
            assert local_records(ctx, record_type) == expected[record_type], (name, record_type)
        seen[name] = expected
    # what all three may see, they hold identically (Sanne's cases: the team lead sees them too)
    for record_type in RECORD_TYPES:
        common = set(seen["laptop-1"][record_type]) & set(seen["ruud"][record_type])
        assert {k: seen["ruud"][record_type][k] for k in common} == {
            k: seen["laptop-1"][record_type][k] for k in common
        }
    # no edit lost
    final = {c["request_text"] for c in visible_on_server(world.server, "ruud")["case"].values()}
    kept = set().union(*(kept_in_conflicts(ctx) for ctx in world.desktops))
    for text in world.texts_written:
        assert text in final or text in kept or text in world.texts_replaced, text
    events = visible_on_server(world.server, "ruud")["case_event"]
    assert world.events_made <= set(events)
