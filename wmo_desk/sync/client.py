"""HTTP client for the regional server: sign-in and the sync endpoints, with Dutch errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import httpx

from wmo_desk.domain.errors import UserError

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
        self._http = http or httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Close the connections this client opened (a transport passed in stays open)."""
        if self._owns_http:
            self._http.close()

    def _request(self, method: str, path: str, token: str | None = None, **kwargs) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self._http.request(method, f"{self._base}{path}", headers=headers, **kwargs)
        except httpx.TransportError:
            raise ServerError(
                "unreachable",
                "Server niet bereikbaar",
                "De regionale server is niet bereikbaar. U kunt offline doorwerken; alles wordt later gesynchroniseerd.",
            ) from None
        if response.status_code == 401:
            code = response.json().get("code", "token_invalid")
            title, message = _MESSAGES.get(code, _MESSAGES["token_invalid"])
            raise ServerError(code, title, message)
        if response.status_code == 403:
            raise ServerError(
                "forbidden", "Geen toegang", "U heeft geen toegang tot deze gegevens."
            )
        if response.status_code >= 400:
            raise ServerError(
                "server_error",
                "Fout op de server",
                f"De server gaf een fout ({response.status_code}).",
            )
        return response.json()

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

    def push(self, token: str, changes: list[dict]) -> list[dict]:
        return self._request("POST", "/api/v1/sync/push", token=token, json={"changes": changes})[
            "results"
        ]

    def pull(self, token: str, since: int, limit: int = 500) -> dict:
        return self._request(
            "GET", "/api/v1/sync/pull", token=token, params={"since": since, "limit": limit}
        )
