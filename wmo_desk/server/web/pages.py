"""The routes of the regional office's web pages under /regio: sign-in, sign-out, the monitor."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import update
from starlette.concurrency import run_in_threadpool

from wmo_desk.domain.dates import nl_written_time
from wmo_desk.server import auth
from wmo_desk.server.models import AuthSession, User
from wmo_desk.server.roles import MONITOR_ROLES, WEB_ROLES
from wmo_desk.server.throttle import TooManyAttempts
from wmo_desk.server.web import charts, figures, session, sources, suppression, tables
from wmo_desk.server.web import monitoring as m

HERE = Path(__file__).parent
router = APIRouter(prefix="/regio", include_in_schema=False)
_templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
ROLE_LABELS = {
    "regio": "Regiobureau",
    "meldpunt": "Meldpunt signalen",
    "toezichthouder": "Toezichthouder Wmo",
}
WRONG_ROLE_TEXT = (
    "Uw account is voor wmo_desk op de werkplek, niet voor de pagina's van het regiobureau. "
    "Neem contact op met de beheerder als u toegang nodig heeft."
)
CSRF_TEXT = (
    "Het formulier is verlopen of kwam niet van deze site en is niet verwerkt. "
    "Laad de pagina opnieuw en probeer het nog eens."
)
_MAX_FORM = 4096
PRE_COOKIE_SECONDS = 3600
#: seconds after which the page "de cijfers worden berekend" asks again by itself
REFRESH_SECONDS = 10


def _render(
    request: Request, template: str, status: int = 200, user: User | None = None, **context: Any
) -> HTMLResponse:
    token = session.session_token(request) if user is not None else None
    html = _templates.get_template(template).render(
        user=user,
        role_label=ROLE_LABELS.get(user.role, user.role) if user else "",
        logout_csrf=session.csrf_token(token, session.SESSION_PURPOSE) if token else "",
        **context,
    )
    return HTMLResponse(html, status_code=status, headers=_HEADERS)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=_HEADERS)


def _error(request: Request, status: int, title: str, message: str, user: User | None = None):
    return _render(request, "error.html", status, user, title=title, message=message)


def _guard(request: Request, roles: frozenset[str]) -> User | Response:
    """The signed-in web user allowed here, or the response that refuses."""
    user = session.signed_in_user(request)
    if user is None:
        return _redirect("/regio/aanmelden")
    if user.role not in WEB_ROLES:
        return _error(request, 403, "Geen toegang", WRONG_ROLE_TEXT)
    if user.role not in roles:
        return _error(
            request,
            403,
            "Geen toegang",
            "Deze pagina is niet beschikbaar voor uw rol.",
            user,
        )
    return user


async def _form(request: Request) -> dict[str, str]:
    body = (await request.body())[:_MAX_FORM]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return {}
    return {k: v[0] for k, v in parse_qs(text, max_num_fields=10).items()}


@router.get("/stijl.css")
def stylesheet() -> FileResponse:
    return FileResponse(
        HERE / "static" / "regio.css",
        media_type="text/css",
        headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.get("")
def root_without_slash() -> RedirectResponse:
    return _redirect("/regio/")


@router.get("/")
def home(request: Request) -> Response:
    user = _guard(request, WEB_ROLES)
    if not isinstance(user, User):
        return user
    return _render(request, "home.html", user=user, monitor=user.role in MONITOR_ROLES)


def _sign_in_page(
    request: Request,
    status: int = 200,
    *,
    username: str = "",
    errors: dict[str, str] | None = None,
    message: str = "",
    notice: str = "",
) -> HTMLResponse:
    secret, fresh = session.pre_secret(request)
    response = _render(
        request,
        "signin.html",
        status,
        username=username,
        errors=errors or {},
        message=message,
        notice=notice,
        csrf=session.csrf_token(secret, session.SIGN_IN_PURPOSE),
    )
    if fresh:
        session.set_cookie(request, response, session.PRE_COOKIE, secret, PRE_COOKIE_SECONDS)
    return response


@router.get("/aanmelden")
def sign_in_form(request: Request, afgemeld: str = "") -> Response:
    if session.signed_in_user(request) is not None and not afgemeld:
        return _redirect("/regio/")
    return _sign_in_page(request, notice="U bent afgemeld." if afgemeld else "")


@router.post("/aanmelden")
async def sign_in(request: Request) -> Response:
    fields = await _form(request)
    if not session.csrf_ok(
        request.cookies.get(session.PRE_COOKIE), session.SIGN_IN_PURPOSE, fields.get("csrf")
    ):
        return _sign_in_page(request, 403, message=CSRF_TEXT)
    username = fields.get("gebruikersnaam", "").strip()[:100]
    password = fields.get("wachtwoord", "")[:1000]
    errors = {}
    if not username:
        errors["gebruikersnaam"] = "Vul uw gebruikersnaam in."
    if not password:
        errors["wachtwoord"] = "Vul uw wachtwoord in."
    if errors:
        return _sign_in_page(request, 422, username=username, errors=errors)
    address = request.client.host if request.client else None

    try:
        # the password in the bounded hashing pool, as the desktop's sign-in
        granted = await auth.login_async(
            request.app.state.db,
            username,
            password,
            address=address,
            lifetime=request.app.state.token_lifetime,
            now=request.app.state.clock(),
            admit=lambda user: user.role in WEB_ROLES,  # a desktop account gets no web session
        )
        issued = None if granted is None else (granted.token, granted.expires_at, granted.user.role)
    except TooManyAttempts as exc:
        return _sign_in_page(request, 429, username=username, message=exc.message)
    except auth.BadCredentials as exc:
        return _sign_in_page(request, 401, username=username, errors={"wachtwoord": exc.message})
    except auth.AuthError as exc:
        return _sign_in_page(request, 401, username=username, message=exc.message)
    if issued is None:
        return _sign_in_page(request, 403, username=username, message=WRONG_ROLE_TEXT)
    token, expires_at, role = issued
    response = _redirect("/regio/monitor" if role in MONITOR_ROLES else "/regio/")
    seconds = int((expires_at - request.app.state.clock()).total_seconds())
    session.set_cookie(request, response, session.SESSION_COOKIE, token, seconds)
    session.clear_cookie(request, response, session.PRE_COOKIE)
    return response


@router.post("/afmelden")
async def sign_out(request: Request) -> Response:
    fields = await _form(request)
    token = session.session_token(request)
    if not session.csrf_ok(token, session.SESSION_PURPOSE, fields.get("csrf")):
        return _error(request, 403, "Niet afgemeld", CSRF_TEXT, session.signed_in_user(request))
    now: datetime = request.app.state.clock()

    def _revoke() -> None:
        with request.app.state.db.session_scope() as db_session:
            db_session.execute(
                update(AuthSession)
                .where(
                    AuthSession.token_hash == auth.hash_token(token or ""),
                    AuthSession.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )

    await run_in_threadpool(_revoke)
    response = _redirect("/regio/aanmelden?afgemeld=1")
    session.clear_cookie(request, response, session.SESSION_COOKIE)
    return response


# -- the monitor -----------------------------------------------------------------------------


def _choices(request: Request, region: sources.Region) -> tuple[m.Quarter, m.Filter, dict]:
    """The quarter and filter asked for in the query; unknown values fall back, with a message."""
    params = request.query_params
    errors: dict[str, str] = {}
    today = request.app.state.clock().date()
    quarter = m.Quarter.of(today)
    if params.get("kwartaal"):
        asked = m.Quarter.parse(params["kwartaal"])
        if asked is None:
            errors["kwartaal"] = "Kies een kwartaal uit de lijst."
        else:
            quarter = asked

    def pick(name: str, known: dict[str, str], message: str) -> str | None:
        value = params.get(name) or None
        if value is not None and value not in known:
            errors[name] = message
            return None
        return value

    selection = m.Filter(
        municipality=pick("gemeente", region.municipalities, "Kies een gemeente uit deze regio."),
        product=pick(
            "product",
            {k: v.name for k, v in region.products.items()},
            "Kies een product uit de catalogus.",
        ),
        provider=pick("aanbieder", region.providers, "Kies een aanbieder uit de catalogus."),
    )
    return quarter, selection, errors


def _figures(request: Request, user: User) -> tuple[sources.Region, figures.Answer]:
    """The user's region and its figures (figures.py: kept, computed now, or on their way)."""
    app = request.app
    with app.state.db.session_scope() as db_session:
        region = sources.region_of(db_session, user.municipality_code)
        version = sources.records_version(db_session, region)
    today = app.state.clock().date()

    def build() -> figures.Figures:
        with app.state.db.session_scope() as db_session:
            read = sources.region_of(db_session, user.municipality_code)
            read_version = sources.records_version(db_session, read)
            records = sources.region_records(db_session, read)
        data = suppression.Disclosure(m.decode(records, read.products))
        for quarter in m.Quarter.of(today).trail(tables.TREND_QUARTERS):  # the first page
            data.of(quarter)
            data.lead_times(quarter, m.Filter())
        return figures.Figures(data, read_version, app.state.clock())

    return region, app.state.figures.answer(tuple(region.codes), version, build)


