"""The regional monitor on a real server process: a page computed from the region's records,
the same page again while nothing changed (served from the figures kept in memory), and two
floors in the same run: a page without figures, and the bare SQL of the page's main aggregate.

Run: ``python -m benchmarks.bench_dashboard [--db sqlite|postgres] [--clients 5000]
[--provisions-per-case 1] [--repeat 7]``. The records are written straight into the server's
database (per client a case, a final decision and its provisions, as the desktops and the team
leads' approvals leave them; ``postgres`` starts a private cluster as ``tests/postgres.py``
does), then ``wmo-desk-server serve`` reads them. Figures go to docs/benchmarks.md by hand.

With several provisions per case they follow each other in time: most continue the day after
the previous one ends (half of those at another provider, some with another product:
doorstroom), the others after a gap (uitstroom, then instroom again); the last one may run on.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import bindparam, func, select, text

from benchmarks.serverkit import PASSWORD, ServerProcess, free_port, machine, server_command
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import Record
from wmo_desk.server.records import publish_catalogue
from wmo_desk.server.web import monitoring, sources, suppression

CATALOGUE = Path(__file__).resolve().parents[1] / "resources" / "catalogues" / "bno-o.json"
QUARTER = monitoring.Quarter(2026, 4)
PAGE = f"/regio/monitor?kwartaal={QUARTER.key}"
COLUMNS = (
    "record_type", "record_id", "municipality_code", "case_id", "client_id", "revision",
    "payload", "deleted", "updated_at",
)  # fmt: skip


def _provisions(rng: random.Random, count: int, first_start: date, products: list[str],
                providers: list[str]) -> list[dict]:  # fmt: skip
    """``count`` provisions of one client, one after the other (see the module doc)."""
    product, provider = rng.choice(products), rng.choice(providers)
    start = first_start
    spans = []
    for n in range(count):
        end: date | None = start + timedelta(days=rng.randrange(60, 400))
        if n == count - 1 and rng.random() < 0.3:
            end = None  # still running
        spans.append({"product_code": product, "provider_id": provider, "start": start, "end": end})
        if end is None:
            break
        if rng.random() < 0.6:
            start = end + timedelta(days=1)
            if rng.random() < 0.5:
                provider = rng.choice(providers)
            if rng.random() < 0.2:
                product = rng.choice(products)
        else:
            start = end + timedelta(days=rng.randrange(30, 200))
    return spans


def _rows(clients: int, per_case: int, catalogue: dict, first_revision: int) -> list[tuple]:
    """Per client a case, a final decision and ``per_case`` provisions, spread over the region
    and over mid 2024 to 2027 (the page's eight quarters are 2025 K1 to 2026 K4)."""
    rng = random.Random(7)
    codes = [m["cbs_code"] for m in catalogue["municipalities"]]
    products = [p["code"] for p in catalogue["products"]]
    providers = [p["id"] for p in catalogue["providers"]]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows = []
    revision = first_revision
    for _ in range(clients):
        code = rng.choice(codes)
        case_id, decision_id, client_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        if per_case == 1:  # as before: one year of care decided in 2026
            melding = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
            decided = melding + timedelta(days=rng.randrange(20, 70))
            spans = [{"product_code": rng.choice(products), "provider_id": rng.choice(providers),
                      "start": decided + timedelta(days=7),
                      "end": decided + timedelta(days=372)}]  # fmt: skip
        else:
            first_start = date(2024, 7, 1) + timedelta(days=rng.randrange(900))
            decided = first_start - timedelta(days=7)
            melding = decided - timedelta(days=rng.randrange(20, 70))
            spans = _provisions(rng, per_case, first_start, products, providers)
        payloads = [
            ("case", case_id, {"client_id": str(client_id), "melding_date": melding.isoformat(),
                               "aanvraag_date": None, "holds": [], "decision_sent_date": None}),
            ("decision", decision_id, {"case_id": str(case_id), "status": "definitief",
                                       "outcome": "toegekend", "decision_date": decided.isoformat()}),
        ] + [
            ("provision", uuid.uuid4(), {
                "decision_id": str(decision_id), "product_code": s["product_code"],
                "start": s["start"].isoformat(), "end": s["end"] and s["end"].isoformat(),
                "delivery_form": "natura", "volume": 1, "unit": "82", "frequency": "4",
                "provider_id": s["provider_id"], "pgb_cents": None})
            for s in spans
        ]  # fmt: skip
        for record_type, record_id, payload in payloads:
            revision += 1
            rows.append((
                record_type, record_id, code, case_id,
                client_id if record_type == "case" else None,
                revision, json.dumps(payload), False, now,
            ))  # fmt: skip
    return rows


def _insert(db: ServerDatabase, rows: list[tuple]) -> None:
    """Bulk insert (setup, not measured): COPY on PostgreSQL, executemany on SQLite."""
    if db.engine.dialect.name != "postgresql":
        with db.engine.begin() as connection:
            connection.execute(
                Record.__table__.insert(), [dict(zip(COLUMNS, row, strict=True)) for row in rows]
            )
        return
    raw = db.engine.raw_connection()
    try:
        copying = f"COPY records ({', '.join(COLUMNS)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(copying) as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        raw.commit()
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            cursor.execute("ANALYZE records")
        raw.commit()
    finally:
        raw.close()


def _region(url: str, clients: int, per_case: int) -> int:
    """The region's catalogue, the regional office's account and the records; their count."""
    catalogue = json.loads(CATALOGUE.read_text("utf-8"))
    db = ServerDatabase.open(url)
    with db.session_scope() as session:
        auth.create_user(
            session, username="regio", password=PASSWORD, display_name="Regiobureau",
            role="regio", municipality_code=catalogue["municipalities"][0]["cbs_code"],
        )  # fmt: skip
        revisions = publish_catalogue(session, catalogue)
    rows = _rows(clients, per_case, catalogue, max(revisions))
    _insert(db, rows)
    db.close()
    return len(rows)


def _touch(url: str) -> None:
    """A push as far as the figures go: one case gets a new revision."""
    db = ServerDatabase.open(url, migrate=False)
    with db.session_scope() as session:
        newest = session.scalar(select(func.max(Record.revision)))
        case = session.scalars(select(Record).where(Record.record_type == "case").limit(1)).one()
        case.revision = newest + 1
    db.close()


# -- the bare SQL floor: clients in care per quarter and municipality -------------------------

_BARE = {
    # the payload is JSON text on both; a Uuid column is native on PostgreSQL and 32 hex
    # digits without dashes on SQLite, while the payloads hold the dashed form
    "postgresql": (
        "WITH q(k, first, last) AS (VALUES {quarters}), "
        "c AS MATERIALIZED (SELECT record_id::text AS id, payload::jsonb ->> 'client_id' AS client "
        "      FROM records WHERE record_type = 'case' AND NOT deleted "
        "      AND municipality_code IN :codes), "
        "d AS MATERIALIZED (SELECT record_id::text AS id, payload::jsonb ->> 'case_id' AS case_id "
        "      FROM records WHERE record_type = 'decision' AND NOT deleted "
        "      AND municipality_code IN :codes "
        "      AND payload::jsonb ->> 'status' = 'definitief'), "
        "p AS MATERIALIZED (SELECT municipality_code AS code, payload::jsonb ->> 'decision_id' AS decision, "
        "      (payload::jsonb ->> 'start')::date AS start, (payload::jsonb ->> 'end')::date AS stop "
        "      FROM records WHERE record_type = 'provision' AND NOT deleted "
        "      AND municipality_code IN :codes) "
        "SELECT q.k, p.code, count(DISTINCT c.client) FROM p "
        "JOIN d ON d.id = p.decision JOIN c ON c.id = d.case_id "
        "JOIN q ON p.start <= q.last AND (p.stop IS NULL OR p.stop >= q.first) "
        "GROUP BY q.k, p.code"
    ),
    "sqlite": (
        "WITH q(k, first, last) AS (VALUES {quarters}), "
        "c AS MATERIALIZED (SELECT record_id AS id, json_extract(payload, '$.client_id') AS client "
        "      FROM records WHERE record_type = 'case' AND NOT deleted "
        "      AND municipality_code IN :codes), "
        "d AS MATERIALIZED (SELECT record_id AS id, "
        "      replace(json_extract(payload, '$.case_id'), '-', '') AS case_id "
        "      FROM records WHERE record_type = 'decision' AND NOT deleted "
        "      AND municipality_code IN :codes "
        "      AND json_extract(payload, '$.status') = 'definitief'), "
        "p AS MATERIALIZED (SELECT municipality_code AS code, "
        "      replace(json_extract(payload, '$.decision_id'), '-', '') AS decision, "
        "      json_extract(payload, '$.start') AS start, json_extract(payload, '$.end') AS stop "
        "      FROM records WHERE record_type = 'provision' AND NOT deleted "
        "      AND municipality_code IN :codes) "
        "SELECT q.k, p.code, count(DISTINCT c.client) FROM p "
        "JOIN d ON d.id = p.decision JOIN c ON c.id = d.case_id "
        "JOIN q ON p.start <= q.last AND (p.stop IS NULL OR p.stop >= q.first) "
        "GROUP BY q.k, p.code"
    ),
}


def bare_sql(db: ServerDatabase, codes: list[str]) -> dict[tuple[str, str], int]:
    """One hand-written query for the page's main figure: distinct clients in care per quarter
    of the trail and per municipality, from the provisions' start and end in their payload."""
    dialect = db.engine.dialect.name
    cast = "DATE " if dialect == "postgresql" else ""
    quarters = ", ".join(
        f"('{q.key}', {cast}'{q.first.isoformat()}', {cast}'{q.last.isoformat()}')"
        for q in QUARTER.trail(8)
    )
    statement = text(_BARE[dialect].format(quarters=quarters)).bindparams(
        bindparam("codes", expanding=True)
    )
    with db.engine.connect() as connection:
        rows = connection.execute(statement, {"codes": codes}).all()
    return {(k, code): n for k, code, n in rows}


def _regio_code() -> str:
    return json.loads(CATALOGUE.read_text("utf-8"))["municipalities"][0]["cbs_code"]


def _steps(db: ServerDatabase, counts: dict[tuple[str, str], int]) -> list[tuple[str, float]]:
    """The computed page's steps once in this process (reading, decoding, the quarters'
    cubes, suppression, lead times), and a check that the bare SQL counts what the monitor
    counts (else that floor would be of another sum)."""
    steps = []
    start = time.perf_counter()
    with db.session_scope() as session:
        region = sources.region_of(session, _regio_code())
        records = sources.region_records(session, region)
    steps.append(("read and json-decode the records (sources)", time.perf_counter() - start))
    start = time.perf_counter()
    facts = monitoring.decode(records, region.products)
    steps.append(("care periods and cases (monitoring.decode)", time.perf_counter() - start))
    start = time.perf_counter()
    cubes = {q: suppression.quarter_cells(facts, q, clients=False) for q in QUARTER.trail(8)}
    steps.append(("8 quarters' cubes with their suppression", time.perf_counter() - start))
    start = time.perf_counter()
    for cells in cubes.values():
        for measure in suppression.MEASURES:
            suppression.protect(cells.counts[measure])
    steps.append(("  of which suppression.protect (again)", time.perf_counter() - start))
    data = suppression.Disclosure(facts)
    start = time.perf_counter()
    for q in QUARTER.trail(8):
        data.lead_times(q, monitoring.Filter())
    steps.append(("8 quarters' lead times", time.perf_counter() - start))
    for q, cells in cubes.items():
        for code in region.municipalities:
            in_care = cells.count(monitoring.IN_CARE, (code, None, None, None))
            assert counts.get((q.key, code), 0) == in_care, (q.key, code, in_care, counts)
    return steps


# -- the server ------------------------------------------------------------------------------


def _signed_in(base: str) -> httpx.Client:
    browser = httpx.Client(base_url=base, timeout=600, follow_redirects=False)
    form = browser.get("/regio/aanmelden").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form).group(1)  # type: ignore[union-attr]
    answer = browser.post(
        "/regio/aanmelden", data={"csrf": csrf, "gebruikersnaam": "regio", "wachtwoord": PASSWORD}
    )
    assert answer.status_code == 303, answer.text
    return browser


