"""The Cliëntervaring page: the response and the answers per question, municipality and provider
with every cell of fewer than 5 hidden, the CSV downloads and the yearly CEO export, who may see
it, and never a client's name, BSN or a date on it."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from tests.server.test_sync_api import case, change
from tests.server.web.conftest import REGIO, tables_of, web_sign_in_client
from tests.synckit import TestClient
from wmo_desk.server import auth

ZORG = "bnoo-actief-zorg-b-v"
ACTT = "bnoo-actt-begeleiding"
PASSWORD = "correct horse battery"


def send(region, user, municipality, outcome="afgerond", answers=None, providers=(), year=2026):
    body = {
        "evaluation_id": str(uuid.uuid4()),
        "municipality_code": municipality,
        "year": year,
        "outcome": outcome,
        "form_id": "clientervaring",
        "form_version": "2026.1",
        "answers": answers if answers is not None else {},
        "product_codes": ["02A06"] if providers else [],
        "provider_ids": list(providers),
    }
    answer = region.client.post(
        "/api/v1/evaluations",
        json=body,
        headers={"Authorization": f"Bearer {region.api.tokens[user]}"},
    )
    assert answer.status_code == 200, answer.text


def browser(region, username=REGIO):
    client = TestClient(
        region.app, base_url="http://127.0.0.1", client=("127.0.0.1", 50001), follow_redirects=False
    )
    assert web_sign_in_client(client, username).status_code == 303
    return client


@pytest.fixture
def answered(clocked_region):
    """Oss: 7 completed (at Actief Zorg), 5 not reached, 5 refusals; Bernheze: 2 completed
    (at ACTT); one of Oss in 2025."""
    region = clocked_region
    ceo1 = ["helemaal_eens"] * 4 + ["eens", "oneens", "weet_niet"]
    for value in ceo1:
        send(region, "sanne", "0828", answers={"ceo.1": value, "ceo.2": "eens"}, providers=[ZORG])
    for _ in range(5):
        send(region, "sanne", "0828", "geen_bereik")
        send(region, "sanne", "0828", "wil_niet_meewerken")
    for value in ("helemaal_oneens", "eens"):
        send(region, "kees", "1721", answers={"ceo.1": value}, providers=[ACTT])
    send(region, "sanne", "0828", answers={"ceo.1": "oneens"}, year=2025)
    return region


def test_the_page_shows_the_response_and_the_answers_with_small_cells_hidden(answered):
    web = browser(answered)
    page = web.get("/regio/clientervaring")
    assert page.status_code == 200, page.text
    assert 'aria-current="page">Cliëntervaring' in page.text
    found = tables_of(page.text)
    response = found["tabel-respons"]
    assert response["Bernheze"] == ["< 5", "0", "0", "< 5"]
    # with the region's figures Oss's completed and total would give Bernheze's 2 away
    assert response["Oss"] == ["afgeschermd", "5", "5", "afgeschermd"]
    assert response["Regio"] == ["9", "5", "5", "19"]
    questions = found["tabel-vragen"]
    row = questions["Vraag 1"]
    # helemaal eens 4, eens 2, neutraal 0, oneens 1, helemaal oneens 1, weet niet 1: total 9
    assert row[0] == "67%"  # 6 of the 9 answers (a share of those with an opinion, with the
    # number of answers beside it, would give the hidden count of "weet niet" away)
    assert row[1] == "9"
    assert row[2:] == ["< 5", "< 5", "0", "< 5", "< 5", "< 5"]
    # per municipality: Bernheze, Boekel, Land van Cuijk, Maashorst, Oss
    per_municipality = found["tabel-per-gemeente"]
    assert "Afgerond" not in per_municipality  # the response table has it, protected
    first = per_municipality["Vraag 1"]
    assert first == ["< 5", "–", "–", "–", "71%"]  # Oss: 5 of 7
    # per provider in parts of 5 questions, so the page does not scroll sideways
    first_part = found["tabel-per-aanbieder-1"]
    rest = found["tabel-per-aanbieder-2"], found["tabel-per-aanbieder-3"]
    actt = next(k for k in first_part if "ACTT" in k.upper())
    assert first_part[actt][:2] == ["< 5", "< 5"]  # Bernheze asked question 1 only
    assert set(first_part[actt][2:] + rest[0][actt] + rest[1][actt]) <= {"< 5", "–"}
    zorg = next(k for k in first_part if "Actief" in k)
    # 7 of the region's 9 would give ACTT's 2 away
    assert first_part[zorg][:2] == ["afgeschermd", "71%"]
    assert "Nog geen evaluaties" not in page.text
    assert (
        "<dt>Vraag 1</dt><dd>Ik voelde me bij het contact met de gemeente serieus genomen.</dd>"
        in page.text
    )
    earlier = tables_of(web.get("/regio/clientervaring?jaar=2025").text)
    assert earlier["tabel-respons"]["Oss"] == ["< 5", "0", "0", "< 5"]


def test_the_tables_download_as_the_page_shows_them(answered):
    web = browser(answered)
    for key in ("respons", "vragen", "per-gemeente", "per-aanbieder"):
        response = web.get(f"/regio/clientervaring/{key}.csv?jaar=2026")
        assert response.status_code == 200, key
        assert response.headers["content-type"].startswith("text/csv")
        assert f"clientervaring-{key}-2026.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Aanbieder", "Afgerond"]
    assert web.get("/regio/clientervaring/bestaat-niet.csv").status_code == 404
    assert web.get("/regio/clientervaring?jaar=1999").status_code == 422


def test_the_ceo_export_has_a_row_per_completed_evaluation_and_names_only_shared_providers(
    answered,
):
    web = browser(answered)
    response = web.get("/regio/clientervaring/ceo-export.csv?jaar=2026")
    assert response.status_code == 200
    assert 'filename="ceo-wmo-2026.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Jaar", "Gemeentecode", "Gemeente", "Aanbieder"]
    assert len(header) == 4 + 15  # the ten CEO questions and the five of the region
    assert len(body) == 9  # completed only: 7 of Oss, 2 of Bernheze
    assert {r[0] for r in body} == {"2026"}
    oss = [r for r in body if r[1] == "0828"]
    bernheze = [r for r in body if r[1] == "1721"]
    # Actief Zorg is shared by 7 completed evaluations, ACTT by 2: that one is left out
    assert len(oss) == 7 and all(r[3] for r in oss)
    assert len(bernheze) == 2 and all(r[3] == "" for r in bernheze)
    first = header.index(next(h for h in header if h.startswith("Vraag 1.")))
    assert sorted(r[first] for r in bernheze) == ["Helemaal niet mee eens", "Mee eens"]
    # no date finer than the year anywhere
    assert "2026-" not in response.text and "-2026" not in response.text


def test_no_name_or_bsn_ever_reaches_the_page(answered):
    client = change("client")
    results = answered.api.push("sanne", [client, case(answered.api, "sanne", client)])
    assert {r["status"] for r in results} == {"applied"}
    web = browser(answered)
    texts = [web.get("/regio/clientervaring").text]
    for key in ("respons", "vragen", "per-gemeente", "per-aanbieder", "ceo-export"):
        texts.append(web.get(f"/regio/clientervaring/{key}.csv").text)
    payload = client["payload"]
    for text in texts:
        for value in (payload["bsn"], payload["surname"], client["record_id"]):
            assert str(value) not in text


def test_only_the_regional_office_sees_it(answered):
    with answered.app.state.db.session_scope() as session:
        for name, role in (("meld", "meldpunt"), ("toe", "toezichthouder")):
            auth.create_user(
                session, username=name, password=PASSWORD, display_name=name.title(),
                role=role, municipality_code="0828",
            )  # fmt: skip
    for name in ("meld", "toe"):
        web = browser(answered, name)
        page = web.get("/regio/clientervaring")
        assert page.status_code == 403, name
        assert "niet beschikbaar voor uw rol" in page.text
        assert "/regio/clientervaring" not in web.get("/regio/").text
        assert web.get("/regio/clientervaring/ceo-export.csv").status_code == 403
    anonymous = TestClient(answered.app, base_url="http://127.0.0.1", follow_redirects=False)
    assert anonymous.get("/regio/clientervaring").status_code == 303
    assert anonymous.get("/regio/clientervaring/ceo-export.csv").status_code == 303
    # a desktop account gets no web session at all, so no page either
    desktop = TestClient(answered.app, base_url="http://127.0.0.1", follow_redirects=False)
    assert web_sign_in_client(desktop, "sanne").status_code == 403
    assert desktop.get("/regio/clientervaring").status_code == 303


def test_an_empty_year_says_so(clocked_region):
    web = browser(clocked_region)
    page = web.get("/regio/clientervaring")
    assert page.status_code == 200
    found = tables_of(page.text)
    assert found["tabel-respons"]["Regio"] == ["0", "0", "0", "0"]
    assert "Nog geen evaluaties in 2026" in page.text
