"""The regional monitor on a real server process: a page computed from the region's records,
the same page again while nothing changed (served from the figures kept in memory), and a page
without figures as the floor, in the same run.

Run: ``python -m benchmarks.bench_dashboard [--clients 5000] [--repeat 7]``. The records are
written straight into the server's SQLite file (cases, final decisions and provisions, as the
desktops and the team leads' approvals leave them), then ``wmo-desk-server serve`` reads them.
Figures go to docs/benchmarks.md by hand.
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
from sqlalchemy import func, select

from benchmarks.serverkit import PASSWORD, ServerProcess, free_port, machine, server_command
from wmo_desk.server import auth
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.models import Record
from wmo_desk.server.records import publish_catalogue

CATALOGUE = Path(__file__).resolve().parents[1] / "resources" / "catalogues" / "bno-o.json"
PAGE = "/regio/monitor?kwartaal=2026-K4"


def _rows(clients: int, catalogue: dict, first_revision: int) -> list[dict]:
    """Per client a case, a final decision and a provision, spread over the region."""
    rng = random.Random(7)
    codes = [m["cbs_code"] for m in catalogue["municipalities"]]
    products = [p["code"] for p in catalogue["products"]]
    providers = [p["id"] for p in catalogue["providers"]]
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows = []
    revision = first_revision
    for _ in range(clients):
        code = rng.choice(codes)
        case_id, decision_id = uuid.uuid4(), uuid.uuid4()
        melding = date(2026, 1, 5) + timedelta(days=rng.randrange(300))
        decided = melding + timedelta(days=rng.randrange(20, 70))
        start = decided + timedelta(days=7)
        payloads = [
            ("case", case_id, {"client_id": str(uuid.uuid4()), "melding_date": melding.isoformat(),
                               "aanvraag_date": None, "holds": [], "decision_sent_date": None}),
            ("decision", decision_id, {"case_id": str(case_id), "status": "definitief",
                                       "outcome": "toegekend", "decision_date": decided.isoformat()}),
            ("provision", uuid.uuid4(), {
                "decision_id": str(decision_id), "product_code": rng.choice(products),
                "start": start.isoformat(), "end": (start + timedelta(days=365)).isoformat(),
                "delivery_form": "natura", "volume": 1, "unit": "82", "frequency": "4",
                "provider_id": rng.choice(providers), "pgb_cents": None}),
        ]  # fmt: skip
        for record_type, record_id, payload in payloads:
            revision += 1
            rows.append(
                {
                    "record_type": record_type,
                    "record_id": record_id,
                    "municipality_code": code,
                    "case_id": case_id,
                    "client_id": uuid.UUID(payloads[0][2]["client_id"])
                    if record_type == "case"
                    else None,
                    "revision": revision,
                    "payload": json.dumps(payload),
                    "deleted": False,
                    "updated_at": now,
                }
            )
    return rows


def _region(url: str, clients: int) -> None:
    catalogue = json.loads(CATALOGUE.read_text("utf-8"))
    db = ServerDatabase.open(url)
    with db.session_scope() as session:
        auth.create_user(
            session, username="regio", password=PASSWORD, display_name="Regiobureau",
            role="regio", municipality_code=catalogue["municipalities"][0]["cbs_code"],
        )  # fmt: skip
        revisions = publish_catalogue(session, catalogue)
        session.execute(Record.__table__.insert(), _rows(clients, catalogue, max(revisions)))
    db.close()


def _touch(url: str) -> None:
    """A push as far as the figures go: one case gets a new revision."""
    db = ServerDatabase.open(url)
    with db.session_scope() as session:
        newest = session.scalar(select(func.max(Record.revision)))
        case = session.scalars(select(Record).where(Record.record_type == "case").limit(1)).one()
        case.revision = newest + 1
    db.close()


def _signed_in(base: str) -> httpx.Client:
    browser = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'server.sqlite'}"
        _region(url, args.clients)
        port = free_port()
        log = Path(tmp) / "server.log"
        with ServerProcess(server_command(url, port), port, log) as server:
            browser = _signed_in(server.url)
            changed = []
            for _ in range(args.repeat):
                _touch(url)
                changed.append(_ms(browser, PAGE))
            same = [_ms(browser, PAGE) for _ in range(args.repeat)]
            floor = [_ms(browser, "/regio/") for _ in range(args.repeat)]
    print(machine())
    print(
        f"{args.clients:,} clients in care ({3 * args.clients:,} records), median of {args.repeat}"
    )
    floor_ms = statistics.median(floor)
    for label, samples in (
        ("monitor after a change (computed)", changed),
        ("monitor asked again (kept figures)", same),
        ("floor: the start page, no figures", floor),
    ):
        median = statistics.median(samples)
        print(f"  {label:40s} {median:8.1f} ms  {median / floor_ms:6.1f} x floor")


if __name__ == "__main__":
    main()
