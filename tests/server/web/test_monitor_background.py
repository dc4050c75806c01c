"""No request waits for a large region's figures: they are computed on the server's worker
thread; meanwhile the monitor says they are being computed, or shows the last figures with the
time they are of. The computation is held back here by a gate, as a large region's would take
a minute; what it computes is the real thing."""

from __future__ import annotations

import threading
import time

from tests.server.web.conftest import tables_of, web_sign_in_client
from tests.server.web.seed import BERNHEZE_PROVIDER, client_in_care, seed
from wmo_desk.server.web.figures import Answer, Figures, FigureStore

K4 = "2026-K4"


class GatedStore(FigureStore):
    """A store whose computations wait until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__(wait_seconds=0.05, first_wait_seconds=0.05)
        self.gate = threading.Event()
        self.runs = 0

    def _run(self, region, build):
        self.gate.wait(30)
        self.runs += 1
        return super()._run(region, build)

    def settle(self) -> None:
        """Open the gate and wait until no computation is under way."""
        self.gate.set()
        for job in list(self._jobs.values()):
            job.result(30)
        self.gate.clear()


def test_the_monitor_never_waits_for_the_computation(clocked_region):
    seed(clocked_region.api)
    store = GatedStore()
    clocked_region.app.state.figures = store
    browser = clocked_region.client
    web_sign_in_client(browser)

    # before the region's first figures: a page that says so and asks again by itself
    first = browser.get(f"/regio/monitor?kwartaal={K4}")
    assert first.status_code == 202
    assert "De cijfers worden berekend" in first.text
    assert '<meta http-equiv="refresh" content="10">' in first.text
    assert f'href="/regio/monitor?kwartaal={K4}"' in first.text
    assert "tabel-clienten" not in first.text
    # a download asked meanwhile gets the same page, not an empty file
    early = browser.get(f"/regio/monitor/clienten.csv?kwartaal={K4}")
    assert early.status_code == 202 and "De cijfers worden berekend" in early.text

    store.settle()
    ready = browser.get(f"/regio/monitor?kwartaal={K4}")
    assert ready.status_code == 200
    assert "Cijfers van 8 december 2026 11:00" in ready.text  # 10:00 UTC, Dutch time
    assert "nieuwe cijfers worden nu berekend" not in ready.text
    assert tables_of(ready.text)["tabel-clienten"]["2026 K4"] == ["9", "9", "0", "0"]
    assert store.runs == 1

    # a push: the next page shows the last figures at once, saying newer ones are on their way
    for n in (9, 10):
        client_in_care(
            clocked_region.api, "kees", "tl2", "1721", "02A07", BERNHEZE_PROVIDER[0],
            "2026-11-12", None, n,
        )  # fmt: skip
    stale = browser.get(f"/regio/monitor?kwartaal={K4}")
    assert stale.status_code == 200
    assert "Sindsdien zijn er nieuwe gegevens binnengekomen" in stale.text
    assert tables_of(stale.text)["tabel-clienten"]["2026 K4"] == ["9", "9", "0", "0"]
    # asked again while it is computed: still the last figures, and no second computation
    browser.get(f"/regio/monitor?kwartaal={K4}")
    assert len([j for j in store._jobs.values() if not j.done()]) == 1

    store.settle()
    assert store.runs == 2
    fresh = browser.get(f"/regio/monitor?kwartaal={K4}")
    assert "Sindsdien" not in fresh.text
    assert tables_of(fresh.text)["tabel-clienten"]["2026 K4"] == ["11", "11", "0", "0"]


def _figures(version: tuple, computed: float) -> Figures:
    return Figures(data=None, version=version, computed_at=computed)  # type: ignore[arg-type]


def test_a_quick_computation_is_served_at_once_and_an_older_one_never_replaces_a_newer():
    store = FigureStore(wait_seconds=5, first_wait_seconds=5)
    try:
        # small regions: computed within the wait, so the first answer has the figures
        answer = store.answer(("0828",), (1, 10), lambda: _figures((1, 10), 1.0))
        assert answer == Answer(_figures((1, 10), 1.0), fresh=True)
        # a slow computation started for an older version finishes after a newer one
        release = threading.Event()

        def slow() -> Figures:
            release.wait(10)
            return _figures((1, 11), 2.0)

        store.wait_seconds = 0.01
        assert store.answer(("0828",), (1, 11), slow).fresh is False
        release.set()
        deadline = time.monotonic() + 10
        while store.answer(("0828",), (1, 11), slow) != Answer(_figures((1, 11), 2.0), True):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        store._run(("0828",), lambda: _figures((1, 10), 3.0))  # late, of older records
        assert store.answer(("0828",), (1, 11), slow).figures.computed_at == 2.0
    finally:
        store.close()


def test_a_failed_computation_is_logged_without_personal_data_and_tried_again(caplog):
    store = FigureStore(wait_seconds=5, first_wait_seconds=5)
    calls = []

    def broken() -> Figures:
        calls.append(1)
        raise RuntimeError("kapot")

    try:
        assert store.answer(("0828", "1721"), (1, 1), broken) == Answer(None, fresh=False)
        assert "De monitorcijfers van 0828,1721 zijn niet berekend" in caplog.text
        assert store.answer(("0828", "1721"), (1, 1), lambda: _figures((1, 1), 1.0)).fresh
        assert calls == [1]
    finally:
        store.close()
