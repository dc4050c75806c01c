"""Sync of 1,000 changed cases through a real server process, beside floors in the same run.

Run: ``.venv/bin/python -m benchmarks.bench_sync [--cases 1000] [--repeat 3] [--db sqlite]``
(``--db postgresql`` or ``--db both`` also runs the server on a private PostgreSQL cluster, as
``tests/postgres.py`` starts one; that needs the PostgreSQL server binaries).

A consultant's desktop profile holds the demo cases plus new meldingen up to 1,000 cases, none
synced yet. Each repeat starts from copies of the same profiles and a fresh server database
with the two accounts, and runs four scenarios through ``SyncService.sync()`` against
``wmo-desk-server serve`` (uvicorn) on 127.0.0.1:

1. the consultant pushes everything (and pulls her own records back, as every sync does);
2. a team lead's fresh desktop pulls all of it;
3. the consultant edits all 1,000 cases and syncs again;
4. the team lead pulls the 1,000 edits.

Beside each, in the same repeat:

- *server + HTTP*: the exact request bodies the desktop sent (captured on the wire) replayed
  with httpx, same batches, to a second server process on its own copy of the same database
  (pushes), or to the same server (pulls): the server's share without the desktop;
- *HTTP floor*: the same bodies POSTed to a bare FastAPI app under uvicorn that only parses the
  JSON and answers one result per change (pushes), or that sends back the same response bytes
  (pulls): HTTP, JSON and the event loop, no database;
- *DB floor*: a bare ``INSERT ... ON CONFLICT DO UPDATE`` of the same rows (type, id, payload
  text) into one table of the same kind of database, one transaction per batch or page.

Nothing is asserted; the figures are medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi import FastAPI, Request, Response

from benchmarks.serverkit import (
    PASSWORD,
    ServerProcess,
    app_command,
    create_accounts,
    free_port,
    machine,
    median,
    server_command,
)

MUNICIPALITY = "0828"
ACCOUNTS = [
    ("sanne", "Sanne de Wit", "consulent", MUNICIPALITY),
    ("ruud", "Ruud Verhoeven", "teamleider", MUNICIPALITY),
]
SCENARIOS = (
    "1. consultant pushes new records",
    "1b. ... and pulls her own back",
    "2. team lead pulls everything",
    "3. consultant pushes the edits",
    "3b. ... and pulls her own back",
    "4. team lead pulls the edits",
)

# --- the HTTP floor: a bare app run by uvicorn like the real server ---------------------------

echo_app = FastAPI()
_stash: dict[str, bytes] = {}


@echo_app.get("/api/v1/health")
async def _health() -> dict[str, str]:
    return {"status": "ok"}


@echo_app.post("/api/v1/sync/push")
async def _echo_push(request: Request) -> Response:
    changes = json.loads(await request.body())["changes"]
    results = [
        {"change_id": c["change_id"], "status": "applied", "revision": i}
        for i, c in enumerate(changes)
    ]
    return Response(json.dumps({"results": results}), media_type="application/json")


@echo_app.post("/stash")
async def _stash_page(request: Request) -> dict[str, int]:
    _stash[request.query_params["key"]] = await request.body()
    return {"stored": len(_stash)}


@echo_app.get("/api/v1/sync/pull")
async def _echo_pull(request: Request) -> Response:
    return Response(_stash[request.url.query], media_type="application/json")


# --- what the desktop sends, captured on the wire ---------------------------------------------


@dataclass
class Call:
    method: str
    target: str  # path and query
    body: bytes
    started: float
    response: bytes = b""
    finished: float = 0.0


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)

    def client(self) -> httpx.Client:
        def on_request(request: httpx.Request) -> None:
            target = request.url.raw_path.decode("ascii")
            self.calls.append(Call(request.method, target, request.content, time.perf_counter()))

        def on_response(response: httpx.Response) -> None:
            response.read()
            self.calls[-1].response = response.content
            self.calls[-1].finished = time.perf_counter()

        return httpx.Client(
            timeout=120, event_hooks={"request": [on_request], "response": [on_response]}
        )

    def take(self) -> list[Call]:
        calls, self.calls = self.calls, []
        return calls


def pushes(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.target.startswith("/api/v1/sync/push")]


def pulls(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.target.startswith("/api/v1/sync/pull")]


# --- profiles ---------------------------------------------------------------------------------


def build_consultant(folder: Path, cases: int) -> int:
    """The demo profile (30 cases over every stage) plus new meldingen up to ``cases``."""
    from benchmarks.bench_keys import BenchKeys
    from benchmarks.caseload_data import elfproef_bsns
    from wmo_desk.domain.cases import Channel, Reporter
    from wmo_desk.domain.intake import MeldingForm
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.demo import _REQUESTS, demo_client, fill_demo

    ctx = AppContext.open(folder, backup=False, keys=BenchKeys())
    fill_demo(ctx)
    rng = random.Random(5)
    today = ctx.clock.today()
    for bsn in elfproef_bsns(max(0, cases - 30)):
        client = demo_client(rng, bsn)
        ctx.intake.register(
            MeldingForm(
                bsn=bsn,
                initials=client.initials,
                first_names=client.first_names,
                prefix=client.prefix,
                surname=client.surname,
                birth_date=client.birth_date,
                sex=client.sex,
                street=client.address.street,
                house_number=str(client.address.house_number),
                postcode=client.address.postcode,
                place=client.address.place,
                municipality_code=MUNICIPALITY,
                phone=client.phone,
                melding_date=today - timedelta(days=rng.randint(0, 40)),
                reported_by=rng.choice(list(Reporter)),
                channel=rng.choice(list(Channel)),
                request_text=rng.choice(_REQUESTS),
            )
        )
    pending = ctx.sync.status().pending
    ctx.close()
    return pending


def build_team_lead(folder: Path) -> None:
    from benchmarks.bench_keys import BenchKeys
    from wmo_desk.domain.users import Role
    from wmo_desk.services.context import AppContext

    ctx = AppContext.open(folder, backup=False, keys=BenchKeys())
    choice = next(c for c in ctx.region_choices() if c.code == "BNO-O")
    ctx.activate(ctx.profiles.set_up(choice, MUNICIPALITY, "Ruud Verhoeven", Role.TEAMLEIDER))
    ctx.close()


def open_desktop(template: Path, folder: Path, server_url: str, username: str, recorder: Recorder):
    from benchmarks.bench_keys import BenchKeys
    from wmo_desk.services.context import AppContext

    shutil.copytree(template, folder)
    ctx = AppContext.open(folder, backup=False, keys=BenchKeys())
    ctx.http = recorder.client()
    ctx.remember_server(server_url)
    ctx.sign_in_service(server_url).sign_in(username, PASSWORD)
    ctx.signed_in()
    recorder.take()
    return ctx


def edit_every_case(ctx) -> int:
    """Every case gets a changed request text, as if retyped in the case screen."""
    from sqlalchemy import select

    from wmo_desk.domain.identifiers import utcnow
    from wmo_desk.storage.repositories.cases import CaseRepository
    from wmo_desk.storage.tables import CaseRow

    today = ctx.clock.today()
    with ctx.db.session() as session:
        repo = CaseRepository(session)
        ids = list(session.scalars(select(CaseRow.id)))
        for case_id in ids:
            case = repo.get(case_id)
            repo.save(
                replace(
                    case,
                    request_text=case.request_text + " Aanvulling na telefonisch contact.",
                    modified_at=utcnow(),
                ),
                today,
            )
    return len(ids)


# --- databases: SQLite files or PostgreSQL databases from a template --------------------------


Upsert = Callable[[list[tuple[str, str, str]]], None]


@contextmanager
def sqlite_upsert(path: Path) -> Iterator[Upsert]:
    """One transaction per call: INSERT ... ON CONFLICT DO UPDATE of (type, id, payload), in a
    SQLite file with the server's pragmas (WAL, synchronous=NORMAL)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE records (record_type TEXT, record_id TEXT, payload TEXT, "
        "PRIMARY KEY (record_type, record_id))"
    )

    def upsert(rows: list[tuple[str, str, str]]) -> None:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO records VALUES (?, ?, ?) ON CONFLICT (record_type, record_id) "
            "DO UPDATE SET payload = excluded.payload",
            rows,
        )
        conn.execute("COMMIT")

    try:
        yield upsert
    finally:
        conn.close()


