"""The regional pages in a real headless Chromium (Debian's chromium and chromium-driver), used
with the keyboard only: sign in with Tab and Enter, read a cell of the dashboard, download its
table as CSV."""

from __future__ import annotations

import csv
import re
import shutil
import uuid
from datetime import date

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from tests.server.test_sync_api import PASSWORD
from tests.server.web.conftest import REGIO
from tests.server.web.seed import BSNS, SURNAMES, seed
from wmo_desk.server import auth
from wmo_desk.server.models import SignalStatusChange
from wmo_desk.server.web.monitoring import Quarter
from wmo_desk.server.web.tables import TREND_QUARTERS

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1280,1400", f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--lang=nl",
    ):  # fmt: skip
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    # an explicit driver path: Selenium Manager never looks for (or downloads) a driver
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # headless Chromium ignores the download preferences unless told through DevTools
    driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    yield driver
    driver.quit()


def _type(driver, text: str) -> None:
    driver.switch_to.active_element.send_keys(text)


def _wait_for_text(driver, text: str) -> None:
    """Wait until the page's main element shows `text`; a page still being replaced after a
    click or a form post is read again, not failed on."""
    WebDriverWait(
        driver, 10, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
    ).until(lambda d: text in d.find_element(By.TAG_NAME, "main").text)


