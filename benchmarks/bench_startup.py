"""Start-up to a usable main window (27 demo cases and 50,000 more) beside a bare PySide6 floor.

Run: ``.venv/bin/python -m benchmarks.bench_startup [--cases 50000] [--repeat 7] [--keep DIR]
[--baseline TREE]``

Each sample is a fresh process, from the first import to the first paint of the main window
with its table filled (``grab()``), as in :mod:`benchmarks.bench_caseload` (encrypted profile
only). The floor is a bare PySide6 window with a ``QTableView`` over a 50,000-row model,
started the same way and interleaved with the other runs, so all see the same machine noise.
``--keep DIR`` builds the profiles once under ``DIR`` and reuses them in later runs.
``--baseline TREE`` also starts another source tree (e.g. ``git archive HEAD | tar -x -C TREE``)
in the same run, interleaved, on profiles its own code built: before and after side by side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_caseload import APP_SNIPPET

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parents[1]

FLOOR_SNIPPET = """
import time
t0 = time.perf_counter()
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

class Rows(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 50_000
    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else 7
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row()}:{index.column()}"
        return None

app = QApplication([])
w = QMainWindow(); v = QTableView(); m = Rows(); v.setModel(m); w.setCentralWidget(v)
w.resize(1280, 780); w.show(); app.processEvents()
w.grab()
print(time.perf_counter() - t0, m.rowCount())
"""

#: the start the application takes for a set-up profile (wmo_desk.ui.app.run_starting): the
#: caseload from the first screen's plain reads, painted; then the services loaded on the task
#: worker and attached. Prints the seconds to the first paint, to the complete window, the rows.
QUICK_SNIPPET = """
import time, sys
t0 = time.perf_counter()
from pathlib import Path
from benchmarks.bench_keys import BenchKeys
from wmo_desk.services.first_screen import QuickScreen
from wmo_desk.ui.app import make_application
from wmo_desk.ui.main_window import MainWindow
from wmo_desk.ui.tasks import run_task
from PySide6.QtCore import QEventLoop
app = make_application([])
quick = QuickScreen.open(Path(sys.argv[1]), BenchKeys())
if quick is None:
    raise SystemExit("the profile is not at the newest migration: build it again (no --keep)")
w = MainWindow(data=quick); w.show(); app.processEvents()
w.grab()
first = time.perf_counter() - t0
run_task(w, "laden", quick.open_context(), w.attach)
while not w.ready:  # as app.exec() would: sleep until an event comes
    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
w.grab()
print(first, time.perf_counter() - t0, w.caseload.model.rowCount())
"""

BUILD_SNIPPET = """
import sys
from pathlib import Path
from benchmarks.caseload_data import build_profile
build_profile(Path(sys.argv[1]), int(sys.argv[2]))
"""


def _output(tree: Path, snippet: str, *args: str) -> list[str]:
    """Run ``snippet`` in a fresh process started in ``tree`` (its code comes first on the
    path); the words of its last line."""
    out = subprocess.run(
        [sys.executable, "-c", snippet, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    )
    return out.stdout.splitlines()[-1].split()


def _run(tree: Path, snippet: str, *args: str) -> tuple[float, int]:
    seconds, rows = _output(tree, snippet, *args)[-2:]
    return float(seconds), int(rows)


def _profiles(tree: Path, root: Path, cases: int) -> tuple[Path, Path]:
    small, large = root / "demo", root / f"cases-{cases}"
    for folder, extra in ((small, 0), (large, cases)):
        if not (folder / "done").exists():
            folder.mkdir(parents=True, exist_ok=True)
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", BUILD_SNIPPET, str(folder), str(extra)],
                check=True,
                cwd=tree,
            )
            (folder / "done").touch()
            print(
                f"{tree}: profile with {extra:,} extra cases built in {time.perf_counter() - t:.1f} s"
            )
    return small, large


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", help="build the profiles here once and reuse them")
    parser.add_argument("--baseline", help="another source tree to start in the same run")
    args = parser.parse_args()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="wmo-bench-startup-"))
    trees = {"this tree": HERE}
    if args.baseline:
        trees = {"baseline": Path(args.baseline).resolve(), **trees}
    profiles = {
        name: _profiles(tree, root / name.replace(" ", "-"), args.cases)
        for name, tree in trees.items()
    }
    samples: dict[str, list[float]] = {"floor": []}
    rows = 0
    for _ in range(args.repeat):  # interleaved, so all see the same machine noise
        for name, tree in trees.items():
            small, large = profiles[name]
            for size, folder in (("27 demo cases", small), ("large", large)):
                seconds, rows = _run(tree, APP_SNIPPET, str(folder), "encrypted", "0")
                samples.setdefault(f"{name}, {size}, full open", []).append(seconds)
                if (tree / "wmo_desk" / "services" / "first_screen.py").exists():
                    first, ready, _rows = _output(tree, QUICK_SNIPPET, str(folder))
                    samples.setdefault(f"{name}, {size}, first paint", []).append(float(first))
                    samples.setdefault(f"{name}, {size}, complete", []).append(float(ready))
        samples["floor"].append(_run(HERE, FLOOR_SNIPPET)[0])
    ms = {k: statistics.median(v) * 1000 for k, v in samples.items()}
    floor = ms.pop("floor")
    print(f"\nstart-up, median of {args.repeat} fresh processes:")
    print("  full open: AppContext, then the window (a first start, a migration, before issue 14)")
    print(
        "  first paint: the caseload from plain SQL on screen (the app's start of a set-up profile)"
    )
    print("  complete: the services loaded in the background and attached, every action enabled")
    for key, value in ms.items():
        label = key.replace("large", f"{rows:,} open cases")
        print(f"  {label:50} {value:7.0f} ms  {value / floor:5.2f} x floor")
    print(f"  {'bare PySide6 + 50,000-row table':50} {floor:7.0f} ms  (floor)")


if __name__ == "__main__":
    main()
