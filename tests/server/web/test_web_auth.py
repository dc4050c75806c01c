"""Signing in to the regional pages: the cookie, the messages at the field, the back-off, CSRF,
and the wall between desktop accounts and web accounts, through the real server process."""

from __future__ import annotations

import uuid

import httpx

from tests.server.test_sync_api import PASSWORD, change
from tests.server.web.conftest import REGIO, csrf_of, web_sign_in
from wmo_desk.server.throttle import USERNAME_LIMIT


def test_sign_in_sets_a_strict_http_only_cookie_and_sign_out_revokes_it(region):
    browser, answer = web_sign_in(region.base)
    assert answer.status_code == 303 and answer.headers["location"] == "/regio/monitor"
    cookie = answer.headers["set-cookie"]
    assert "wmo_regio=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = browser.cookies["wmo_regio"]
    page = browser.get("/regio/monitor")
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text and "Regiobureau Oss" in page.text
    signed_out = browser.post("/regio/afmelden", data={"csrf": csrf_of(page.text)})
    assert signed_out.status_code == 303
    assert browser.get(signed_out.headers["location"]).text.count("U bent afgemeld.") == 1
    # the old cookie no longer opens anything
    again = httpx.get(f"{region.base}/regio/monitor", cookies={"wmo_regio": token})
    assert again.status_code == 303 and again.headers["location"] == "/regio/aanmelden"
    browser.close()


def test_a_wrong_password_is_said_at_the_password_field(region):
    browser, answer = web_sign_in(region.base, password="niet het wachtwoord")
    assert answer.status_code == 401
    assert 'id="wachtwoord-fout">Gebruikersnaam of wachtwoord klopt niet.' in answer.text
    assert 'aria-describedby="wachtwoord-fout"' in answer.text
    assert f'value="{REGIO}"' in answer.text  # the username stays filled in
    assert "wmo_regio=" not in answer.headers.get("set-cookie", "")
    empty = browser.post(
        "/regio/aanmelden", data={"csrf": csrf_of(answer.text), "gebruikersnaam": ""}
    )
    assert empty.status_code == 422
    assert "Vul uw gebruikersnaam in." in empty.text and "Vul uw wachtwoord in." in empty.text
    browser.close()


def test_too_many_failures_lock_the_web_sign_in_too(region):
    for _ in range(USERNAME_LIMIT):
        web_sign_in(region.base, password="fout fout fout")[0].close()
    browser, answer = web_sign_in(region.base)  # even the right password now
    assert answer.status_code == 429
    assert "Te veel mislukte aanmeldpogingen. Probeer het over 5 minuten opnieuw." in answer.text
    browser.close()


def test_a_post_without_the_csrf_token_is_refused(region):
    browser = httpx.Client(base_url=region.base, timeout=30)
    browser.get("/regio/aanmelden")
    forged = browser.post(
        "/regio/aanmelden",
        data={"csrf": "0" * 64, "gebruikersnaam": REGIO, "wachtwoord": PASSWORD},
    )
    assert forged.status_code == 403
    assert "Het formulier is verlopen of kwam niet van deze site" in forged.text
    assert "wmo_regio=" not in forged.headers.get("set-cookie", "")
    signed_in, _answer = web_sign_in(region.base)
    page = signed_in.get("/regio/monitor")
    refused = signed_in.post("/regio/afmelden", data={"csrf": "f" * 64})
    assert refused.status_code == 403
    # still signed in: the forged sign-out did nothing
    assert signed_in.get("/regio/monitor").status_code == 200
    assert csrf_of(page.text)
    browser.close()
    signed_in.close()


def test_a_consultant_gets_no_regional_page(region):
    browser, answer = web_sign_in(region.base, username="sanne")
    assert answer.status_code == 403
    assert "Uw account is voor wmo_desk op de werkplek" in answer.text
    assert "wmo_regio=" not in answer.headers.get("set-cookie", "")
    # nor with the token of a desktop sign-in put in the cookie by hand
    for name in ("sanne", "tl"):
        page = httpx.get(
            f"{region.base}/regio/monitor", cookies={"wmo_regio": region.api.tokens[name]}
        )
        assert page.status_code == 403 and "Geen toegang" in page.text
    browser.close()


def test_a_regio_account_cannot_sync(region):
    login = httpx.post(
        f"{region.base}/api/v1/login", json={"username": REGIO, "password": PASSWORD}
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    calls = [
        ("POST", "/api/v1/sync/push", {"changes": [change(surname="Jansen")]}),
        ("GET", "/api/v1/sync/pull", None),
        ("POST", f"/api/v1/decisions/{uuid.uuid4()}/approve", {"allocate": []}),
        ("POST", "/api/v1/audit", {"device_id": str(uuid.uuid4()), "entries": []}),
    ]
    for method, path, body in calls:
        answer = httpx.request(method, f"{region.base}{path}", json=body, headers=headers)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["code"] == "role_not_allowed"
        assert "kan niet synchroniseren" in answer.json()["message"]
    # the consultants still sync
    assert region.api.pull("sanne")["records"]


def test_the_cookie_is_secure_unless_on_this_machine_over_plain_http(tmp_path):
    from tests.synckit import TestClient
    from wmo_desk.server.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'server.sqlite'}")
    # a browser elsewhere (the default test client is "testclient" at "testserver")
    with TestClient(app, follow_redirects=False) as client:
        assert "; secure" in client.get("/regio/aanmelden").headers["set-cookie"].lower()
    with TestClient(app, base_url="https://regio.example.nl", follow_redirects=False) as client:
        assert "; secure" in client.get("/regio/aanmelden").headers["set-cookie"].lower()
    # a proxy on this machine that passes the public host name: still Secure
    with TestClient(app, client=("127.0.0.1", 50000), follow_redirects=False) as client:
        assert "; secure" in client.get("/regio/aanmelden").headers["set-cookie"].lower()
    local = TestClient(
        app, base_url="http://127.0.0.1", client=("127.0.0.1", 50000), follow_redirects=False
    )
    with local as client:
        assert "secure" not in client.get("/regio/aanmelden").headers["set-cookie"].lower()
