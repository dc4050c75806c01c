"""Builds a profile with many invented cases for the caseload benchmarks."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from benchmarks.bench_keys import BenchKeys
from wmo_desk.domain.cases import Case, Channel, Reporter, Stage
from wmo_desk.domain.clients import Client
from wmo_desk.services.context import AppContext
from wmo_desk.services.demo import demo_client, fill_demo
from wmo_desk.storage.repositories.cases import fill_case_row
from wmo_desk.storage.repositories.clients import _fill as fill_client_row
from wmo_desk.storage.tables import CaseRow, ClientRow

_STAGES = [s for s in Stage]


def open_profile(folder: Path, **kwargs) -> AppContext:
    """``AppContext.open`` of a benchmark profile (with :class:`BenchKeys`)."""
    return AppContext.open(folder, keys=BenchKeys(), **kwargs)


def elfproef_bsns(count: int, start: int = 900000000) -> list[str]:
    """``count`` distinct valid BSNs from 9xxxxxxxx (fictitious, for load data only)."""
    out, n = [], start
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    while len(out) < count:
        digits = f"{n:09d}"
        if sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11 == 0:
            out.append(digits)
        n += 1
    return out


def build_profile(folder: Path, cases: int, seed: int = 7) -> None:
    """A demo profile plus ``cases`` extra cases, inserted in bulk."""
    ctx = open_profile(folder)
    if ctx.profile is None:
        fill_demo(ctx)
    assert ctx.profile is not None
    rng = random.Random(seed)
    today = ctx.clock.today()
    consultant = ctx.profile.user.id
    client_rows, case_rows = [], []
    for bsn in elfproef_bsns(cases):
        client: Client = demo_client(rng, bsn)
        crow = ClientRow(id=client.id, created_at=client.created_at, deleted=False)
        fill_client_row(crow, client)
        melding = today - timedelta(days=rng.randint(1, 300))
        stage = rng.choice(_STAGES)
        case = Case(
            client_id=client.id,
            municipality_code="0828",
            consultant_id=consultant,
            melding_date=melding,
            reported_by=Reporter.CLIENT,
            channel=Channel.TELEFOON,
            request_text="Hulpvraag (benchmark)",
            stage=stage,
            aanvraag_date=melding + timedelta(days=20) if stage is Stage.AANVRAAG else None,
        )
        row = CaseRow(id=case.id, created_at=case.created_at, deleted=False)
        fill_case_row(row, case, today)
        client_rows.append(_as_dict(crow, ClientRow))
        case_rows.append(_as_dict(row, CaseRow))
    if not client_rows:
        ctx.close()
        return
    with ctx.db.session() as session:
        session.execute(insert(ClientRow), client_rows)
        session.execute(insert(CaseRow), case_rows)
    ctx.close()


def _as_dict(row, table) -> dict:
    return {c.key: getattr(row, c.key) for c in table.__mapper__.column_attrs}
