"""How large a request body may be: refused with 413 before it is read into memory."""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIB = 1024 * 1024
KIB = 1024
# Decision documents travel as base64 PDFs inside a push; an access-log push holds up to 5,000
# lines; everything else is small JSON.
BODY_LIMITS: Mapping[str, int] = {
    "/api/v1/sync/push": 16 * MIB,
    "/api/v1/audit": 16 * MIB,
    "/api/v1/login": 64 * KIB,
}
DEFAULT_BODY_LIMIT = 64 * KIB


def too_large_text(limit: int) -> str:
    size = f"{limit // MIB} MiB" if limit >= MIB else f"{limit // KIB} KiB"
    return (
        f"Het verzoek is te groot voor de server (meer dan {size}). Verstuur minder gegevens "
        "tegelijk of neem contact op met de beheerder."
    )


class _TooLarge(Exception):
    """The streamed body passed its limit (raised from ``receive``)."""


class BodyLimitMiddleware:
    """Answers 413 ``too_large`` to a body over its route's limit.

    A ``Content-Length`` above the limit is refused before a byte of the body is read; a body
    without one (chunked) or with a wrong one is counted as it streams in and refused as soon as
    it passes the limit. Limits are per path (:data:`BODY_LIMITS`), :data:`DEFAULT_BODY_LIMIT`
    for every other path."""

    def __init__(
        self,
        app: ASGIApp,
        limits: Mapping[str, int] = BODY_LIMITS,
        default: int = DEFAULT_BODY_LIMIT,
    ) -> None:
        self.app = app
        self.limits = dict(limits)
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"].rstrip("/"), self.default)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, limit)
            return

        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                # The app turned the failed read into an answer of its own (FastAPI makes it a
                # 400 "error parsing the body"): the user is told the real reason instead.
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _refuse(send, limit)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not started:
                await _refuse(send, limit)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps(
        {"code": "too_large", "message": too_large_text(limit)}, ensure_ascii=False
    ).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