class SqliteBackend:
    name = "SQLite"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.template = root / "server-template.sqlite"
        self.count = 0

    def prepare(self) -> None:
        create_accounts(f"sqlite:///{self.template}", ACCOUNTS)

    def new_database(self) -> str:
        self.count += 1
        path = self.root / f"server-{self.count}.sqlite"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def floor_upsert(self):
        self.count += 1
        return sqlite_upsert(self.root / f"floor-{self.count}.sqlite")

    def close(self) -> None:
        pass


class PostgresBackend:
    name = "PostgreSQL"

    def __init__(self, root: Path) -> None:
        from tests.postgres import start_cluster

        self.cluster = start_cluster()
        self.count = 0

    def _admin(self):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.cluster.port, user="postgres", autocommit=True
        )

    def prepare(self) -> None:
        with self._admin() as conn:
            conn.execute("CREATE DATABASE bench_template")
        create_accounts(self.cluster.url("bench_template"), ACCOUNTS)

    def new_database(self) -> str:
        self.count += 1
        name = f"bench_{self.count}"
        with self._admin() as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE bench_template")
        return self.cluster.url(name)

    @contextmanager
    def floor_upsert(self) -> Iterator[Upsert]:
        import psycopg

        self.count += 1
        name = f"floor_{self.count}"
        with self._admin() as conn:
            conn.execute(f"CREATE DATABASE {name}")
        conn = psycopg.connect(
            host="127.0.0.1", port=self.cluster.port, user="postgres", dbname=name
        )
        conn.execute(
            "CREATE TABLE records (record_type TEXT, record_id UUID, payload TEXT, "
            "PRIMARY KEY (record_type, record_id))"
        )
        conn.commit()

        def upsert(rows: list[tuple[str, str, str]]) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO records VALUES (%s, %s, %s) ON CONFLICT (record_type, record_id) "
                    "DO UPDATE SET payload = excluded.payload",
                    rows,
                )
            conn.commit()

        try:
            yield upsert
        finally:
            conn.close()

    def close(self) -> None:
        self.cluster.stop()