def _tables(
    request: Request,
    region: sources.Region,
    data: suppression.Disclosure,
    keys: tuple[str, ...] = tuple(tables.BUILDERS),
):
    """The choices asked for and the tables ``keys`` of them (only those are computed)."""
    quarter, selection, errors = _choices(request, region)
    names = tables.Names(
        municipalities=region.municipalities,
        products={k: v.name for k, v in region.products.items()},
        providers=region.providers,
    )
    shown = {key: tables.BUILDERS[key](data, quarter, selection, names) for key in keys}
    return quarter, selection, errors, shown


def _computing(request: Request, user: User, region: sources.Region) -> Response:
    """Before a region's first figures: a page that says so and asks again by itself."""
    return _render(
        request,
        "monitor_wait.html",
        202,
        user,
        region=region,
        refresh=REFRESH_SECONDS,
        again=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
    )


def _query(quarter: m.Quarter, selection: m.Filter) -> str:
    """The choices as a URL query, encoded (a value is never markup nor a second parameter)."""
    parts = [("kwartaal", quarter.key)]
    for name, value in (
        ("gemeente", selection.municipality),
        ("product", selection.product),
        ("aanbieder", selection.provider),
    ):
        if value:
            parts.append((name, value))
    return urlencode(parts)


def _filename(key: str, quarter: m.Quarter, selection: m.Filter) -> str:
    """``wmo-monitor-<table>-kwartaal-2026-K4_gemeente-0828.csv``: only [A-Za-z0-9_-]."""
    parts = [f"kwartaal-{quarter.key}"]
    for name, value in (
        ("gemeente", selection.municipality),
        ("product", selection.product),
        ("aanbieder", selection.provider),
    ):
        if value:
            parts.append(f"{name}-{value}")
    stem = re.sub(r"[^A-Za-z0-9_-]", "", f"wmo-monitor-{key}-{'_'.join(parts)}")
    return stem[:150] + ".csv"