def _wait_for_download(folder, pattern: str):
    """The one finished download matching ``pattern`` (Chromium writes ``*.crdownload`` first
    and renames it when done)."""
    WebDriverWait(folder, 10).until(lambda f: list(f.glob(pattern)))
    (found,) = folder.glob(pattern)
    return found


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_sign_in_with_the_keyboard_and_read_the_dashboard(region, browser, tmp_path):
    assert shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)
    quarter = Quarter.of(date.fromisoformat(seed(region.api)))
    shots = tmp_path / "shots"  # screenshots to look at: pytest --basetemp=DIR keeps them
    shots.mkdir()
    browser.get(f"{region.base}/regio/aanmelden")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    browser.save_screenshot(str(shots / "web_signin.png"))
    # the username field has the focus; Tab goes to the password, Enter sends the form
    assert browser.switch_to.active_element.get_attribute("id") == "gebruikersnaam"
    _type(browser, REGIO)
    _type(browser, Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "wachtwoord"
    _type(browser, "fout wachtwoord")
    _type(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "wachtwoord-fout"))
    assert (
        "Gebruikersnaam of wachtwoord klopt niet."
        in browser.find_element(By.ID, "wachtwoord-fout").text
    )
    browser.save_screenshot(str(shots / "web_signin_error.png"))
    # after the error the focus is back on the password field, the username kept
    assert browser.switch_to.active_element.get_attribute("id") == "wachtwoord"
    _type(browser, PASSWORD)
    _type(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/regio/monitor"))

    # choose the quarter with the keyboard: Tab through the header to the first select
    browser.get(f"{region.base}/regio/monitor?kwartaal={quarter.key}")
    cell = browser.find_element(
        By.XPATH,
        f'//table[@id="tabel-clienten"]//th[@scope="row" and text()="{quarter.label}"]/following-sibling::td[1]',
    )
    assert cell.text == ("9" if quarter.first <= date(2026, 12, 1) <= quarter.last else "< 5")
    caption = browser.find_element(By.CSS_SELECTOR, "#tabel-clienten caption").text
    assert caption.startswith("Cliënten per kwartaal")
    in_care = cell.text
    # the skip link is the first stop of the keyboard
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Naar de inhoud"
    browser.save_screenshot(str(shots / "web_monitor_focus.png"))
    browser.set_window_size(1280, 3200)
    browser.save_screenshot(str(shots / "web_monitor.png"))

    # the table's download link, activated with Enter: the file lands in the download folder
    link = browser.find_element(
        By.CSS_SELECTOR, f'a.download[href="/regio/monitor/clienten.csv?kwartaal={quarter.key}"]'
    )
    assert link.text == "Download „Cliënten per kwartaal” als CSV"
    link.send_keys(Keys.ENTER)
    saved = _wait_for_download(
        tmp_path / "downloads", f"wmo-monitor-clienten-kwartaal-{quarter.key}.csv"
    )
    _wait_for_text(browser, "Cliënten per kwartaal")  # still on the monitor
    content = saved.read_text("utf-8")
    assert content.startswith("\ufeff")  # Excel reads it as UTF-8
    rows = list(csv.reader(content.lstrip("\ufeff").splitlines(), delimiter=";"))
    assert rows[0] == ["Kwartaal", "In zorg", "Instroom", "Doorstroom", "Uitstroom"]
    by_quarter = {row[0]: row[1:] for row in rows[1:]}
    assert by_quarter[quarter.label][0] == in_care  # the same figure as the page's cell
    assert len(rows) == 1 + TREND_QUARTERS and all(len(row) == 5 for row in rows)
    # aggregates only: no BSN (nor any 9-digit number) and no client's name
    assert not re.search(r"\d{9}", content)
    assert not any(bsn in content for bsn in BSNS)
    assert not any(name in content for name in SURNAMES)


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_the_meldpunt_handles_a_signal_in_the_browser(region, browser, tmp_path):
    """A consultant's signal reaches the signal desk, which takes it up with the keyboard and
    a form; the server stores the step in the signal's history."""
    with region.db.session_scope() as session:
        auth.create_user(
            session, username="meld", password=PASSWORD, display_name="Meldpunt",
            role="meldpunt", municipality_code="0828",
        )  # fmt: skip
    signal_id = str(uuid.uuid4())
    sent = region.api.client.post(
        "/api/v1/signals",
        json={
            "signal_id": signal_id, "provider_id": "bnoo-actief-zorg-b-v", "kind": "kwaliteit",
            "what_happened": "De begeleiding viel drie keer uit zonder bericht.",
            "occurred_on": "2026-11-20",
        },
        headers={"Authorization": f"Bearer {region.api.tokens['sanne']}"},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    shots = tmp_path / "shots"
    shots.mkdir()

    browser.get(f"{region.base}/regio/aanmelden")
    _type(browser, "meld")
    _type(browser, Keys.TAB)
    _type(browser, PASSWORD)
    _type(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "/aanmelden" not in d.current_url)
    browser.get(f"{region.base}/regio/meldpunt")
    assert "Actief Zorg B.V." in browser.find_element(By.TAG_NAME, "main").text
    browser.save_screenshot(str(shots / "web_meldpunt.png"))
    browser.find_element(By.CSS_SELECTOR, f'a[href="/regio/meldpunt/signalen/{signal_id}"]').click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith(signal_id))
    _wait_for_text(browser, "De begeleiding viel drie keer uit")

    Select(browser.find_element(By.ID, "status")).select_by_value("in_behandeling")
    browser.find_element(By.ID, "toelichting").send_keys("Aanbieder gebeld; gesprek volgt.")
    browser.find_element(By.CSS_SELECTOR, "form.narrow button[type=submit]").click()
    # The status option already reads "In behandeling" before the form is sent: wait for
    # the redirect after the POST, then read the page it leads to.
    WebDriverWait(browser, 10).until(lambda d: "gewijzigd=1" in d.current_url)
    _wait_for_text(browser, "De status is gewijzigd.")
    browser.save_screenshot(str(shots / "web_signaal.png"))
    with region.db.session_scope() as session:
        history = session.scalars(
            select(SignalStatusChange)
            .where(SignalStatusChange.signal_id == uuid.UUID(signal_id))
            .order_by(SignalStatusChange.id)
        ).all()
        assert [(h.status, h.note) for h in history] == [
            ("ontvangen", ""),
            ("in_behandeling", "Aanbieder gebeld; gesprek volgt."),
        ]
