"""The meldpunt pages: signals bundled per provider, a signal's history, changing its status
(CSRF-protected), who may see what, and never a client's name or BSN on a page."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from tests.server.test_sync_api import PASSWORD, case, change
from tests.server.web.conftest import csrf_of, tables_of, web_sign_in_client
from tests.synckit import TestClient
from wmo_desk.server import auth
from wmo_desk.server.models import SignalStatusChange

ZORG = "bnoo-actief-zorg-b-v"
ACTT = "bnoo-actt-begeleiding"
WEB_USERS = {"meld": "meldpunt", "toe": "toezichthouder"}


@pytest.fixture
def desk(clocked_region):
    with clocked_region.app.state.db.session_scope() as session:
        for name, role in WEB_USERS.items():
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code="0828",
            )  # fmt: skip
    return clocked_region


def report(region, user, provider, kind="kwaliteit", **extra):
    body = {
        "signal_id": str(uuid.uuid4()),
        "provider_id": provider,
        "kind": kind,
        "what_happened": "De begeleiding viel drie keer uit zonder bericht.",
        "occurred_on": "2026-11-20",
        **extra,
    }
    answer = region.client.post(
        "/api/v1/signals",
        json=body,
        headers={"Authorization": f"Bearer {region.api.tokens[user]}"},
    )
    assert answer.status_code == 200, answer.text
    return body["signal_id"]


def browser(region, username):
    client = TestClient(
        region.app, base_url="http://127.0.0.1", client=("127.0.0.1", 50001), follow_redirects=False
    )
    assert web_sign_in_client(client, username).status_code == 303
    return client


@pytest.fixture
def signals(desk):
    """Sanne (Oss) names a client with consent; Kees (Bernheze) reports two about ACTT."""
    client = change("client")
    results = desk.api.push("sanne", [client, case(desk.api, "sanne", client)])
    assert {r["status"] for r in results} == {"applied"}
    linked = report(
        desk, "sanne", ZORG, "fraude",
        client_id=client["record_id"], consent=True, consent_on="2026-11-21",
    )  # fmt: skip
    first = report(desk, "kees", ACTT, "kwaliteit")
    second = report(desk, "kees", ACTT, "calamiteit")
    return {"linked": linked, "first": first, "second": second, "client": client}


def change_status(web, signal_id, status, note, csrf=None):
    page = web.get(f"/regio/meldpunt/signalen/{signal_id}")
    # the last form of the page; the first is the sign-out in the header
    token = (
        re.findall(r'name="csrf" value="([0-9a-f]{64})"', page.text)[-1] if csrf is None else csrf
    )
    return web.post(
        f"/regio/meldpunt/signalen/{signal_id}/status",
        data={"csrf": token, "status": status, "toelichting": note},
    )


def test_the_meldpunt_sees_signals_bundled_per_provider(desk, signals):
    web = browser(desk, "meld")
    page = web.get("/regio/meldpunt")
    assert page.status_code == 200
    table = tables_of(page.text)["per-aanbieder"]
    rows = list(table)
    # ACTT has two open signals, Actief Zorg one: the most open first
    assert len(rows) == 3 and rows[0] == "Aanbieder"
    actt, zorg = rows[1], rows[2]
    assert "ACTT" in actt.upper()
    assert table[actt] == ["1", "0", "0", "1", "2", "2"]
    assert table[zorg] == ["0", "0", "1", "0", "1", "1"]
    assert "Gekoppeld, met toestemming" in page.text
    detail = web.get(f"/regio/meldpunt/signalen/{signals['linked']}")
    assert detail.status_code == 200
    assert "Er is een cliënt gekoppeld, met toestemming van de cliënt" in detail.text
    assert "Sanne, Oss" in detail.text
    history = tables_of(detail.text)["geschiedenis"]
    assert [cells[0] for key, cells in history.items() if key != "Wanneer"] == ["Ontvangen"]


def test_no_client_name_or_bsn_on_any_page(desk, signals):
    client = signals["client"]["payload"]
    for user in ("meld", "toe", REGIO_USER):
        web = browser(desk, user)
        if user == "meld":
            assert (
                change_status(
                    web, signals["linked"], "overgedragen_aan_toezicht", "Naar toezicht"
                ).status_code
                == 303
            )
        html = web.get("/regio/meldpunt").text
        links = re.findall(r'href="(/regio/meldpunt/signalen/[^"]+)"', html)
        for page in [html, *(web.get(link).text for link in links)]:
            for value in (
                client["bsn"],
                client["surname"],
                client["first_names"],
                client["postcode"],
            ):
                assert value not in page
            assert signals["client"]["record_id"] not in page


REGIO_USER = "regio.oss"


def test_changing_the_status_writes_history_and_hands_it_to_supervision(desk, signals):
    web = browser(desk, "meld")
    toe = browser(desk, "toe")
    assert (
        "Er zijn nog geen signalen aan het toezicht overgedragen" in toe.get("/regio/meldpunt").text
    )
    assert toe.get(f"/regio/meldpunt/signalen/{signals['first']}").status_code == 404

    empty = change_status(web, signals["first"], "in_behandeling", "  ")
    assert empty.status_code == 422
    assert "Schrijf een toelichting bij de nieuwe status." in empty.text
    done = change_status(
        web, signals["first"], "overgedragen_aan_toezicht", "Structureel probleem."
    )
    assert done.status_code == 303
    page = web.get(done.headers["location"])
    assert "De status is gewijzigd." in page.text
    assert "Overgedragen aan toezicht" in page.text and "Structureel probleem." in page.text
    with desk.app.state.db.session_scope() as session:
        rows = session.scalars(
            select(SignalStatusChange.status)
            .where(SignalStatusChange.signal_id == uuid.UUID(signals["first"]))
            .order_by(SignalStatusChange.id)
        ).all()
    assert rows == ["ontvangen", "overgedragen_aan_toezicht"]

    handed = toe.get("/regio/meldpunt")
    assert f"/regio/meldpunt/signalen/{signals['first']}" in handed.text
    assert f"/regio/meldpunt/signalen/{signals['second']}" not in handed.text
    detail = toe.get(f"/regio/meldpunt/signalen/{signals['first']}")
    assert detail.status_code == 200 and "Status wijzigen" not in detail.text
    # the toezichthouder reads, the meldpunt changes
    refused = toe.post(
        f"/regio/meldpunt/signalen/{signals['first']}/status",
        data={"csrf": "0" * 64, "status": "afgehandeld", "toelichting": "Klaar"},
    )
    assert refused.status_code == 403


def test_a_status_change_without_the_csrf_token_is_refused(desk, signals):
    web = browser(desk, "meld")
    for token in ("", "0" * 64):
        answer = change_status(web, signals["first"], "afgehandeld", "Klaar", csrf=token)
        assert answer.status_code == 403
        assert "Het formulier is verlopen of kwam niet van deze site" in answer.text
    with desk.app.state.db.session_scope() as session:
        statuses = session.scalars(select(SignalStatusChange.status)).all()
    assert sorted(statuses) == ["ontvangen"] * 3


def test_regio_sees_counts_only_and_a_consultant_no_page(desk, signals):
    regio = browser(desk, REGIO_USER)
    page = regio.get("/regio/meldpunt")
    assert page.status_code == 200
    assert "per-aanbieder" in page.text
    assert "/regio/meldpunt/signalen/" not in page.text
    assert "De begeleiding viel" not in page.text
    assert regio.get(f"/regio/meldpunt/signalen/{signals['first']}").status_code == 403
    nobody = TestClient(desk.app, base_url="http://127.0.0.1", follow_redirects=False)
    assert nobody.get("/regio/meldpunt").status_code == 303
    assert nobody.get(f"/regio/meldpunt/signalen/{signals['first']}").status_code == 303
    form = nobody.get("/regio/aanmelden")
    answer = nobody.post(
        "/regio/aanmelden",
        data={"csrf": csrf_of(form.text), "gebruikersnaam": "sanne", "wachtwoord": PASSWORD},
    )
    assert answer.status_code == 403  # a desktop account gets no web session


def test_an_unknown_or_malformed_signal_id_is_not_found(desk, signals):
    web = browser(desk, "meld")
    assert web.get(f"/regio/meldpunt/signalen/{uuid.uuid4()}").status_code == 404
    assert web.get("/regio/meldpunt/signalen/%3Cscript%3E").status_code == 404
    bad = change_status(web, signals["first"], "verdwenen", "Weg")
    assert bad.status_code == 422 and "Kies een status uit de lijst." in bad.text


def test_what_was_reported_is_shown_as_text_never_as_markup(desk):
    signal_id = report(desk, "sanne", ZORG, what_happened='<script>alert("x")</script> & meer')
    web = browser(desk, "meld")
    page = web.get(f"/regio/meldpunt/signalen/{signal_id}").text
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; meer" in page
    toe = browser(desk, "toe").get("/regio/meldpunt").text
    assert 'href="/regio/monitor"' not in toe  # the toezichthouder has no monitor


def test_reading_a_signal_on_the_website_is_in_the_clients_access_log(desk, signals):
    """NEN 7513: the meldpunt and the toezichthouder opening a signal (what happened, about a
    client with consent) is logged on the server, in the log of the signal's municipality, so
    the team lead's inzage of that client shows who read it; the list of bundles is not."""
    from wmo_desk.server.models import AuditLogEntry

    def read_lines():
        with desk.app.state.db.session_scope() as session:
            return session.execute(
                select(
                    AuditLogEntry.action,
                    AuditLogEntry.object_id,
                    AuditLogEntry.client_id,
                    AuditLogEntry.municipality_code,
                    AuditLogEntry.source,
                ).where(AuditLogEntry.action == "signal.web_read")
            ).all()

    web = browser(desk, "meld")
    assert web.get("/regio/meldpunt").status_code == 200
    assert read_lines() == []  # the bundles show no contents
    assert web.get(f"/regio/meldpunt/signalen/{signals['linked']}").status_code == 200
    assert web.get(f"/regio/meldpunt/signalen/{signals['first']}").status_code == 200
    client_id = signals["client"]["record_id"]
    assert sorted(read_lines(), key=lambda r: r[1] == signals["first"]) == [
        ("signal.web_read", signals["linked"], client_id, "0828", "server"),
        ("signal.web_read", signals["first"], None, "1721", "server"),  # Bernheze
    ]
    answer = desk.client.get(
        f"/api/v1/audit/clients/{client_id}",
        headers={"Authorization": f"Bearer {desk.api.tokens['tl']}"},
    )
    assert answer.status_code == 200, answer.text
    seen = [e for e in answer.json()["entries"] if e["action"] == "signal.web_read"]
    assert len(seen) == 1 and seen[0]["user_name"] == "Meld" and seen[0]["role"] == "meldpunt"
    assert seen[0]["action_label"] == "Signaal over een aanbieder ingezien op de regiowebsite"
