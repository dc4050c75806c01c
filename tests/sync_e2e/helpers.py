"""What the sync end-to-end tests do on a desktop and read back, as a user would see it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import CaseEvent, Channel, EventKind, Reporter, Stage
from wmo_desk.domain.identifiers import utcnow
from wmo_desk.domain.intake import MeldingForm
from wmo_desk.domain.results import CaseResult
from wmo_desk.domain.zrm import ZRM_DOMAINS, ZrmScore
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.sync_payloads import (
    FORM_SNAPSHOT_KEY,
    LOCAL_ID_KEY,
    RECORD_TYPES,
    payload_of,
)

NEXT_YEAR = date(2027, 11, 30)


def case_ids(ctx, *, mine: bool = False) -> list[str]:
    """The cases the caseload lists (closed ones too): the consultant's own or the municipality's."""
    flt = CaseloadFilter(
        "0828",
        consultant_id=ctx.profile.user.id if mine else None,
        include_closed=True,
    )
    return ctx.caseload.case_ids(flt)


def case_in(ctx, stage: Stage, nth: int = 0) -> str:
    return ctx.caseload.summaries(CaseloadFilter("0828", stage=stage))[nth].case_id


def edit_request(ctx, case_id: str, text: str) -> None:
    """The consultant rewrites the hulpvraag of a case."""
    with ctx.db.session() as session:
        repo = CaseRepository(session)
        case = repo.get(case_id)
        repo.save(replace(case, request_text=text, modified_at=utcnow()), ctx.clock.today())


def add_note(ctx, case_id: str, text: str) -> str:
    """A note on the case's timeline; returns the event id."""
    user = ctx.profile.user
    event = CaseEvent(case_id, EventKind.NOTE, text, user.id, user.name)
    with ctx.db.session() as session:
        repo = CaseRepository(session)
        repo.save(repo.get(case_id), ctx.clock.today(), (event,))
    return event.id


def add_result(ctx, case_id: str, description: str) -> CaseResult:
    product = next(p for p in ctx.catalogues.current().products if p.care_form == "dagbesteding")
    result = CaseResult(case_id, "dagbesteding", description, NEXT_YEAR, product_code=product.code)
    ctx.assessment.save_result(result)
    return result


def edit_result(ctx, result: CaseResult, description: str) -> CaseResult:
    changed = replace(result, description=description, modified_at=utcnow())
    ctx.assessment.save_result(changed)
    return changed


def add_zrm(ctx, case_id: str, finance: int = 3):
    scores = tuple(
        ZrmScore(d, finance if d == "Financiën" else None, "schulden" if d == "Financiën" else "")
        for d in ZRM_DOMAINS
    )
    return ctx.assessment.add_zrm(case_id, ctx.clock.today() - timedelta(days=1), scores)


_PLACES = {"0828": ("Molenstraat", "5341GE", "Oss"), "1721": ("Kerkstraat", "5384AB", "Heesch")}


def register(
    ctx,
    bsn: str,
    surname: str = "Verbeek",
    text: str = "Ik zoek een plek in beschermd wonen.",
    municipality: str = "0828",
) -> str:
    """A new melding for a new client (or the known client with this BSN); returns the case id."""
    street, postcode, place = _PLACES[municipality]
    return ctx.intake.register(
        MeldingForm(
            bsn=bsn,
            initials="J.",
            surname=surname,
            birth_date=date(1961, 4, 2),
            street=street,
            house_number="14",
            postcode=postcode,
            place=place,
            municipality_code=municipality,
            melding_date=ctx.clock.today(),
            reported_by=Reporter.CLIENT,
            channel=Channel.TELEFOON,
            request_text=text,
        )
    )


def local_records(ctx, record_type: str, *, deleted: bool = False) -> dict[str, dict]:
    """Every stored record of ``record_type`` as the server would store it, by id."""
    model = RECORD_TYPES[record_type]
    with ctx.db.session() as session:
        rows = session.scalars(select(model).where(model.deleted.is_(deleted)))
        return {row.id: payload_of(row) for row in rows}


def server_records(server, record_type: str, *, deleted: bool = False) -> dict[str, dict]:
    from wmo_desk.server.models import Record

    with server.app.state.db.session_scope() as session:
        rows = session.scalars(
            select(Record).where(Record.record_type == record_type, Record.deleted.is_(deleted))
        )
        result = {}
        for row in rows:
            payload = json.loads(row.payload)
            payload.pop(FORM_SNAPSHOT_KEY, None)
            # keyed by the desktops' id (a decision document's is no UUID)
            result[payload.pop(LOCAL_ID_KEY, None) or str(row.record_id)] = payload
        return result


def server_revisions(server) -> dict[tuple[str, str], int]:
    from wmo_desk.server.models import Record

    with server.app.state.db.session_scope() as session:
        return {
            (r.record_type, str(r.record_id)): r.revision for r in session.scalars(select(Record))
        }


def pending(ctx) -> int:
    return ctx.sync.status().pending
