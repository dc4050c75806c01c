"""Building the FastAPI application: database, migrations, error bodies, request logging."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wmo_desk.server import (
    approvals,
    audit_api,
    auth_api,
    evaluations_api,
    roles,
    signals_api,
    sync_api,
    web,
)
from wmo_desk.server.auth import DEFAULT_TOKEN_HOURS, AuthError, utc_now
from wmo_desk.server.auth_api import ProtocolOutdated
from wmo_desk.server.db import ServerDatabase
from wmo_desk.server.limits import BodyLimitMiddleware
from wmo_desk.server.throttle import TooManyAttempts
from wmo_desk.server.web.figures import FigureStore

access_log = logging.getLogger("wmo_desk.server.access")
error_log = logging.getLogger("wmo_desk.server.errors")


class RequestLogMiddleware:
    """Logs method, route template, status and duration; never the query, body or names."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            # The raw path of an unknown URL may hold identifiers; log only that it matched nothing.
            template = getattr(route, "path", None) or "<geen route>"
            access_log.info(
                "%s %s %d %.1f ms",
                scope["method"],
                template,
                status,
                (time.perf_counter() - started) * 1000,
            )


async def _auth_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthError)
    return JSONResponse(
        status_code=401,
        content={"code": exc.code, "message": exc.message},
        headers={"WWW-Authenticate": "Bearer"},
    )


async def _too_many_attempts(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TooManyAttempts)
    return JSONResponse(
        status_code=429,
        content={"code": exc.code, "message": exc.message, "retry_after": exc.retry_after},
        headers={"Retry-After": str(exc.retry_after)},
    )


async def _protocol_outdated(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProtocolOutdated)
    return JSONResponse(status_code=426, content={"code": exc.code, "message": exc.message})


INVALID_REQUEST_TEXT = "Het verzoek is ongeldig en is niet verwerkt."
_HTTP_ERRORS = {
    400: ("bad_request", "Het verzoek kan niet worden gelezen."),
    404: ("not_found", "Dit adres bestaat niet op de server."),
    405: ("method_not_allowed", "Deze handeling kan niet op dit adres."),
}


def _location(loc: tuple) -> str:
    # Only field names and positions; a stray key is cut and made printable.
    return ".".join(
        str(p) if isinstance(p, int) else str(p)[:60].encode("utf-8", "replace").decode("utf-8")
        for p in loc
    )


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 as ``{code, message, fields}``: where, never the values (they may be BSNs)."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    message = INVALID_REQUEST_TEXT
    for error in errors:
        # the protocol's own validators explain in Dutch (wmo_desk/domain/text.py)
        cause = (error.get("ctx") or {}).get("error")
        if error.get("type") == "value_error" and isinstance(cause, ValueError):
            message += f" {cause}"
            break
    fields = list(dict.fromkeys(_location(error["loc"]) for error in errors))[:50]
    return JSONResponse(
        status_code=422,
        content={"code": "invalid_request", "message": message, "fields": fields},
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_ERRORS.get(exc.status_code, (f"http_{exc.status_code}", str(exc.detail)))
    return JSONResponse(
        status_code=exc.status_code,
        content={"code": code, "message": message},
        headers=exc.headers,
    )


async def _input_refused(request: Request, exc: Exception) -> JSONResponse:
    """Input the database would not take (a NUL on PostgreSQL, a lone surrogate anywhere): a 4xx,
    not a 500. The protocol models validate first; this is the last line. The log names the
    error class only: its text holds the values."""
    route = getattr(request.scope.get("route"), "path", None) or "<geen route>"
    if isinstance(exc, IntegrityError):
        error_log.warning("%s %s: IntegrityError", request.method, route)
        return JSONResponse(
            status_code=409,
            content={
                "code": "conflict",
                "message": "De gegevens botsen met wat de server al heeft. Synchroniseer en "
                "probeer het opnieuw.",
            },
        )
    if isinstance(exc, StatementError):
        if not isinstance(exc, DataError) and not isinstance(exc.orig, ValueError):
            raise exc  # not the input's fault (a bug, the database down): stays a 500
        cause = type(exc.orig).__name__
    else:
        assert isinstance(exc, UnicodeEncodeError)
        cause = type(exc).__name__
    error_log.warning("%s %s: the database refused the input (%s)", request.method, route, cause)
    return JSONResponse(
        status_code=400,
        content={"code": "invalid_data", "message": "De server kan deze gegevens niet opslaan."},
    )


# ``wmo-desk-server serve --workers N``: each worker process builds its app from these.
WORKER_DB_ENV = "WMO_DESK_SERVER_DB"
WORKER_TOKEN_HOURS_ENV = "WMO_DESK_SERVER_TOKEN_HOURS"


def worker_app() -> FastAPI:
    """The app of one of several server processes (uvicorn's factory, ``--workers N``)."""
    return create_app(
        os.environ[WORKER_DB_ENV],
        token_hours=float(os.environ.get(WORKER_TOKEN_HOURS_ENV, DEFAULT_TOKEN_HOURS)),
    )


def create_app(database_url: str, token_hours: float = DEFAULT_TOKEN_HOURS) -> FastAPI:
    """The server app on ``database_url`` (URL or SQLite file path), migrated to head now."""
    db = ServerDatabase.open(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.figures.close()
        db.close()

    app = FastAPI(
        title="wmo-desk-server",
        summary="Regional sync server for wmo_desk",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.token_lifetime = timedelta(hours=token_hours)
    app.state.clock = utc_now  # sign-in and its back-off; tests set another
    app.state.figures = FigureStore()  # the monitor's, computed in the background
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(TooManyAttempts, _too_many_attempts)
    app.add_exception_handler(ProtocolOutdated, _protocol_outdated)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StatementError, _input_refused)
    app.add_exception_handler(UnicodeEncodeError, _input_refused)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(auth_api.router)
    app.add_exception_handler(roles.RoleRefused, roles.role_refused)
    # a web account (regio, meldpunt, toezichthouder) never syncs
    app.include_router(sync_api.router, dependencies=[roles.SyncRole])
    app.include_router(approvals.router, dependencies=[roles.SyncRole])
    app.include_router(audit_api.router, dependencies=[roles.SyncRole])
    app.include_router(signals_api.router, dependencies=[roles.SyncRole])
    app.include_router(evaluations_api.router, dependencies=[roles.SyncRole])
    app.include_router(web.router)
    return app
