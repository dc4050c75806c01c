"""The HTTP routes around accounts: login, health, and the protocol-version check of every call."""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Header, Request
from pydantic import ValidationError
from sqlalchemy import text
from starlette.responses import JSONResponse

from wmo_desk.server import auth
from wmo_desk.server.models import User
from wmo_desk.sync.protocol import (
    MIN_PROTOCOL_VERSION,
    PROTOCOL_HEADER,
    PROTOCOL_OUTDATED_TEXT,
    ErrorBody,
    Health,
    LoginRequest,
    LoginResponse,
    UserOut,
)

router = APIRouter(prefix="/api/v1")


class ProtocolOutdated(Exception):
    """The desktop speaks a protocol version the server no longer takes (HTTP 426)."""

    code = "protocol_outdated"
    message = PROTOCOL_OUTDATED_TEXT


async def protocol_version(
    version: Annotated[
        str | None,
        Header(
            alias=PROTOCOL_HEADER,
            description="The sync protocol version the desktop speaks; absent means current.",
        ),
    ] = None,
) -> None:
    """FastAPI dependency: refuse a desktop that speaks an older protocol version (on the
    event loop: no thread turn of its own)."""
    if version is None:
        return
    try:
        number = int(version.strip())
    except ValueError:
        number = 0
    if number < MIN_PROTOCOL_VERSION:
        raise ProtocolOutdated()


CheckedProtocol = Depends(protocol_version)
CurrentUser = Annotated[User, Depends(auth.current_user)]

ERROR_RESPONSES: dict[int | str, dict] = {
    400: {"model": ErrorBody, "description": "malformed request"},
    401: {"model": ErrorBody, "description": "not signed in, or the token is refused"},
    403: {"model": ErrorBody, "description": "not allowed for this user"},
    413: {"model": ErrorBody, "description": "request body too large"},
    422: {"model": ErrorBody, "description": "request body or parameters invalid"},
    426: {"model": ErrorBody, "description": "protocol_outdated: update wmo_desk"},
}


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        municipality_code=user.municipality_code,
    )


_login_schema = LoginRequest.model_json_schema()


def _bad_login_request() -> JSONResponse:
    return JSONResponse(
        status_code=422,
        content={"code": "bad_request", "message": "Geef gebruikersnaam en wachtwoord."},
    )


@router.post(
    "/login",
    response_model=LoginResponse,
    dependencies=[CheckedProtocol],
    # no 403: signing in has no role check (a web account signs in too, and is refused 403 by
    # the sync routes it then calls)
    responses={
        **{status: body for status, body in ERROR_RESPONSES.items() if status != 403},
        401: {"model": ErrorBody, "description": "bad_credentials or user_inactive"},
        429: {"model": ErrorBody, "description": "too many failed sign-ins: wait"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": _login_schema},
                "application/x-www-form-urlencoded": {"schema": _login_schema},
            },
        }
    },
)
async def login(request: Request) -> LoginResponse | JSONResponse:
    """Log in with username and password (JSON or form); returns a bearer token."""
    body = await request.body()
    try:
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        else:
            fields = json.loads(body or b"{}")
    except (UnicodeDecodeError, ValueError):
        return _bad_login_request()
    try:
        credentials = LoginRequest.model_validate(fields)
    except ValidationError:
        return _bad_login_request()

    # Behind a TLS proxy this is the address the proxy forwards (uvicorn's proxy headers).
    address = request.client.host if request.client else None

    issued = await auth.login_async(
        request.app.state.db,
        credentials.username,
        credentials.password,
        address=address,
        lifetime=request.app.state.token_lifetime,
        now=request.app.state.clock(),
    )
    assert issued is not None  # no admit: every account that signs in gets a session
    return LoginResponse(
        token=issued.token, expires_at=issued.expires_at, user=user_out(issued.user)
    )


@router.get("/health", response_model=Health)
def health(request: Request) -> Health:
    """Answers when the server runs and its database can be read."""
    with request.app.state.db.session_scope() as session:
        session.execute(text("SELECT 1"))
    return Health(status="ok")
