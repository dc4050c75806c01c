"""The server under 50 concurrent simulated desktops on PostgreSQL, beside a bare floor app.

Run: ``.venv/bin/python -m benchmarks.bench_server_load [--clients 50] [--rounds 3]
[--seconds 20] [--workers N] [--burst 50]`` (needs the PostgreSQL server binaries, as the server
tests do). ``--workers`` runs the server as ``serve --workers N``; after the rounds, one more
round of the server alone gets ``--burst`` sign-ins at once a quarter into it, and its sync p95
is reported beside the rounds without.

A private PostgreSQL cluster is started the way ``tests/postgres.py`` does it. The server is
``wmo-desk-server serve --db postgresql+psycopg://...`` (uvicorn, one process) with one
consulent account per client. Each simulated client signs in (``POST /login``, from an address
of its own: :func:`address_of`) and then loops, as a desktop's sync does: push a batch of 10
upserts of its own cases (new ones first, then edits of them on top of the revision the server
returned), then pull since its cursor.

The floor is :data:`floor_app` below, run by uvicorn in its own process the same way, on its
own database in the same cluster: one endpoint that does the same upserts (a plain ``INSERT ...
ON CONFLICT DO UPDATE`` of the same payloads, no sign-in, no validation model, no revision
lock) and one plain indexed ``SELECT`` for the pull. The same clients load it, in rounds that
alternate with the server's. The clients are asyncio tasks with one ``httpx.AsyncClient``
(one connection) each, in this process; their CPU time is reported, since on a 2-core machine
the load generator competes with the server and PostgreSQL.

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Body, FastAPI
from sqlalchemy import create_engine, text

from benchmarks.serverkit import (
    PASSWORD,
    ServerProcess,
    app_command,
    cluster_cpu_seconds,
    create_accounts,
    free_port,
    machine,
    median,
    percentile,
    server_command,
)

MUNICIPALITY = "0828"
BATCH = 10
CASES_PER_CLIENT = 50  # the first five loops create them, later loops edit them

# --- the floor: a bare FastAPI app doing the same upserts --------------------------------------

floor_app = FastAPI()
_engine = None


def _db():
    global _engine
    if _engine is None:  # the same driver and pool defaults as the server's engine
        _engine = create_engine(os.environ["BENCH_FLOOR_DB"])
    return _engine


FLOOR_SCHEMA = (
    "CREATE SEQUENCE floor_rev",
    "CREATE TABLE floor_records (record_type TEXT, record_id UUID, owner TEXT, "
    "rev BIGINT NOT NULL, payload TEXT NOT NULL, PRIMARY KEY (record_type, record_id))",
    "CREATE INDEX floor_records_owner_rev ON floor_records (owner, rev)",
)
_UPSERT = text(
    "INSERT INTO floor_records (record_type, record_id, owner, rev, payload) "
    "VALUES (:record_type, :record_id, :owner, nextval('floor_rev'), :payload) "
    "ON CONFLICT (record_type, record_id) "
    "DO UPDATE SET payload = excluded.payload, rev = excluded.rev, owner = excluded.owner"
)
_PULL = text(
    "SELECT record_type, record_id, rev, payload FROM floor_records "
    "WHERE owner = :owner AND rev > :since ORDER BY rev LIMIT :limit"
)


@floor_app.get("/health")
def _floor_health() -> dict[str, str]:
    return {"status": "ok"}


@floor_app.post("/upsert")
def _floor_upsert(owner: str, body: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    changes = body["changes"]
    rows = [
        {
            "record_type": c["record_type"],
            "record_id": c["record_id"],
            "owner": owner,
            "payload": json.dumps(c["payload"], sort_keys=True, separators=(",", ":")),
        }
        for c in changes
    ]
    with _db().begin() as conn:
        conn.execute(_UPSERT, rows)
    return {"results": [{"change_id": c["change_id"], "status": "applied"} for c in changes]}


@floor_app.get("/pull")
def _floor_pull(owner: str, since: int = 0, limit: int = 500) -> dict[str, Any]:
    with _db().connect() as conn:
        rows = conn.execute(_PULL, {"owner": owner, "since": since, "limit": limit}).all()
    return {
        "records": [
            {
                "record_type": r.record_type,
                "record_id": str(r.record_id),
                "revision": r.rev,
                "payload": json.loads(r.payload),
            }
            for r in rows
        ],
        "next_since": rows[-1].rev if rows else since,
        "more": len(rows) == limit,
    }


# --- the simulated desktops ------------------------------------------------------------------


def case_payload_template() -> dict[str, Any]:
    """A real case payload: what the desktop sends for a demo case (about 640 bytes), with the
    payload of its client under ``"_client"`` (the server takes a case only with a client the
    pusher sees, so each simulated desktop registers one first)."""
    from sqlalchemy import select

    from benchmarks.bench_keys import BenchKeys
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.demo import fill_demo
    from wmo_desk.storage.repositories.sync_payloads import payload_of
    from wmo_desk.storage.tables import CaseRow, ClientRow

    with tempfile.TemporaryDirectory(prefix="wmo-bench-load-") as folder:
        ctx = AppContext.open(Path(folder), backup=False, keys=BenchKeys())
        try:
            fill_demo(ctx, case_count=1)
            with ctx.db.session() as session:
                case = payload_of(session.scalars(select(CaseRow)).first())
                case["_client"] = payload_of(session.scalars(select(ClientRow)).first())
                return case
        finally:
            ctx.close()


@dataclass
class Samples:
    latency: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    # what the errors and refusals were: an HTTP status, a broken connection, a result status
    causes: dict[str, int] = field(default_factory=dict)

    def cause(self, what: str) -> None:
        self.causes[what] = self.causes.get(what, 0) + 1

    requests: int = 0
    records: int = 0

    def add(self, endpoint: str, seconds: float, ok: bool) -> None:
        self.latency.setdefault(endpoint, []).append(seconds)
        if not ok:
            self.errors[endpoint] = self.errors.get(endpoint, 0) + 1


def address_of(username: str) -> dict[str, str]:
    """Each simulated desktop signs in from an address of its own, as 50 laptops do: the
    server counts a sign-in against its address before the password is checked (at most 20 at
    once per address, server/throttle.py), and uvicorn takes the address a proxy on 127.0.0.1
    forwards. Without this, 50 sign-ins at once from the benchmark's one address are refused."""
    number = sum(ord(c) * 31**i for i, c in enumerate(username)) % 60_000
    return {"X-Forwarded-For": f"10.{number // 240}.{number % 240 + 1}.7"}


