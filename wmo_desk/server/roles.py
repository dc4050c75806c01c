"""Which roles may do what: desktop sync for the municipal roles, web pages for the region's."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from wmo_desk.server import auth
from wmo_desk.server.models import SYNC_ROLES, User

__all__ = [
    "MONITOR_ROLES",
    "SYNC_ROLES",
    "WEB_ROLES",
    "RoleRefused",
    "SyncRole",
]

# SYNC_ROLES (models.py, beside ROLES): the roles that sync a desktop (push, pull, approve, the
# access log); auth.py needs them too and cannot import this module.
#: Roles of the regional office's web pages (wmo_desk/server/web/); they never sync.
WEB_ROLES = frozenset({"regio", "meldpunt", "toezichthouder"})
#: Web roles that see the monitoring dashboard (aggregates of the region only).
MONITOR_ROLES = frozenset({"regio", "meldpunt"})

SYNC_REFUSED_TEXT = (
    "Dit account is voor de webpagina's van het regiobureau en kan niet synchroniseren. "
    "Meld u aan in de browser op /regio/."
)


class RoleRefused(Exception):
    """The user is signed in but the role may not use this part of the server (HTTP 403)."""

    code = "role_not_allowed"

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


async def require_sync_role(user: Annotated[User, Depends(auth.current_user)]) -> User:
    """FastAPI dependency of the sync routers: refuse a web-only account.

    It depends on the same ``auth.current_user`` as the routes, so FastAPI resolves the token
    once per request; the check itself runs on the event loop (no thread turn of its own)."""
    if user.role not in SYNC_ROLES:
        raise RoleRefused(SYNC_REFUSED_TEXT)
    return user


SyncRole = Depends(require_sync_role)


async def role_refused(_request: Request, exc: Exception) -> JSONResponse:
    """The JSON error body of :class:`RoleRefused`, like every other API error."""
    assert isinstance(exc, RoleRefused)
    return JSONResponse(status_code=403, content={"code": exc.code, "message": exc.message})
