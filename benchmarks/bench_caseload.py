"""Start-up to a usable main window with 50,000 cases, and filtering/sorting them.

Run: ``.venv/bin/python -m benchmarks.bench_caseload [--cases 50000] [--repeat 5]``

Start-up is measured in fresh processes (import, open and migrate the database, build the
window, first paint) beside the floor: a bare PySide6 window with an empty table, started the
same way in the same run. Filter and sort are measured in-process on the real model, beside a
plain Python sort/filter of the same rows already in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

APP_SNIPPET = """
import time, sys
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
from wmo_desk.services.context import AppContext
from wmo_desk.ui.app import make_application
from wmo_desk.ui.main_window import MainWindow
app = make_application([])
ctx = AppContext.open(__import__('pathlib').Path(sys.argv[1]), backup=False)
w = MainWindow(ctx); w.show(); app.processEvents()
w.grab()
print(time.perf_counter() - t0, w.caseload.model.rowCount())
"""

FLOOR_SNIPPET = """
import time
t0 = time.perf_counter()
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication([])
w = QMainWindow(); v = QTableView(); v.setModel(QStandardItemModel(0, 7)); w.setCentralWidget(v)
w.resize(1280, 780); w.show(); app.processEvents()
w.grab()
print(time.perf_counter() - t0, 0)
"""


def _run(snippet: str, *args: str) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", snippet, *args], check=True, capture_output=True, text=True
    )
    seconds, rows = out.stdout.split()
    return float(seconds), int(rows)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from benchmarks.caseload_data import build_profile

    folder = Path(tempfile.mkdtemp(prefix="wmo-bench-"))
    t = time.perf_counter()
    build_profile(folder, args.cases)
    print(f"profile with {args.cases:,} extra cases built in {time.perf_counter() - t:.1f} s")

    small = Path(tempfile.mkdtemp(prefix="wmo-bench-demo-"))
    build_profile(small, 0)
    app_samples, demo_samples, floor_samples, rows = [], [], [], 0
    for _ in range(args.repeat):  # interleaved, so all see the same machine noise
        s, rows = _run(APP_SNIPPET, str(folder))
        app_samples.append(s)
        demo_samples.append(_run(APP_SNIPPET, str(small))[0])
        floor_samples.append(_run(FLOOR_SNIPPET)[0])
    app_ms, demo_ms, floor_ms = (_median_ms(x) for x in (app_samples, demo_samples, floor_samples))
    print(
        f"\nstart-up to usable window ({rows:,} open cases in the table), median of {args.repeat}:"
    )
    print(f"  wmo_desk, {rows:,} cases     {app_ms:8.0f} ms   {app_ms / floor_ms:6.1f} x floor")
    print(f"  wmo_desk, 27 demo cases  {demo_ms:8.0f} ms   {demo_ms / floor_ms:6.1f} x floor")
    print(f"  bare PySide6 + table     {floor_ms:8.0f} ms   (floor)")

    from PySide6.QtCore import Qt

    from wmo_desk.services.context import AppContext
    from wmo_desk.ui.app import make_application
    from wmo_desk.ui.main_window import MainWindow

    make_application([])
    ctx = AppContext.open(folder, backup=False)
    window = MainWindow(ctx)
    model = window.caseload.model
    base = model.filter

    def timed(action, paint: bool = False) -> float:
        samples = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            action()
            if paint and model.rowCount():
                model.index(0, 0).data()  # what the view asks for first: the top page
            samples.append(time.perf_counter() - t0)
        return _median_ms(samples)

    ops = {
        "filter on name 'jans'": lambda: model.set_filter(replace(base, text="jans")),
        "filter on postcode '5341'": lambda: model.set_filter(replace(base, text="5341")),
        "filter on BSN digits '0019'": lambda: model.set_filter(replace(base, text="0019")),
        "sort on name": lambda: model.sort(0, Qt.SortOrder.AscendingOrder),
        "sort on deadline (desc)": lambda: model.sort(4, Qt.SortOrder.DescendingOrder),
        "sort on stage": lambda: model.sort(3, Qt.SortOrder.AscendingOrder),
        "all open cases (reload)": lambda: model.set_filter(base),
    }
    model.set_filter(base)
    rows_in_memory = list(ctx.caseload.summaries(base))
    floors = {
        "filter on name 'jans'": lambda: [
            r for r in rows_in_memory if "jans" in r.client_name.lower()
        ],
        "filter on postcode '5341'": lambda: [
            r for r in rows_in_memory if r.postcode.startswith("5341")
        ],
        "filter on BSN digits '0019'": lambda: [r for r in rows_in_memory if "0019" in r.bsn],
        "sort on name": lambda: sorted(rows_in_memory, key=lambda r: r.client_name),
        "sort on deadline (desc)": lambda: sorted(
            rows_in_memory, key=lambda r: str(r.deadline), reverse=True
        ),
        "sort on stage": lambda: sorted(rows_in_memory, key=lambda r: r.stage.value),
        "all open cases (reload)": lambda: list(rows_in_memory),
    }
    print(f"\nfilter and sort over {len(rows_in_memory):,} open cases, median of {args.repeat}:")
    print(
        f"  {'operation':30} {'wmo_desk (ids + 1st page)':>24} {'floor (list in memory)':>24} {'ratio':>7}"
    )
    for name, op in ops.items():
        ours = timed(op, paint=True)
        floor = timed(floors[name])
        print(f"  {name:30} {ours:21.1f} ms {floor:21.1f} ms {ours / max(floor, 0.01):7.1f}")
    ctx.close()


if __name__ == "__main__":
    main()