@dataclass
class Target:
    name: str
    url: str
    real: bool  # the wmo-desk server (sign-in, /api/v1/...) or the floor app


class Desktop:
    """One simulated desktop: its own connection, cases, revisions and pull cursor."""

    def __init__(self, target: Target, username: str, user_id: str, template: dict[str, Any]):
        self.target = target
        self.username = username
        self.user_id = user_id
        self.client_payload = template["_client"]
        self.template = {k: v for k, v in template.items() if k != "_client"}
        self.client_id = str(uuid.uuid4())
        self.cases = [str(uuid.uuid4()) for _ in range(CASES_PER_CLIENT)]
        self.revisions: dict[str, int] = {}
        self.since = 0
        self.loops = 0
        self.http = httpx.AsyncClient(
            base_url=target.url, timeout=120, limits=httpx.Limits(max_connections=1)
        )
        self.headers: dict[str, str] = {}
        self.last_cause = ""

    async def sign_in(self, samples: Samples) -> None:
        if not self.target.real:
            return
        # Its own connection: 50 sign-ins take seconds (argon2), and a connection left idle
        # meanwhile is closed by uvicorn after 5 s, racing the first push sent on it.
        async with httpx.AsyncClient(base_url=self.target.url, timeout=120) as http:
            started = time.perf_counter()
            answer = await http.post(
                "/api/v1/login",
                json={"username": self.username, "password": PASSWORD},
                headers=address_of(self.username),
            )
        samples.add("login", time.perf_counter() - started, answer.status_code == 200)
        self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}
        client = {
            "change_id": str(uuid.uuid4()),
            "record_type": "client",
            "record_id": self.client_id,
            "municipality_code": MUNICIPALITY,
            "base_revision": None,
            "deleted": False,
            "payload": self.client_payload,
        }
        registered = await self.http.post(
            "/api/v1/sync/push", json={"changes": [client]}, headers=self.headers
        )
        assert registered.json()["results"][0]["status"] == "applied", registered.text

    def _changes(self) -> list[dict[str, Any]]:
        start = (self.loops * BATCH) % len(self.cases)
        changes = []
        for case_id in self.cases[start : start + BATCH]:
            payload = dict(self.template, consultant_id=self.user_id, client_id=self.client_id)
            payload["request_text"] = f"{self.template['request_text']} ({self.loops})"
            changes.append(
                {
                    "change_id": str(uuid.uuid4()),
                    "record_type": "case",
                    "record_id": case_id,
                    "municipality_code": MUNICIPALITY,
                    "base_revision": self.revisions.get(case_id),
                    "deleted": False,
                    "payload": payload,
                }
            )
        return changes

    async def _send(self, method: str, where: tuple[str, dict], **kwargs) -> httpx.Response | None:
        """The answer, or None for an error status or a broken connection (counted as errors)."""
        try:
            answer = await self.http.request(
                method, where[0], params=where[1], headers=self.headers, **kwargs
            )
        except httpx.TransportError as exc:
            self.last_cause = type(exc).__name__
            return None
        self.last_cause = f"HTTP {answer.status_code}"
        return answer if answer.status_code == 200 else None

    async def loop_once(self, samples: Samples) -> None:
        changes = self._changes()
        if self.target.real:
            push = ("/api/v1/sync/push", {})
            pull = ("/api/v1/sync/pull", {"since": self.since, "limit": 500})
        else:
            push = ("/upsert", {"owner": self.user_id})
            pull = ("/pull", {"owner": self.user_id, "since": self.since, "limit": 500})
        started = time.perf_counter()
        answer = await self._send("POST", push, json={"changes": changes})
        samples.add("push", time.perf_counter() - started, answer is not None)
        if answer is None:
            samples.cause(f"push: {self.last_cause}")
        else:
            by_id = {c["change_id"]: c["record_id"] for c in changes}
            for result in answer.json()["results"]:
                if result["status"] == "applied":
                    self.revisions[by_id[result["change_id"]]] = result.get("revision") or 0
                else:
                    samples.refused += 1
                    samples.cause(f"push result {result['status']} {result.get('reason') or ''}")
            samples.records += len(changes)
        started = time.perf_counter()
        answer = await self._send("GET", pull)
        samples.add("pull", time.perf_counter() - started, answer is not None)
        if answer is None:
            samples.cause(f"pull: {self.last_cause}")
        else:
            self.since = answer.json()["next_since"]
        samples.requests += 2
        self.loops += 1


