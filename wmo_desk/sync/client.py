"""HTTP client for the regional server: sign-in and the sync endpoints, with Dutch errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from wmo_desk.domain.errors import UserError
from wmo_desk.sync.protocol import (
    DEVICE_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_OUTDATED_TEXT,
    PROTOCOL_VERSION,
    ApprovalRequest,
    ApprovalResponse,
    AuditPushRequest,
    AuditPushResponse,
    Change,
    ChangeResult,
    InzageResponse,
    NumberRequest,
    NumberResponse,
    PullResponse,
    PushRequest,
    PushResponse,
    WipeDoneRequest,
    refusal_text,
)

_MESSAGES = {
    "bad_credentials": ("Aanmelden mislukt", "Gebruikersnaam of wachtwoord klopt niet."),
    "token_expired": ("Aanmelding verlopen", "Uw aanmelding is verlopen. Meld u opnieuw aan."),
    "token_revoked": (
        "Aanmelding ingetrokken",
        "Uw aanmelding is ingetrokken. Neem contact op met de beheerder.",
    ),
    "token_invalid": ("Niet aangemeld", "U bent niet (meer) aangemeld. Meld u opnieuw aan."),
    "user_inactive": (
        "Account geblokkeerd",
        "Uw account is niet actief. Neem contact op met de beheerder.",
    ),
}


if TYPE_CHECKING:
    import httpx  # loaded with the first request: the window starts without it

    from wmo_desk.sync.evaluations import EvaluationIn, EvaluationReceipt
    from wmo_desk.sync.signals import SignalIn, SignalReceipt, SignalStatusPage


class ServerError(UserError):
    """A refusal or failure of the server; ``code`` says which (``unreachable`` without a connection)."""

    def __init__(self, code: str, title: str, message: str) -> None:
        super().__init__(title, message)
        self.code = code


@dataclass(frozen=True)
class ServerSession:
    """A signed-in session: the bearer token and who it belongs to."""

    token: str
    expires_at: datetime
    user_id: str
    display_name: str
    role: str
    municipality_code: str


class ServerClient:
    """Talks to ``base_url``; pass ``http`` to use another transport (tests use the app in-process)."""

    def __init__(
        self, base_url: str, http: httpx.Client | None = None, timeout: float = 15.0
    ) -> None:
        self._base = base_url.rstrip("/")
        self._owns_http = http is None
        import httpx

        self._http = http or httpx.Client(timeout=timeout)
        # This profile's device id, sent with every call (DEVICE_HEADER): a pull then passes
        # over what this profile pushed itself, also when two profiles share a sign-in.
        self.device: str | None = None

    def close(self) -> None:
        """Close the connections this client opened (a transport passed in stays open)."""
        if self._owns_http:
            self._http.close()

    def _request(self, method: str, path: str, token: str | None = None, **kwargs) -> dict:
        response = self._send(method, path, token, **kwargs)
        if response.status_code == 204:
            return {}
        return response.json()

    def _send(
        self,
        method: str,
        path: str,
        token: str | None = None,
        *,
        body: bytes | None = None,
        **kwargs,
    ) -> httpx.Response:
        """The answer to a call (a refusal raised as :class:`ServerError`); ``body`` is a JSON
        body already encoded."""
        import httpx

        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if body is not None:
            headers["Content-Type"] = "application/json"
            kwargs["content"] = body
        if self.device:
            headers[DEVICE_HEADER] = self.device
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self._http.request(method, f"{self._base}{path}", headers=headers, **kwargs)
        except httpx.TransportError:
            raise ServerError(
                "unreachable",
                "Server niet bereikbaar",
                "De regionale server is niet bereikbaar. U kunt offline doorwerken; alles wordt later gesynchroniseerd.",
            ) from None
        if response.status_code == 401:
            code = _body(response).get("code", "token_invalid")
            title, message = _MESSAGES.get(code, _MESSAGES["token_invalid"])
            raise ServerError(code, title, message)
        if response.status_code == 426:
            raise ServerError("protocol_outdated", "Werk wmo_desk bij", PROTOCOL_OUTDATED_TEXT)
        if response.status_code == 429:
            raise ServerError(
                "too_many_attempts",
                "Even wachten",
                _message(response, "Te veel mislukte pogingen. Probeer het later opnieuw."),
            )
        if response.status_code == 403:
            reason = _body(response).get("code")
            default = refusal_text(reason) if reason else "U heeft geen toegang tot deze gegevens."
            raise ServerError(reason or "forbidden", "Geen toegang", _message(response, default))
        if response.status_code == 404:
            raise ServerError(
                _body(response).get("code", "not_found"),
                "Niet gevonden",
                _message(response, "De server kent deze gegevens niet."),
            )
        if response.status_code == 409:
            raise ServerError(
                _body(response).get("code", "conflict"),
                "Niet mogelijk",
                _message(response, "De server kon dit nu niet uitvoeren."),
            )
        if response.status_code >= 400:
            raise ServerError(
                "server_error",
                "Fout op de server",
                f"De server gaf een fout ({response.status_code}).",
            )
        return response

    def sign_in(self, username: str, password: str) -> ServerSession:
        data = self._request(
            "POST", "/api/v1/login", json={"username": username, "password": password}
        )
        user = data["user"]
        return ServerSession(
            token=data["token"],
            expires_at=datetime.fromisoformat(data["expires_at"]),
            user_id=str(user["id"]),
            display_name=user.get("display_name", username),
            role=user["role"],
            municipality_code=user["municipality_code"],
        )

    def check(self, token: str) -> None:
        """Raise :class:`ServerError` when ``token`` is no longer accepted."""
        self._request("GET", "/api/v1/sync/pull", token=token, params={"since": 0, "limit": 1})

    def push(self, token: str, changes: list[Change]) -> list[ChangeResult]:
        # encoded and parsed by pydantic-core in one step each, no dicts in between
        body = PushRequest(changes=changes).model_dump_json().encode("utf-8")
        response = self._send("POST", "/api/v1/sync/push", token=token, body=body)
        return PushResponse.model_validate_json(response.content).results

    def pull(self, token: str, since: int, limit: int = 500) -> PullResponse:
        response = self._send(
            "GET", "/api/v1/sync/pull", token=token, params={"since": since, "limit": limit}
        )
        return PullResponse.model_validate_json(response.content)

    def approve(self, token: str, decision_id: str, allocate: list[str]) -> ApprovalResponse:
        """Approve a submitted decision on the server: it records the approver and hands out
        the kenmerk and the toewijzingnummers."""
        body = ApprovalRequest.model_validate({"allocate": allocate}).model_dump(mode="json")
        data = self._request(
            "POST", f"/api/v1/decisions/{decision_id}/approve", token=token, json=body
        )
        return ApprovalResponse.model_validate(data)

    def new_number(self, token: str, provision_id: str) -> NumberResponse:
        """A new toewijzingnummer for a provision of a final decision."""
        body = NumberRequest.model_validate({"provision_id": provision_id}).model_dump(mode="json")
        data = self._request("POST", "/api/v1/allocation-numbers", token=token, json=body)
        return NumberResponse.model_validate(data)

    def push_audit(self, token: str, request: AuditPushRequest) -> AuditPushResponse:
        """Send a device's next access-log lines; a broken chain is a :class:`ServerError`
        ``audit_chain_broken`` with the server's words (which line)."""
        body = request.model_dump(mode="json")
        data = self._request("POST", "/api/v1/audit", token=token, json=body)
        return AuditPushResponse.model_validate(data)

    def inzage(self, token: str, client_id: str) -> InzageResponse:
        """The inzage report of a client (team leads of its municipality only)."""
        data = self._request("GET", f"/api/v1/audit/clients/{client_id}", token=token)
        return InzageResponse.model_validate(data)

    def report_signal(self, token: str, signal: SignalIn) -> SignalReceipt:
        """Send a signal to the meldpunt (the same id again is answered, not stored twice)."""
        from wmo_desk.sync.signals import SignalReceipt

        data = self._request(
            "POST", "/api/v1/signals", token=token, json=signal.model_dump(mode="json")
        )
        return SignalReceipt.model_validate(data)

    def signal_statuses(self, token: str, since: int) -> SignalStatusPage:
        """The statuses of this user's signals changed after ``since``."""
        from wmo_desk.sync.signals import SignalStatusPage

        data = self._request("GET", "/api/v1/signals/mine", token=token, params={"since": since})
        return SignalStatusPage.model_validate(data)

    def report_evaluation(self, token: str, evaluation: EvaluationIn) -> EvaluationReceipt:
        """Send an anonymous evaluation (the same id again is answered, not stored twice)."""
        from wmo_desk.sync.evaluations import EvaluationReceipt

        data = self._request(
            "POST", "/api/v1/evaluations", token=token, json=evaluation.model_dump(mode="json")
        )
        return EvaluationReceipt.model_validate(data)

    def wipe_done(self, token: str, device_id: str) -> None:
        """Report that this device wiped its profile; the server then ends every session."""
        body = WipeDoneRequest.model_validate({"device_id": device_id}).model_dump(mode="json")
        self._request("POST", "/api/v1/wipe/done", token=token, json=body)


def _body(response: httpx.Response) -> dict:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _message(response: httpx.Response, default: str) -> str:
    message = _body(response).get("message")
    return message if isinstance(message, str) and message else default
