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

BUILD_SNIPPET = """
import sys
from pathlib import Path
from benchmarks.caseload_data import build_profile
build_profile(Path(sys.argv[1]), int(sys.argv[2]))
"""


def _run(tree: Path, snippet: str, *args: str) -> tuple[float, int]:
    """Run ``snippet`` in a fresh process started in ``tree`` (its code comes first on the path)."""
    out = subprocess.run(
        [sys.executable, "-c", snippet, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    )
    seconds, rows = out.stdout.split()[-2:]
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
            samples.setdefault(f"{name}, 27 demo cases", []).append(
                _run(tree, APP_SNIPPET, str(small), "encrypted", "0")[0]
            )
            seconds, rows = _run(tree, APP_SNIPPET, str(large), "encrypted", "0")
            samples.setdefault(f"{name}, large", []).append(seconds)
        samples["floor"].append(_run(HERE, FLOOR_SNIPPET)[0])
    ms = {k: statistics.median(v) * 1000 for k, v in samples.items()}
    floor = ms.pop("floor")
    print(f"\nstart-up to a usable window, median of {args.repeat} fresh processes:")
    for key, value in ms.items():
        label = key.replace("large", f"{rows:,} open cases")
        print(f"  {label:36} {value:7.0f} ms  {value / floor:5.2f} x floor")
    print(f"  {'bare PySide6 + 50,000-row table':36} {floor:7.0f} ms  (floor)")


if __name__ == "__main__":
    main()