@dataclass
class Round:
    target: str
    samples: Samples
    seconds: float
    cpu: dict[str, float]


async def sign_in_burst(target: Target, usernames: list[str], samples: Samples) -> None:
    """``len(usernames)`` sign-ins sent at once, each on its own connection (``burst``)."""

    async def one(username: str) -> None:
        async with httpx.AsyncClient(base_url=target.url, timeout=120) as http:
            started = time.perf_counter()
            answer = await http.post(
                "/api/v1/login",
                json={"username": username, "password": PASSWORD},
                headers=address_of(username),
            )
        samples.add("burst", time.perf_counter() - started, answer.status_code == 200)

    await asyncio.gather(*(one(u) for u in usernames))


async def run_round(
    target: Target,
    accounts: list[tuple[str, str]],
    template,
    seconds: float,
    cpu_probes,
    burst: int = 0,
) -> Round:
    desktops = [Desktop(target, username, uid, template) for username, uid in accounts]
    samples = Samples()
    await asyncio.gather(*(d.sign_in(samples) for d in desktops))

    before = {name: probe() for name, probe in cpu_probes.items()}
    started = time.perf_counter()
    deadline = started + seconds

    async def run(desktop: Desktop) -> None:
        while time.perf_counter() < deadline:
            await desktop.loop_once(samples)

    async def burst_later() -> None:
        # a quarter into the round: the sync load is running when the sign-ins arrive
        await asyncio.sleep(seconds / 4)
        await sign_in_burst(target, [u for u, _ in accounts][:burst], samples)

    extra = [burst_later()] if burst and target.real else []
    await asyncio.gather(*(run(d) for d in desktops), *extra)
    elapsed = time.perf_counter() - started
    cpu = {name: probe() - before[name] for name, probe in cpu_probes.items()}
    for desktop in desktops:
        await desktop.http.aclose()
    return Round(target.name, samples, elapsed, cpu)


