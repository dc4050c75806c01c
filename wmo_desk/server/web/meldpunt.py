"""The meldpunt's web pages under /regio/meldpunt: signals bundled per provider, one signal
with its history, and changing its status.

Who sees what: the meldpunt all signals of its region; the toezichthouder only signals handed
to supervision (at any time); the regio only the counts per provider. No page ever shows a
client's name or BSN (the server does not even hold them with a signal): only that a client
with consent is linked, so the meldpunt can ask the reporter.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from wmo_desk.domain.dates import nl_written_date, nl_written_time
from wmo_desk.domain.signals import KIND_LABELS, SignalKind, SignalStatus
from wmo_desk.domain.text import text_problem
from wmo_desk.server import audit_api, signals_api
from wmo_desk.server.models import SignalReport, SignalStatusChange, User
from wmo_desk.server.web import pages, session, sources

router = APIRouter()

MELDPUNT_ROLES = frozenset({"meldpunt", "toezichthouder", "regio"})
DETAIL_ROLES = frozenset({"meldpunt", "toezichthouder"})
STATUS_PURPOSE = "meldpunt-status"
nl_date = nl_written_date
nl_time = nl_written_time


@dataclass
class Bundle:
    """The signals about one provider."""

    provider_id: str
    name: str
    per_kind: dict[SignalKind, int] = field(default_factory=lambda: dict.fromkeys(SignalKind, 0))
    open: int = 0
    signals: list[SignalReport] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.per_kind.values())


def _handed(signal_id_column=SignalReport.id):
    return exists().where(
        SignalStatusChange.signal_id == signal_id_column,
        SignalStatusChange.status == SignalStatus.TOEZICHT.value,
    )


def _visible(db_session: Session, user: User):
    codes = sources.region_of(db_session, user.municipality_code).codes
    query = select(SignalReport).where(SignalReport.municipality_code.in_(codes))
    if user.role == "toezichthouder":
        query = query.where(_handed())
    return query


def _bundles(db_session: Session, user: User) -> list[Bundle]:
    region = sources.region_of(db_session, user.municipality_code)
    bundles: dict[str, Bundle] = {}
    for signal in db_session.scalars(_visible(db_session, user).order_by(SignalReport.received_at)):
        bundle = bundles.setdefault(
            signal.provider_id,
            Bundle(
                signal.provider_id, region.providers.get(signal.provider_id, signal.provider_name)
            ),
        )
        bundle.per_kind[SignalKind(signal.kind)] += 1
        bundle.open += SignalStatus(signal.status).open
        bundle.signals.append(signal)
    for bundle in bundles.values():
        # open signals first, the newest first within each
        bundle.signals.sort(key=lambda s: s.received_at, reverse=True)
        bundle.signals.sort(key=lambda s: not SignalStatus(s.status).open)
    return sorted(bundles.values(), key=lambda b: (-b.open, -b.total, b.name.lower()))


def _context(user: User) -> dict:
    return {
        "active": "meldpunt",
        "kinds": list(SignalKind),
        "kind_labels": KIND_LABELS,
        "statuses": list(SignalStatus),
        "status_of": SignalStatus,
        "nl_date": nl_date,
        "nl_time": nl_time,
        "details": user.role in DETAIL_ROLES,
    }


@router.get("/meldpunt")
def overview(request: Request) -> Response:
    user = pages._guard(request, MELDPUNT_ROLES)
    if not isinstance(user, User):
        return user
    with request.app.state.db.session_scope() as db_session:
        bundles = _bundles(db_session, user)
        html = pages._render(request, "meldpunt.html", 200, user, bundles=bundles, **_context(user))
    return html


def _signal_for(db_session: Session, user: User, signal_id: str) -> SignalReport | None:
    try:
        key = uuid.UUID(signal_id)
    except ValueError:
        return None
    return db_session.scalar(_visible(db_session, user).where(SignalReport.id == key))


def _detail(
    request: Request,
    user: User,
    signal_id: str,
    status: int = 200,
    *,
    errors: dict[str, str] | None = None,
    message: str = "",
    notice: str = "",
    note: str = "",
) -> Response:
    with request.app.state.db.session_scope() as db_session:
        signal = _signal_for(db_session, user, signal_id)
        if signal is None:
            return pages._error(request, 404, "Niet gevonden", "Dit signaal bestaat niet.", user)
        audit_api.record_signal_read(db_session, user, signal)
        region = sources.region_of(db_session, user.municipality_code)
        history = db_session.scalars(
            select(SignalStatusChange)
            .where(SignalStatusChange.signal_id == signal.id)
            .order_by(SignalStatusChange.id)
        ).all()
        names = {
            u.id: u.display_name
            for u in db_session.scalars(
                select(User).where(
                    User.id.in_({signal.reporter_id, *(h.by_user_id for h in history)})
                )
            )
        }
        token = session.session_token(request) or ""
        return pages._render(
            request,
            "signaal.html",
            status,
            user,
            signal=signal,
            history=history,
            names=names,
            municipality=region.municipalities.get(
                signal.municipality_code, f"gemeente {signal.municipality_code}"
            ),
            provider=region.providers.get(signal.provider_id, signal.provider_name),
            can_change=user.role == "meldpunt",
            csrf=session.csrf_token(token, STATUS_PURPOSE) if token else "",
            errors=errors or {},
            message=message,
            notice=notice,
            note=note,
            **_context(user),
        )


@router.get("/meldpunt/signalen/{signal_id}")
def signal_page(request: Request, signal_id: str, gewijzigd: str = "") -> Response:
    user = pages._guard(request, DETAIL_ROLES)
    if not isinstance(user, User):
        return user
    return _detail(request, user, signal_id, notice="De status is gewijzigd." if gewijzigd else "")


@router.post("/meldpunt/signalen/{signal_id}/status")
async def change(request: Request, signal_id: str) -> Response:
    user = pages._guard(request, frozenset({"meldpunt"}))
    if not isinstance(user, User):
        return user
    fields = await pages._form(request)
    if not session.csrf_ok(session.session_token(request), STATUS_PURPOSE, fields.get("csrf")):
        return await run_in_threadpool(
            _detail, request, user, signal_id, 403, message=pages.CSRF_TEXT
        )
    note = fields.get("toelichting", "")
    errors: dict[str, str] = {}
    try:
        status = SignalStatus(fields.get("status", ""))
    except ValueError:
        errors["status"] = "Kies een status uit de lijst."
    if not note.strip():
        errors["toelichting"] = "Schrijf een toelichting bij de nieuwe status."
    elif problem := text_problem(note, "De toelichting"):
        errors["toelichting"] = problem
    if errors:
        return await run_in_threadpool(
            _detail, request, user, signal_id, 422, errors=errors, note=note[:2000]
        )
    try:
        key = uuid.UUID(signal_id)
    except ValueError:
        return pages._error(request, 404, "Niet gevonden", "Dit signaal bestaat niet.", user)
    try:
        await run_in_threadpool(
            signals_api.change_status,
            request.app.state.db,
            user,
            key,
            status,
            note,
            request.app.state.clock(),
        )
    except signals_api.StatusRefused as exc:
        return await run_in_threadpool(
            _detail, request, user, signal_id, 422, errors={"status": exc.message}, note=note
        )
    return pages._redirect(f"/regio/meldpunt/signalen/{key}?gewijzigd=1")