def _ms(browser: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    answer = browser.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert answer.status_code == 200, answer.status_code
    return elapsed


def _until_fresh(browser: httpx.Client, path: str) -> tuple[float, float]:
    """The first answer's time, and the time until the page shows figures of the newest
    records (figures.py computes them in the background; the page says when they are not)."""
    start = time.perf_counter()
    answer = browser.get(path)
    first = (time.perf_counter() - start) * 1000
    while answer.status_code == 202 or "Sindsdien zijn er nieuwe gegevens" in answer.text:
        assert answer.status_code in (200, 202), answer.status_code
        time.sleep(0.2)
        answer = browser.get(path)
    assert answer.status_code == 200, answer.status_code
    return first, (time.perf_counter() - start) * 1000


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _run(url: str, tmp: Path, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    count = _region(url, args.clients, args.provisions_per_case)
    print(f"  {count:,} records written in {time.perf_counter() - started:.1f} s")
    db = ServerDatabase.open(url, migrate=False)
    codes = [m["cbs_code"] for m in json.loads(CATALOGUE.read_text("utf-8"))["municipalities"]]
    try:
        steps = _steps(db, bare_sql(db, codes))
        port = free_port()
        log = tmp / "server.log"
        with ServerProcess(server_command(url, port), port, log) as server:
            browser = _signed_in(server.url)
            first_page, first_fresh = _until_fresh(browser, PAGE)
            answered, fresh, bare = [], [], []
            for _ in range(args.repeat):
                _touch(url)
                page_ms, fresh_ms = _until_fresh(browser, PAGE)
                answered.append(page_ms)
                fresh.append(fresh_ms)
                start = time.perf_counter()
                bare_sql(db, codes)
                bare.append((time.perf_counter() - start) * 1000)
            same = [_ms(browser, PAGE) for _ in range(args.repeat)]
            floor = [_ms(browser, "/regio/") for _ in range(args.repeat)]
            assert server.process is not None
            rss = _peak_rss_mb(server.process.pid)
    finally:
        db.close()
    print(machine())
    print(
        f"{args.db}: {args.clients:,} cases, {args.clients * args.provisions_per_case:,} "
        f"provisions ({count:,} records), median of {args.repeat}"
    )
    floor_ms, bare_ms = statistics.median(floor), statistics.median(bare)
    print(f"  {'':52s} {'median':>11s}  {'vs floor':>8s}  {'vs bare SQL':>11s}")
    for label, samples in (
        ("first page after the server started (answer)", [first_page]),
        ("  its figures shown (computed in the background)", [first_fresh]),
        ("monitor after a change (answer, last figures)", answered),
        ("  new figures shown (computed in the background)", fresh),
        ("monitor asked again (kept figures)", same),
        ("floor: the start page, no figures", floor),
        ("floor: bare SQL of clients in care", bare),
    ):
        median = statistics.median(samples)
        print(
            f"  {label:52s} {median:8.1f} ms  {median / floor_ms:7.1f}x  {median / bare_ms:10.2f}x"
        )
    print(f"  server process peak memory (VmHWM): {rss:,.0f} MB")
    print("  the computed page's steps, once, in the benchmark's process:")
    for label, seconds in steps:
        print(f"    {label:48s} {seconds * 1000:9.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--provisions-per-case", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db == "sqlite":
            _run(f"sqlite:///{Path(tmp) / 'server.sqlite'}", Path(tmp), args)
            return
        import psycopg

        from tests.postgres import start_cluster

        cluster = start_cluster()
        try:
            with psycopg.connect(
                host="127.0.0.1", port=cluster.port, user="postgres", autocommit=True
            ) as admin:
                version = admin.info.server_version
                admin.execute("CREATE DATABASE wmo")
            print(f"PostgreSQL {version // 10000}.{version % 10000} on 127.0.0.1")
            _run(cluster.url("wmo"), Path(tmp), args)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
