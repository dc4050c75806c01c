"""The server on a real PostgreSQL (a private cluster, tests/postgres.py): schema, serve, writers.

The API tests in test_sync_api.py and test_auth.py run on PostgreSQL too (tests/server/conftest.py).
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from tests.server.payloads import valid
from tests.serverproc import server_cli, serving
from wmo_desk.server import auth
from wmo_desk.server.app import create_app
from wmo_desk.server.db import (
    ServerDatabase,
    alembic_config,
    database_url,
    lock_revision_writers,
)
from wmo_desk.server.models import ServerBase

with warnings.catch_warnings():
    # Starlette asks for httpx2; the project's dev dependencies install httpx.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _connect(url: str) -> psycopg.Connection:
    """A plain psycopg connection to the database behind a SQLAlchemy URL."""
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database
    )


def _add_user(url: str, username: str = "sanne", role: str = "consulent") -> None:
    db = ServerDatabase.open(url)
    try:
        with db.session_scope() as session:
            auth.create_user(
                session,
                username=username,
                password=PASSWORD,
                display_name=username.title(),
                role=role,
                municipality_code="0828",
            )
    finally:
        db.close()


@contextlib.contextmanager
def _serving(url: str, log: Path):
    """The real server on ``url``; yields its API base URL."""
    with serving(url, log) as root:
        yield f"{root}/api/v1"


def _login(base: str, username: str = "sanne") -> tuple[dict[str, str], str]:
    response = httpx.post(f"{base}/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    return {"Authorization": f"Bearer {body['token']}"}, body["user"]["id"]


def _change(record_type="client", case_id=None, **payload):
    """A new valid record (tests/server/payloads.py) with ``payload`` in it."""
    if case_id is not None:
        payload["case_id"] = case_id
    return {
        "change_id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": str(uuid.uuid4()),
        "municipality_code": "0828",
        "base_revision": None,
        "case_id": case_id,
        "deleted": False,
        "payload": valid(record_type, **payload),
    }


def _case_of_client(consultant_id):
    """A new client and a case for it, assigned to ``consultant_id``."""
    client = _change(surname="Jansen")
    return client, _change("case", consultant_id=consultant_id, client_id=client["record_id"])


# --- the schema -------------------------------------------------------------------------------


def test_the_migrations_create_the_schema_on_postgresql(postgres_url):
    db = ServerDatabase.open(postgres_url)
    try:
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
        with db.engine.connect() as conn:
            assert {"users", "sessions", "records", "applied_changes", "alembic_version"} <= set(
                inspect(conn).get_table_names()
            )
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert context.get_current_revision() == _head()
            assert compare_metadata(context, ServerBase.metadata) == []
            types = dict(
                conn.execute(
                    text(
                        "SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_name = 'records'"
                    )
                ).all()
            )
        # native types, not text imitations: uuid and timestamptz
        assert types["record_id"] == "uuid"
        assert types["updated_at"] == "timestamp with time zone"
    finally:
        db.close()


def test_opening_again_keeps_the_data(postgres_url):
    _add_user(postgres_url)
    db = ServerDatabase.open(postgres_url)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            assert conn.execute(text("SELECT username FROM users")).scalars().all() == ["sanne"]
    finally:
        db.close()


def test_server_processes_starting_together_on_a_new_database_migrate_once(postgres_url):
    start = threading.Barrier(4)

    def open_and_close() -> None:
        start.wait()
        ServerDatabase.open(postgres_url).close()

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(open_and_close) for _ in range(4)]:
            future.result(timeout=60)
    with _connect(postgres_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(_head(),)]


def test_a_bare_postgresql_url_gets_the_psycopg_driver():
    assert database_url("postgresql://u@db/wmo") == "postgresql+psycopg://u@db/wmo"
    assert database_url("postgres://u@db/wmo") == "postgresql+psycopg://u@db/wmo"
    assert database_url("postgresql+psycopg://u@db/wmo") == "postgresql+psycopg://u@db/wmo"


# --- the writer lock --------------------------------------------------------------------------


def test_the_writer_lock_holds_off_a_second_writer_until_the_first_commits(postgres_url):
    db = ServerDatabase.open(postgres_url)
    try:
        with db.session_scope() as first:
            db.writer_lock(first)
            lock_revision_writers(first)  # again, as Revisions may: no deadlock on itself
            with pytest.raises(Exception, match="lock timeout"), db.session_scope() as second:
                second.execute(text("SET LOCAL lock_timeout = '200ms'"))
                db.writer_lock(second)
        with db.session_scope() as second:  # the first has committed: free again
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            db.writer_lock(second)
    finally:
        db.close()


def test_the_writer_lock_is_a_no_op_on_sqlite(tmp_path):
    db = ServerDatabase.open(str(tmp_path / "server.sqlite"))
    try:
        with db.session_scope() as first, db.session_scope() as second:
            db.writer_lock(first)
            db.writer_lock(second)
    finally:
        db.close()


def test_requests_after_postgresql_ended_every_connection_get_new_ones(postgres_url):
    """What a restart of PostgreSQL does to the server's pooled connections (here every one of
    them ended by ``pg_terminate_backend``): the next sign-in, pull, push and health check get
    new connections and answer, none fails on a dead one."""
    _add_user(postgres_url)
    app = create_app(postgres_url)
    try:
        with TestClient(app) as client:
            base = "/api/v1"
            answer = client.post(f"{base}/login", json={"username": "sanne", "password": PASSWORD})
            headers = {"Authorization": f"Bearer {answer.json()['token']}"}
            assert client.get(f"{base}/sync/pull", headers=headers).status_code == 200
            for request in range(4):
                with _connect(postgres_url) as conn:
                    ended = conn.execute(
                        "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    ).fetchone()
                assert ended is not None and ended[0] >= 1
                if request == 0:
                    answer = client.post(
                        f"{base}/login", json={"username": "sanne", "password": PASSWORD}
                    )
                elif request == 1:
                    answer = client.get(f"{base}/sync/pull", headers=headers)
                elif request == 2:
                    client_change, _ = _case_of_client(str(uuid.uuid4()))
                    answer = client.post(
                        f"{base}/sync/push", headers=headers, json={"changes": [client_change]}
                    )
                    assert answer.json()["results"][0]["status"] == "applied"
                else:
                    answer = client.get(f"{base}/health")
                assert answer.status_code == 200, answer.text
    finally:
        app.state.db.close()


# --- the real server --------------------------------------------------------------------------


def test_serve_on_postgresql_answers_login_push_and_pull(postgres_url, tmp_path):
    secret = tmp_path / "wachtwoord.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    bare = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    done = subprocess.run(
        server_cli("init", "--db", bare), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        server_cli(
            "create-user", "--db", postgres_url, "--username", "sanne", "--name", "Sanne de Wit",
            "--role", "consulent", "--municipality", "0828", "--password-file", str(secret),
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr

    log = tmp_path / "server.log"
    with serving(postgres_url, log) as root:
        base = f"{root}/api/v1"
        headers, user_id = _login(base)
        client, created = _case_of_client(user_id)
        push = httpx.post(f"{base}/sync/push", headers=headers, json={"changes": [client, created]})
        assert push.status_code == 200, push.text
        [_client, result] = push.json()["results"]
        assert [r["status"] for r in push.json()["results"]] == ["applied", "applied"]
        # the pushing sign-in has them; the user's second laptop gets them
        own = httpx.get(f"{base}/sync/pull", params={"since": 0}, headers=headers)
        assert own.status_code == 200
        assert [r["record_type"] for r in own.json()["records"]] == ["user"]
        second, _ = _login(base)
        pull = httpx.get(f"{base}/sync/pull", params={"since": 0}, headers=second)
        assert pull.status_code == 200
        cases = [r for r in pull.json()["records"] if r["record_type"] == "case"]
        assert [(r["record_id"], r["revision"]) for r in cases] == [
            (created["record_id"], result["revision"])
        ]
        assert cases[0]["payload"] == created["payload"]
        assert cases[0]["payload"]["stage"] == "melding"
    # it is really in PostgreSQL
    with _connect(postgres_url) as conn:
        stored = conn.execute(
            "SELECT record_id, revision FROM records WHERE record_type = 'case'"
        ).fetchall()
    assert stored == [(uuid.UUID(created["record_id"]), result["revision"])]
    output = log.read_text("utf-8", "replace")
    assert "POST /api/v1/sync/push 200" in output and "Traceback" not in output
    assert "melding" not in output and "Jansen" not in output and PASSWORD not in output


def test_serve_with_two_worker_processes_on_one_database(postgres_url, tmp_path):
    """``serve --workers 2``: two processes answer on one port; pushes from many connections at
    once all apply, with unique revisions, and a second sign-in pulls every one of them."""
    _add_user(postgres_url)
    log = tmp_path / "server.log"
    with serving(postgres_url, log, timeout=40, extra=("--workers", "2")) as root:
        base = f"{root}/api/v1"
        headers, _ = _login(base)

        def push(number: int) -> list[int]:
            with httpx.Client(headers=headers, timeout=30) as client:
                revisions = []
                for i in range(5):
                    body = {"changes": [_change(surname=f"Klant {number}-{i}")]}
                    response = client.post(f"{base}/sync/push", json=body)
                    assert response.status_code == 200, response.text
                    [result] = response.json()["results"]
                    assert result["status"] == "applied", result
                    revisions.append(result["revision"])
                return revisions

        with ThreadPoolExecutor(6) as pool:
            revisions = [
                r for future in [pool.submit(push, n) for n in range(6)] for r in future.result()
            ]
        assert len(set(revisions)) == 30
        second, _ = _login(base)
        pulled = httpx.get(f"{base}/sync/pull", params={"since": 0}, headers=second).json()
        clients = [r["revision"] for r in pulled["records"] if r["record_type"] == "client"]
        assert sorted(clients) == sorted(revisions)
    output = log.read_text("utf-8", "replace")
    assert output.count("Started server process") == 2, output[-2000:]
    assert "Traceback" not in output and " 500 " not in output


def test_several_worker_processes_need_postgresql(tmp_path):
    done = subprocess.run(
        server_cli("serve", "--db", str(tmp_path / "server.sqlite"), "--workers", "2"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "Meer dan één serverproces kan alleen op PostgreSQL" in done.stderr


def test_two_server_processes_pushing_at_once_keep_revisions_unique_and_pulls_complete(
    postgres_url, tmp_path
):
    """8 threads push 25 changes each, one per request, alternately to two server processes on
    one database; meanwhile a reader follows with a pull cursor. Nothing may be lost or doubled."""
    threads, per_thread = 8, 25
    _add_user(postgres_url)
    with (
        _serving(postgres_url, tmp_path / "server-1.log") as first,
        _serving(postgres_url, tmp_path / "server-2.log") as second,
    ):
        bases = [first, second]
        headers, _user_id = _login(first)
        # the reader is the user's second laptop: a pull skips what its own sign-in pushed
        reader_headers, _ = _login(second)
        pushing = threading.Event()
        pushing.set()

        def pusher(number: int) -> list[tuple[str, int]]:
            applied = []
            with httpx.Client(headers=headers, timeout=30) as client:
                for i in range(per_thread):
                    change = _change(surname=f"Klant {number}-{i}")
                    base = bases[(number + i) % 2]
                    response = client.post(f"{base}/sync/push", json={"changes": [change]})
                    assert response.status_code == 200, response.text
                    [result] = response.json()["results"]
                    assert result["status"] == "applied", result
                    applied.append((change["record_id"], result["revision"]))
            return applied

        def follower() -> list[dict]:
            """Pulls with a cursor while the pushes run, then once more after they end."""
            seen, since, turn = [], 0, 0
            deadline = time.monotonic() + 120
            with httpx.Client(headers=reader_headers, timeout=30) as client:
                while True:
                    last_round = not pushing.is_set()
                    while True:
                        turn += 1
                        response = client.get(
                            f"{bases[turn % 2]}/sync/pull", params={"since": since, "limit": 7}
                        )
                        assert response.status_code == 200, response.text
                        page = response.json()
                        seen += page["records"]
                        since = page["next_since"]
                        if not page["more"]:
                            break
                    if last_round:
                        return seen
                    assert time.monotonic() < deadline, "the pushes did not end within 120 s"
                    time.sleep(0.005)

        with ThreadPoolExecutor(threads + 1) as pool:
            reader = pool.submit(follower)
            pushes = [pool.submit(pusher, n) for n in range(threads)]
            try:
                applied = [item for future in pushes for item in future.result(timeout=180)]
            finally:
                pushing.clear()
            followed = reader.result(timeout=180)

        from_zero = []
        with httpx.Client(headers=reader_headers, timeout=30) as client:
            since = 0
            while True:
                page = client.get(f"{second}/sync/pull", params={"since": since}).json()
                from_zero += page["records"]
                since = page["next_since"]
                if not page["more"]:
                    break

    revisions = [revision for _record, revision in applied]
    assert len(applied) == threads * per_thread
    assert len(set(revisions)) == len(revisions), "two changes got the same revision"
    pushed = dict(applied)
    for records in (followed, from_zero):
        numbers = [r["revision"] for r in records]
        assert numbers == sorted(set(numbers)), "revisions must arrive strictly increasing"
        clients = {r["record_id"]: r["revision"] for r in records if r["record_type"] == "client"}
        assert clients == pushed, "the pull cursor missed or doubled a change"
    for name in ("server-1.log", "server-2.log"):
        log = (tmp_path / name).read_text("utf-8", "replace")
        assert "Traceback" not in log and " 500 " not in log, log[-3000:]


# --- payloads ---------------------------------------------------------------------------------

# Any text the record rules allow: no control characters but tab, newline and return, no
# bidi overrides, no lone surrogates (wmo_desk/domain/text.py).
_text = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc"),
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        include_characters="\t\n\r",
    )
)
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


@pytest.fixture
def sanne_client(server_db_url):
    app = create_app(server_db_url)
    with app.state.db.session_scope() as session:
        auth.create_user(
            session,
            username="sanne",
            password=PASSWORD,
            display_name="Sanne",
            role="consulent",
            municipality_code="0828",
        )
    with TestClient(app) as client:
        token = client.post("/api/v1/login", json={"username": "sanne", "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {token.json()['token']}"
        # pulls come from a second sign-in: the pushing one does not get its own versions back
        reader = client.post("/api/v1/login", json={"username": "sanne", "password": PASSWORD})
        client.reader = {"Authorization": f"Bearer {reader.json()['token']}"}
        yield client, token.json()["user"]["id"]


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(answers=st.dictionaries(_text, _json, max_size=5))
def test_any_json_answers_come_back_unchanged(sanne_client, answers):
    """A conversation's answers are free JSON: any unicode, big integers, exact floats are
    stored as JSON text and come back byte-exact."""
    http, user_id = sanne_client
    client, case = _case_of_client(user_id)
    change = _change("conversation", case_id=case["record_id"], answers=answers)
    pushed = http.post("/api/v1/sync/push", json={"changes": [client, case, change]})
    assert pushed.status_code == 200, pushed.text
    results = pushed.json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3, results
    pulled = http.get(
        "/api/v1/sync/pull",
        params={"since": results[2]["revision"] - 1},
        headers=http.reader,
    )
    [record] = [r for r in pulled.json()["records"] if r["record_id"] == change["record_id"]]
    assert record["payload"] == change["payload"]
    assert record["payload"]["answers"] == answers


# --- a push planned without the writer lock --------------------------------------------------


def test_a_push_planned_outside_the_lock_is_planned_again_when_a_row_it_read_changed(
    postgres_url, monkeypatch
):
    """On PostgreSQL a consultant's push is planned without the writer lock; another writer's
    commit to a row it read, in between, makes it plan again under the lock: the stale edit
    becomes a conflict, not a lost update."""
    from sqlalchemy import select, update

    from wmo_desk.server import push
    from wmo_desk.server.models import Record, User
    from wmo_desk.sync.protocol import Change

    _add_user(postgres_url)
    db = ServerDatabase.open(postgres_url)
    try:
        with db.session_scope() as session:
            user = session.scalar(select(User).where(User.username == "sanne"))
        created = Change.model_validate(_change(surname="Jansen"))
        [first] = push.apply_push(db, user, [created])
        edit = Change.model_validate(
            {
                **_change(surname="Janssen"),
                "record_id": str(created.record_id),
                "base_revision": first.revision,
            }
        )
        with db.session_scope() as session:
            assert push._plan_outside_lock(session, user, [edit])
            plan = push._plan(session, user, [edit], None)
            assert not plan.view.changed_since_read()
            # another writer commits a new version of that row meanwhile
            with db.session_scope() as other:
                other.execute(
                    update(Record)
                    .where(Record.record_id == created.record_id)
                    .values(revision=first.revision + 100)
                )
            assert plan.view.changed_since_read()
        # the same inside apply_push: another writer commits right after the first planning
        plans = []
        plan_once = push._plan

        def plan_then_another_writer(session, *args):
            plans.append(plan_once(session, *args))
            if len(plans) == 1:
                with db.session_scope() as other:
                    other.execute(
                        update(Record)
                        .where(Record.record_id == created.record_id)
                        .values(revision=first.revision + 200)
                    )
            return plans[-1]

        monkeypatch.setattr(push, "_plan", plan_then_another_writer)
        newer = Change.model_validate(
            {**edit.model_dump(mode="json"), "base_revision": first.revision + 100}
        )
        [again] = push.apply_push(db, user, [newer])
        assert len(plans) == 2  # planned again, under the lock
        assert again.status == "conflict" and again.revision == first.revision + 200
        with db.session_scope() as session:
            stored = session.scalar(select(Record).where(Record.record_id == created.record_id))
            assert '"Jansen"' in stored.payload  # the stale edit was not written
    finally:
        db.close()