def _chart(table: tables.Table, column: int, title: str, unit: str = "") -> Markup:
    if table.demo:
        title += f" ({tables.DEMO})"
    points = [charts.Point(row[0].text, row[column].value, row[column].text) for row in table.rows]
    return Markup(charts.bar_chart(f"grafiek-{table.key}", title, points, unit))


@router.get("/monitor")
def monitor(request: Request) -> Response:
    user = _guard(request, MONITOR_ROLES)
    if not isinstance(user, User):
        return user
    region, answer = _figures(request, user)
    if answer.figures is None:
        return _computing(request, user, region)
    quarter, selection, errors, shown = _tables(request, region, answer.figures.data)
    today_quarter = m.Quarter.of(request.app.state.clock().date())
    quarters = sorted({*today_quarter.next().trail(12), quarter}, reverse=True)
    return _render(
        request,
        "monitor.html",
        422 if errors else 200,
        user,
        region=region,
        quarter=quarter,
        quarters=quarters,
        selection=selection,
        errors=errors,
        tables=shown,
        query=_query(quarter, selection),
        computed_at=nl_written_time(answer.figures.computed_at),
        fresh=answer.fresh,
        charts={
            "clienten": _chart(shown["clienten"], 1, "Cliënten in zorg per kwartaal"),
            "kosten-per-kwartaal": _chart(
                shown["kosten-per-kwartaal"], 2, "Geraamde kosten per kwartaal", "€"
            ),
        },
    )


@router.get("/monitor/{key}.csv")
def monitor_csv(request: Request, key: str) -> Response:
    user = _guard(request, MONITOR_ROLES)
    if not isinstance(user, User):
        return user
    if key not in tables.BUILDERS:
        return _error(request, 404, "Niet gevonden", "Deze tabel bestaat niet.", user)
    region, answer = _figures(request, user)
    if answer.figures is None:
        return _computing(request, user, region)
    quarter, selection, errors, shown = _tables(request, region, answer.figures.data, (key,))
    if errors:
        return _error(request, 422, "Ongeldige keuze", " ".join(errors.values()), user)
    name = _filename(key, quarter, selection)
    return Response(
        "\ufeff" + tables.to_csv(shown[key]),
        media_type="text/csv; charset=utf-8",
        headers={
            **_HEADERS,
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