# --- the report ------------------------------------------------------------------------------


def report(rounds: list[Round], names: list[str], clients: int, growth: bool = True) -> None:
    print(
        f"\n{clients} client(s), {len(rounds) // len(names)} round(s) per target; requests/s is "
        "the median over rounds, latencies are over all requests of all rounds"
    )
    header = (
        f"  {'target':22} {'req/s':>7} {'rec/s':>7} {'push p50':>9} {'push p95':>9} "
        f"{'pull p50':>9} {'pull p95':>9} {'login p50':>10} {'errors':>7}"
    )
    print(header)
    rows = {}
    for name in names:
        mine = [r for r in rounds if r.target == name]
        rps = median([r.samples.requests / r.seconds for r in mine])
        records = median([r.samples.records / r.seconds for r in mine])
        latency: dict[str, list[float]] = {}
        errors = 0
        for r in mine:
            for endpoint, values in r.samples.latency.items():
                latency.setdefault(endpoint, []).extend(values)
            errors += sum(r.samples.errors.values()) + r.samples.refused

        def ms(endpoint: str, fraction: float, values=latency) -> float:
            return percentile(values.get(endpoint, []), fraction) * 1000

        causes: dict[str, int] = {}
        for r in mine:
            for what, n in r.samples.causes.items():
                causes[what] = causes.get(what, 0) + n
        rows[name] = (rps, ms("push", 0.5), ms("push", 0.95), ms("pull", 0.5), ms("pull", 0.95))
        if causes:
            print(
                f"  {name}: errors and refusals: "
                + ", ".join(f"{k} x{v}" for k, v in sorted(causes.items()))
            )
        login = f"{ms('login', 0.5):8.0f}ms" if "login" in latency else f"{'-':>10}"
        print(
            f"  {name:22} {rps:7.0f} {records:7.0f} {ms('push', 0.5):7.1f}ms "
            f"{ms('push', 0.95):7.1f}ms {ms('pull', 0.5):7.1f}ms {ms('pull', 0.95):7.1f}ms "
            f"{login} {errors:7}"
        )
    server, floor = (rows[n] for n in names)
    ratios = [ours / theirs for ours, theirs in zip(server[1:], floor[1:], strict=True)]
    print(
        f"  {'server / floor':22} {server[0] / floor[0]:6.2f}x {'':7} "
        + " ".join(f"{r:7.1f}x" for r in ratios)
    )
    print("\n  CPU during the load, in cores (CPU seconds / wall seconds; the machine has 2):")
    print(
        f"  {'target':22} {'load generator':>15} {'server process':>15} {'PostgreSQL':>11} "
        f"{'generator ms CPU/request':>25}"
    )
    for name in names:
        mine = [r for r in rounds if r.target == name]
        share = {k: median([r.cpu[k] / r.seconds for r in mine]) for k in mine[0].cpu}
        per_request = median([r.cpu["generator"] / r.samples.requests * 1000 for r in mine])
        print(
            f"  {name:22} {share['generator']:15.2f} {share['server']:15.2f} "
            f"{share['postgres']:11.2f} {per_request:25.2f}"
        )
    if not growth:
        return
    print("\n  pull latency per round (median ms), as the records table grows:")
    for name in names:
        per_round = [
            percentile(r.samples.latency.get("pull", []), 0.5) * 1000
            for r in rounds
            if r.target == name
        ]
        print(f"  {name:22} " + "  ".join(f"{v:6.1f}" for v in per_round))