# --- one repeat -------------------------------------------------------------------------------

PUSH_NEW, OWN_BACK, TEAM_ALL, PUSH_EDITS, OWN_BACK_2, TEAM_EDITS = SCENARIOS
COLUMNS = ("desktop", "server", "http_floor", "db_floor")


@dataclass
class Figures:
    """Seconds per scenario and column over the repeats, and how many records each moved."""

    records: dict[str, int] = field(default_factory=dict)
    seconds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, scenario: str, column: str, value: float) -> None:
        self.seconds.setdefault((scenario, column), []).append(value)

    def median(self, scenario: str, column: str) -> float:
        return median(self.seconds.get((scenario, column), [float("nan")]))


def _login(http: httpx.Client, url: str, username: str) -> dict[str, str]:
    answer = http.post(f"{url}/api/v1/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _rows(changes: list[dict]) -> list[tuple[str, str, str]]:
    return [
        (c["record_type"], str(c["record_id"]), json.dumps(c["payload"], sort_keys=True))
        for c in changes
    ]


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _waiting(calls: list[Call]) -> float:
    """Time the desktop waited on HTTP: request sent until the whole response was read."""
    return sum(c.finished - c.started for c in calls)


def _distinct_ports(count: int) -> list[int]:
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return list(ports)


class Repeat:
    """One repeat: a server on a fresh database, a replay server on a copy, two desktops."""

    def __init__(self, backend, templates: Path, run: Path, echo: ServerProcess, figures: Figures):
        self.backend = backend
        self.templates = templates
        self.run = run
        self.echo = echo
        self.figures = figures
        self.recorder = Recorder()

    def __call__(self) -> None:
        self.run.mkdir(parents=True)
        port, replay_port = _distinct_ports(2)
        main_db, replay_db = self.backend.new_database(), self.backend.new_database()
        with (
            ServerProcess(server_command(main_db, port), port, self.run / "server.log") as server,
            ServerProcess(
                server_command(replay_db, replay_port), replay_port, self.run / "replay.log"
            ) as replay,
            httpx.Client(timeout=120) as http,
            self.backend.floor_upsert() as server_floor,
            sqlite_upsert(self.run / "desktop-floor.sqlite") as desktop_floor,
        ):
            self.server, self.replay, self.http = server, replay, http
            self.server_floor, self.desktop_floor = server_floor, desktop_floor
            sanne = open_desktop(
                self.templates / "sanne", self.run / "sanne", server.url, "sanne", self.recorder
            )
            ruud = open_desktop(
                self.templates / "ruud", self.run / "ruud", server.url, "ruud", self.recorder
            )
            self.auth = {
                ("replay", "sanne"): _login(http, replay.url, "sanne"),
                ("server", "sanne"): _login(http, server.url, "sanne"),
                ("server", "ruud"): _login(http, server.url, "ruud"),
            }
            try:
                self.consultant_sync(sanne, PUSH_NEW, OWN_BACK)
                self.team_lead_sync(ruud, TEAM_ALL)
                edited = edit_every_case(sanne)
                self.figures.notes.append(f"edited {edited:,} cases")
                self.consultant_sync(sanne, PUSH_EDITS, OWN_BACK_2)
                self.team_lead_sync(ruud, TEAM_EDITS)
            finally:
                sanne.close()
                ruud.close()

    def consultant_sync(self, ctx, push_label: str, pull_label: str) -> None:
        started = time.perf_counter()
        report = ctx.sync.sync()
        ended = time.perf_counter()
        calls = self.recorder.take()
        switch = pulls(calls)[0].started
        self.figures.add(push_label, "desktop", switch - started)
        self.figures.add(push_label, "prepare", pushes(calls)[0].started - started)
        self.figures.add(push_label, "wait", _waiting(pushes(calls)))
        self.figures.add(pull_label, "desktop", ended - switch)
        self.figures.add(pull_label, "wait", _waiting(pulls(calls)))
        self.figures.notes.append(
            f"{push_label.strip()}: report pushed={report.pushed} pulled={report.pulled} "
            f"conflicts={report.new_conflicts} refused={report.refused}"
        )
        self.replay_pushes(push_label, pushes(calls))
        self.replay_pulls(pull_label, pulls(calls), "sanne")

    def team_lead_sync(self, ctx, label: str) -> None:
        started = time.perf_counter()
        report = ctx.sync.sync()
        ended = time.perf_counter()
        calls = self.recorder.take()
        self.figures.add(label, "desktop", ended - started)
        self.figures.add(label, "wait", _waiting(pulls(calls)))
        self.figures.notes.append(
            f"{label.strip()}: report pushed={report.pushed} pulled={report.pulled}"
        )
        self.replay_pulls(label, pulls(calls), "ruud")

    def replay_pushes(self, label: str, calls: list[Call]) -> None:
        headers = {**self.auth[("replay", "sanne")], "content-type": "application/json"}
        answers: list[httpx.Response] = []

        def server() -> None:
            for call in calls:
                answers.append(
                    self.http.post(
                        self.replay.url + call.target, content=call.body, headers=headers
                    )
                )

        def http_floor() -> None:
            for call in calls:
                self.http.post(self.echo.url + call.target, content=call.body, headers=headers)

        batches = [_rows(json.loads(call.body)["changes"]) for call in calls]

        def db_floor() -> None:
            for rows in batches:
                self.server_floor(rows)

        self.figures.records[label] = sum(len(rows) for rows in batches)
        self.figures.add(label, "server", _timed(server))
        statuses = [r["status"] for a in answers for r in a.json()["results"]]
        if any(s != "applied" for s in statuses):
            self.figures.notes.append(f"replay of {label.strip()}: {sorted(set(statuses))}")
        self.figures.add(label, "http_floor", _timed(http_floor))
        self.figures.add(label, "db_floor", _timed(db_floor))

    def replay_pulls(self, label: str, calls: list[Call], username: str) -> None:
        headers = self.auth[("server", username)]
        for call in calls:
            self.http.post(
                f"{self.echo.url}/stash", params={"key": call.target.split("?", 1)[1]},
                content=call.response,
            )  # fmt: skip

        def server() -> None:
            for call in calls:
                self.http.get(self.server.url + call.target, headers=headers).raise_for_status()

        def http_floor() -> None:
            for call in calls:
                self.http.get(self.echo.url + call.target).raise_for_status()

        pages = [_rows(json.loads(call.response)["records"]) for call in calls]

        def db_floor() -> None:
            for rows in pages:
                self.desktop_floor(rows)

        self.figures.records[label] = sum(len(rows) for rows in pages)
        self.figures.add(label, "server", _timed(server))
        self.figures.add(label, "http_floor", _timed(http_floor))
        self.figures.add(label, "db_floor", _timed(db_floor))


# --- the report -------------------------------------------------------------------------------


def print_table(backend_name: str, figures: Figures, repeat: int) -> None:
    print(f"\nserver on {backend_name}: seconds, median of {repeat} repeats")
    print(
        f"  {'scenario':34} {'records':>7} {'wmo_desk':>9} {'rec/s':>7} {'server+HTTP':>11} "
        f"{'HTTP floor':>10} {'DB floor':>9} {'vs HTTP':>8} {'vs DB':>7}"
    )
    for label in SCENARIOS:
        records = figures.records.get(label, 0)
        ours, server, http, db = (figures.median(label, c) for c in COLUMNS)
        print(
            f"  {label:34} {records:>7,} {ours:8.2f}s {records / ours:7.0f} {server:10.2f}s "
            f"{http:9.2f}s {db:8.3f}s {ours / http:7.1f}x {ours / db:6.0f}x"
        )


def print_breakdown(figures: Figures) -> None:
    print("  where the desktop's time goes (medians, seconds):")
    print(f"    {'scenario':34} {'total':>7} {'on HTTP':>8} {'desktop':>8} {'of which':>9}")
    for label in SCENARIOS:
        total, wait = figures.median(label, "desktop"), figures.median(label, "wait")
        prepare = figures.median(label, "prepare")
        extra = f"outbox {prepare:.2f}" if prepare == prepare else ""
        print(f"    {label:34} {total:7.2f} {wait:8.2f} {total - wait:8.2f}   {extra}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    import keyring

    from tests.fakes import memory_keyring_backend

    keyring.set_keyring(memory_keyring_backend())  # tokens in memory, never the OS keyring
    print(machine())
    root = Path(tempfile.mkdtemp(prefix="wmo-bench-sync-"))
    templates = root / "templates"
    started = time.perf_counter()
    pending = build_consultant(templates / "sanne", args.cases)
    build_team_lead(templates / "ruud")
    print(
        f"consultant profile with {args.cases:,} cases ({pending:,} records pending) built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    port = free_port()
    try:
        with ServerProcess(
            app_command("benchmarks.bench_sync:echo_app", port), port, root / "echo.log"
        ) as echo:
            for kind in kinds:
                backend = SqliteBackend(root) if kind == "sqlite" else PostgresBackend(root)
                try:
                    backend.prepare()
                    figures = Figures()
                    for n in range(args.repeat):
                        t = time.perf_counter()
                        Repeat(backend, templates, root / f"{kind}-{n}", echo, figures)()
                        print(f"  {backend.name} repeat {n + 1}: {time.perf_counter() - t:.1f} s")
                    for note in dict.fromkeys(figures.notes):
                        print(f"    {note}")
                    print_table(backend.name, figures, args.repeat)
                    print_breakdown(figures)
                finally:
                    backend.close()
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
