"""The web sign-in: the bearer token in an HttpOnly, SameSite=Strict cookie, and CSRF tokens.

A CSRF token is an HMAC of a purpose keyed with a secret the browser holds only in an
HttpOnly cookie: the session's bearer token once signed in, a random pre-sign-in value on the
sign-in form. Another site can neither read the cookie nor compute the token, and with
SameSite=Strict the browser does not even send the cookie with its cross-site POST."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from wmo_desk.server import auth
from wmo_desk.server.models import User

SESSION_COOKIE = "wmo_regio"
PRE_COOKIE = "wmo_regio_pre"
COOKIE_PATH = "/regio"
SIGN_IN_PURPOSE = "aanmelden"
SESSION_PURPOSE = "sessie"


_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _secure(request: Request) -> bool:
    """``Secure`` on every cookie, except over plain http from this machine to this machine
    (the tests, a first local try), where the browser would otherwise drop it.

    Behind the TLS proxy the request is https by uvicorn's proxy headers, or at least has the
    public host name: Secure either way."""
    client = request.client.host if request.client else ""
    local = client in _LOOPBACK and (request.url.hostname or "") in _LOOPBACK
    return request.url.scheme == "https" or not local


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )


def clear_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(
        name, path=COOKIE_PATH, httponly=True, samesite="strict", secure=_secure(request)
    )


def csrf_token(secret: str, purpose: str) -> str:
    return hmac.new(secret.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_ok(secret: str | None, purpose: str, given: str | None) -> bool:
    if not secret or not given:
        return False
    return hmac.compare_digest(csrf_token(secret, purpose), given)


def pre_secret(request: Request) -> tuple[str, bool]:
    """The pre-sign-in secret of this browser, and whether it is new (to be set as cookie)."""
    value = request.cookies.get(PRE_COOKIE, "")
    if len(value) >= 32:
        return value, False
    return secrets.token_urlsafe(32), True


def session_token(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def signed_in_user(request: Request) -> User | None:
    """The user of the session cookie, or None (no cookie, expired, revoked, switched off)."""
    token = session_token(request)
    if token is None:
        return None
    with request.app.state.db.session_scope() as session:
        try:
            return auth.user_for_token(session, token, now=request.app.state.clock())
        except auth.AuthError:
            return None
