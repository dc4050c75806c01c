"""Building the FastAPI application: database, migrations, error bodies, request logging."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wmo_desk.server import approvals, auth_api, sync_api
from wmo_desk.server.auth import DEFAULT_TOKEN_HOURS, AuthError
from wmo_desk.server.auth_api import ProtocolOutdated
from wmo_desk.server.db import ServerDatabase

access_log = logging.getLogger("wmo_desk.server.access")


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


async def _protocol_outdated(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProtocolOutdated)
    return JSONResponse(status_code=426, content={"code": exc.code, "message": exc.message})


def create_app(database_url: str, token_hours: float = DEFAULT_TOKEN_HOURS) -> FastAPI:
    """The server app on ``database_url`` (URL or SQLite file path), migrated to head now."""
    db = ServerDatabase.open(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.close()

    app = FastAPI(
        title="wmo-desk-server",
        summary="Regional sync server for wmo_desk",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.token_lifetime = timedelta(hours=token_hours)
    app.add_exception_handler(AuthError, _auth_error)
    app.add_exception_handler(ProtocolOutdated, _protocol_outdated)
    app.add_middleware(RequestLogMiddleware)
    app.include_router(auth_api.router)
    app.include_router(sync_api.router)
    app.include_router(approvals.router)
    return app