def report_burst(burst: Round, normal: list[Round]) -> None:
    """Sync latency in the round with the burst of sign-ins beside the rounds without."""

    def p95(rounds: list[Round], endpoint: str) -> float:
        values = [v for r in rounds for v in r.samples.latency.get(endpoint, [])]
        return percentile(values, 0.95) * 1000

    during = burst.samples.latency.get("burst", [])
    print(
        f"\n  a burst of {len(during)} sign-ins at once during the sync load "
        f"(sign-in p50 {percentile(during, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(during, 0.95) * 1000:.0f} ms, "
        f"errors {burst.samples.errors.get('burst', 0)}):"
    )
    for endpoint in ("push", "pull"):
        with_burst, without = p95([burst], endpoint), p95(normal, endpoint)
        print(
            f"  {endpoint} p95 with the burst {with_burst:7.1f} ms, without {without:7.1f} ms: "
            f"{with_burst / without:.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--solo-seconds", type=float, default=8, help="first one client alone, for the latency"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="wmo-desk-server serve --workers N (default 1)"
    )
    parser.add_argument(
        "--burst",
        type=int,
        default=50,
        help="sign-ins sent at once during one extra round of sync load (0: none)",
    )
    args = parser.parse_args()

    import psycopg

    from tests.postgres import start_cluster

    print(machine())
    root = Path(tempfile.mkdtemp(prefix="wmo-bench-load-"))
    template = case_payload_template()
    cluster = start_cluster()
    try:
        with psycopg.connect(
            host="127.0.0.1", port=cluster.port, user="postgres", autocommit=True
        ) as admin:
            version = admin.info.server_version
            admin.execute("CREATE DATABASE wmo")
            admin.execute("CREATE DATABASE floor")
        with psycopg.connect(
            host="127.0.0.1", port=cluster.port, user="postgres", dbname="floor"
        ) as conn:
            for statement in FLOOR_SCHEMA:
                conn.execute(statement)
        started = time.perf_counter()
        usernames = [f"consulent{i:02d}" for i in range(1, args.clients + 1)]
        ids = create_accounts(
            cluster.url("wmo"),
            [(u, f"Consulent {u[-2:]}", "consulent", MUNICIPALITY) for u in usernames],
        )
        accounts = [(u, ids[u]) for u in usernames]
        print(
            f"PostgreSQL {version // 10000}.{version % 10000} on 127.0.0.1 (started in "
            f"{cluster.startup_seconds:.1f} s); {len(accounts)} accounts in "
            f"{time.perf_counter() - started:.1f} s"
        )
        server_port, floor_port = free_port(), free_port()
        while floor_port == server_port:
            floor_port = free_port()
        with (
            ServerProcess(
                server_command(cluster.url("wmo"), server_port, args.workers),
                server_port,
                root / "server.log",
            ) as server,
            ServerProcess(
                app_command("benchmarks.bench_server_load:floor_app", floor_port),
                floor_port,
                root / "floor.log",
                health="/health",
                env={"BENCH_FLOOR_DB": cluster.url("floor")},
            ) as floor,
        ):
            targets = [
                (Target("wmo-desk-server", server.url, real=True), server),
                (Target("floor (bare FastAPI)", floor.url, real=False), floor),
            ]
            names = [t.name for t, _ in targets]

            def load(clients: list[tuple[str, str]], seconds: float, label: str) -> list[Round]:
                results = []
                for target, process in targets:
                    probes = {
                        "generator": time.process_time,
                        "server": process.cpu_seconds,
                        "postgres": lambda: cluster_cpu_seconds(cluster.datadir),
                    }
                    result = asyncio.run(run_round(target, clients, template, seconds, probes))
                    print(
                        f"  {label}, {target.name}: {result.samples.requests:,} requests "
                        f"in {result.seconds:.1f} s"
                    )
                    results.append(result)
                return results

            solo = load(accounts[:1], args.solo_seconds, "one client alone")
            rounds: list[Round] = []
            for n in range(args.rounds):
                rounds += load(accounts, args.seconds, f"round {n + 1}")
            burst_rounds: list[Round] = []
            if args.burst:
                for target, process in targets[:1]:
                    probes = {
                        "generator": time.process_time,
                        "server": process.cpu_seconds,
                        "postgres": lambda: cluster_cpu_seconds(cluster.datadir),
                    }
                    burst_rounds.append(
                        asyncio.run(
                            run_round(target, accounts, template, args.seconds, probes, args.burst)
                        )
                    )
                    print(f"  burst round, {target.name}: {args.burst} sign-ins at once")
            report(solo, names, 1, growth=False)
            report(rounds, names, args.clients)
            if burst_rounds:
                report_burst(burst_rounds[0], [r for r in rounds if r.target == names[0]])
            with psycopg.connect(
                host="127.0.0.1", port=cluster.port, user="postgres", dbname="wmo"
            ) as conn:
                count = conn.execute("SELECT count(*) FROM records").fetchone()[0]
            print(f"\n  records on the server at the end: {count:,}")
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
