"""Start-up to a usable main window with 50,000 cases, and filtering/sorting them.

Run: ``.venv/bin/python -m benchmarks.bench_caseload [--cases 50000] [--repeat 5]``
(``--profile DIR`` keeps the built data in DIR and uses it again next time; ``--no-startup``
measures the caseload only.)

Start-up is measured in fresh processes (import, open and migrate the database, build the
window, first paint) beside the floor: a bare PySide6 window with an empty table, started the
same way in the same run. Filter and sort are measured in-process on the real model, beside a
plain Python sort/filter of the same rows already in memory. Typing is measured per keystroke:
the model is given the text one character longer each time (as the search field does), from an
empty field, so every keystroke after the first refines the list the service keeps; the first
search after a change (which reads what the search needs of every client) is shown apart, as are
a fresh reload (after a change) and clearing the search field (back to the kept list).

Encrypted vs not (issue 12), in the same run: the profile's database is SQLCipher-encrypted
(with a fixed raw key, see ``caseload_data.BenchKeys``: no keyring, no Argon2). The same data is
exported to a plaintext SQLite file and opened two ways: with the same SQLite library
(sqlcipher3, no key: only the encryption differs) and with Python's own ``sqlite3`` through
``make_engine`` (what the app used before issue 12; another SQLite version and build).
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
from functools import partial
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

APP_SNIPPET = """
import time, sys
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
from benchmarks.bench_caseload import open_variant
from wmo_desk.ui.app import make_application
from wmo_desk.ui.main_window import MainWindow
app = make_application([])
ctx = open_variant(__import__('pathlib').Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
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


#: how the benchmark opens a profile folder: the encrypted database, or its plaintext copy
#: through the same SQLite library (sqlcipher3 without a key) or Python's own sqlite3
VARIANTS = ("encrypted", "plaintext", "plaintext-stdlib")
LABELS = {
    "encrypted": "encrypted (SQLCipher)",
    "plaintext": "plaintext, same SQLite",
    "plaintext-stdlib": "plaintext, stdlib sqlite3",
}


def page_cache(megabytes: int) -> None:
    """Give every SQLite connection opened from now on a page cache of ``megabytes`` (an
    experiment: the app keeps SQLite's default, 8 MB in sqlcipher3's build, 2 MB in stdlib's)."""
    from sqlalchemy import Engine, event

    def _cache(dbapi_connection, record, _proxy) -> None:
        # on checkout, once per connection: on "connect" it would come before SQLCipher's key
        if not record.info.get("bench_cache"):
            dbapi_connection.execute(f"PRAGMA cache_size = -{megabytes * 1024}")
            record.info["bench_cache"] = True

    event.listen(Engine, "checkout", _cache)


def open_variant(folder: Path, variant: str, cache_mb: int = 0):
    """An AppContext on ``folder`` as ``variant`` opens it (start-up and in-process alike);
    with ``cache_mb``, every connection gets that page cache (see :func:`page_cache`).

    The plaintext variants do what ``Database.open_file`` does minus the key: an engine with
    the same pragmas and pool, the migration check (``at_head``), no backup. All variants
    import ``caseload_data`` (about 3 ms), though only the encrypted one needs its key."""
    from benchmarks.bench_keys import BenchKeys
    from wmo_desk.services.clock import Clock
    from wmo_desk.services.context import DATABASE_NAME, AppContext

    if cache_mb:
        page_cache(cache_mb)
    if variant == "encrypted":
        return AppContext.open(folder, backup=False, keys=BenchKeys())
    from sqlalchemy import create_engine, event, pool

    from wmo_desk.storage.database import Database, at_head
    from wmo_desk.storage.engine import make_engine, sqlite_pragmas

    url = f"sqlite:///{folder / DATABASE_NAME}"
    if variant == "plaintext-stdlib":
        engine = make_engine(url)
    else:
        import sqlcipher3.dbapi2

        engine = create_engine(url, module=sqlcipher3.dbapi2, poolclass=pool.QueuePool)
        event.listen(engine, "connect", sqlite_pragmas)
    if not at_head(engine):
        raise SystemExit(f"{variant}: the plaintext copy is not at the newest migration")
    return AppContext(folder, Database(engine), Clock())


def export_plaintext(folder: Path, target: Path) -> None:
    """A plaintext copy of the encrypted profile database in ``folder`` at ``target``/."""
    import sqlcipher3

    from benchmarks.bench_keys import BENCH_KEY
    from wmo_desk.services.context import DATABASE_NAME

    target.mkdir(parents=True, exist_ok=True)
    connection = sqlcipher3.connect(str(folder / DATABASE_NAME))
    try:
        connection.execute(f"PRAGMA key = \"x'{BENCH_KEY.hex()}'\"")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target / DATABASE_NAME),))
        connection.execute("SELECT sqlcipher_export('plain')")
        connection.execute(f"PRAGMA plain.user_version = {int(version)}")
        connection.execute("DETACH DATABASE plain")
    finally:
        connection.close()
    with (target / DATABASE_NAME).open("rb") as handle:
        assert handle.read(16) == b"SQLite format 3\x00", "the export is not plaintext"


def _run(snippet: str, *args: str) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", snippet, *args], check=True, capture_output=True, text=True
    )
    seconds, rows = out.stdout.split()
    return float(seconds), int(rows)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _run_variant(folder: Path, variant: str, cache_mb: int) -> tuple[float, int]:
    return _run(APP_SNIPPET, str(folder), variant, str(cache_mb))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--cache-mb",
        type=int,
        default=0,
        help="experiment: SQLite page cache per connection in MB (default: as the app ships)",
    )
    parser.add_argument(
        "--profile", type=Path, help="build the data here once, and use it again next time"
    )
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timings")
    args = parser.parse_args()

    from benchmarks.caseload_data import build_profile

    if args.profile is not None and (args.profile / "plain").is_dir():
        folder, plain = args.profile / "encrypted", args.profile / "plain"
        print(f"profile of an earlier run used again: {args.profile}")
    else:
        if args.profile is not None:
            folder, plain = args.profile / "encrypted", args.profile / "plain"
        else:
            folder = Path(tempfile.mkdtemp(prefix="wmo-bench-"))
            plain = Path(tempfile.mkdtemp(prefix="wmo-bench-plain-"))
        t = time.perf_counter()
        build_profile(folder, args.cases)
        print(f"profile with {args.cases:,} extra cases built in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        export_plaintext(folder, plain)
        print(f"plaintext copy exported in {time.perf_counter() - t:.1f} s")
    folders = {"encrypted": folder, "plaintext": plain, "plaintext-stdlib": plain}
    if not args.no_startup:
        _startup(folders, args)
    _caseload(folders, args)


def _startup(folders: dict[str, Path], args) -> None:
    from benchmarks.caseload_data import build_profile

    small = Path(tempfile.mkdtemp(prefix="wmo-bench-demo-"))
    build_profile(small, 0)
    app: dict[str, list[float]] = {v: [] for v in VARIANTS}
    demo_samples, floor_samples, rows = [], [], 0
    for _ in range(args.repeat):  # interleaved, so all see the same machine noise
        for variant in VARIANTS:
            s, rows = _run_variant(folders[variant], variant, args.cache_mb)
            app[variant].append(s)
        demo_samples.append(_run_variant(small, "encrypted", args.cache_mb)[0])
        floor_samples.append(_run(FLOOR_SNIPPET)[0])
    app_ms = {v: _median_ms(x) for v, x in app.items()}
    demo_ms, floor_ms = _median_ms(demo_samples), _median_ms(floor_samples)
    enc = app_ms["encrypted"]
    print(
        f"\nstart-up to usable window ({rows:,} open cases in the table), median of {args.repeat}:"
    )
    for variant in VARIANTS:
        ms = app_ms[variant]
        print(
            f"  wmo_desk, {LABELS[variant]:26} {ms:8.0f} ms   {ms / floor_ms:6.1f} x floor"
            + ("" if variant == "encrypted" else f"   encrypted/this {enc / ms:5.2f} x")
        )
    print(
        f"  wmo_desk, {'27 demo cases, encrypted':26} {demo_ms:8.0f} ms   {demo_ms / floor_ms:6.1f} x floor"
    )
    print(f"  {'bare PySide6 + table':36} {floor_ms:8.0f} ms   (floor)")


#: what the typing benchmark types, character by character
TYPED = {"name": "jans", "BSN": "0019", "postcode": "5341 a"}


def _caseload(folders: dict[str, Path], args) -> None:
    from PySide6.QtCore import Qt

    from wmo_desk.ui.app import make_application
    from wmo_desk.ui.main_window import MainWindow

    make_application([])
    if args.cache_mb:
        page_cache(args.cache_mb)
        print(f"\npage cache of every connection: {args.cache_mb} MB (experiment)")
    # the stdlib's SQLite (3.40 here) lacks the FTS5 options of the caseload search index
    # (contentless_delete, 3.43+): it takes part in the start-up only
    searched = ("encrypted", "plaintext")
    contexts = {v: open_variant(folders[v], v) for v in searched}
    windows = {v: MainWindow(ctx) for v, ctx in contexts.items()}
    models = {v: w.caseload.model for v, w in windows.items()}
    base = models["encrypted"].filter

    def ops_of(model) -> dict:
        """Each operation as (what comes first, untimed; the timed part). Every operation
        starts from the list without text, as the service keeps it after a reload."""

        def start() -> None:
            model.set_filter(base)

        return {
            "filter on name 'jans'": (start, lambda: model.set_filter(replace(base, text="jans"))),
            "filter on postcode '5341'": (
                start,
                lambda: model.set_filter(replace(base, text="5341")),
            ),
            "filter on BSN digits '0019'": (
                start,
                lambda: model.set_filter(replace(base, text="0019")),
            ),
            "sort on name": (start, lambda: model.sort(0, Qt.SortOrder.AscendingOrder)),
            "sort on deadline (desc)": (start, lambda: model.sort(4, Qt.SortOrder.DescendingOrder)),
            "sort on stage": (start, lambda: model.sort(3, Qt.SortOrder.AscendingOrder)),
            "clear the search (kept)": (
                lambda: model.set_filter(replace(base, text="jans")),
                lambda: model.set_filter(base),
            ),
            "reload (fresh, a change)": (start, lambda: model.set_filter(base, fresh=True)),
        }

    ops = {v: ops_of(m) for v, m in models.items()}
    for model in models.values():
        model.set_filter(base)
    rows_in_memory = list(contexts["encrypted"].caseload.summaries(base))
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
        "clear the search (kept)": lambda: list(rows_in_memory),
        "reload (fresh, a change)": lambda: list(rows_in_memory),
    }

    def once(action, model=None) -> float:
        t0 = time.perf_counter()
        action()
        if model is not None and model.rowCount():
            model.index(0, 0).data()  # what the view asks for first: the top page
        return time.perf_counter() - t0

    print(f"\nfilter and sort over {len(rows_in_memory):,} open cases, median of {args.repeat}")
    print("(wmo_desk: ids + 1st page; floor: the list in memory; ratio: encrypted / plaintext):")
    print(
        f"  {'operation':28} {'encrypted':>10} {'plaintext':>10} {'floor':>8}"
        f" {'vs floor':>9} {'enc/plain':>10}"
    )
    for name in floors:
        samples: dict[str, list[float]] = {v: [] for v in searched}
        for _ in range(args.repeat):  # interleaved per repeat, as above
            for variant in searched:
                setup, action = ops[variant][name]
                setup()
                samples[variant].append(once(action, models[variant]))
        ms = {v: _median_ms(x) for v, x in samples.items()}
        floor = _median_ms([once(floors[name]) for _ in range(args.repeat)])
        e, pl = ms["encrypted"], ms["plaintext"]
        print(
            f"  {name:28} {e:7.1f} ms {pl:7.1f} ms {floor:5.1f} ms"
            f" {e / max(floor, 0.01):9.1f} {e / pl:9.2f}x"
        )
    _typing(models, contexts, base, rows_in_memory, once, args.repeat)
    for ctx in contexts.values():
        ctx.close()


def _floor_match(kind: str, text: str):
    """The in-memory floor's test of a row for ``text``: a plain substring or prefix."""
    if kind == "name":
        return lambda r: text in r.client_name.lower()
    if kind == "BSN":
        return lambda r: text in r.bsn
    prefix = text.replace(" ", "").upper()
    return lambda r: r.postcode.startswith(prefix)


def _floor_filter(rows: list, match) -> list:
    return [r for r in rows if match(r)]


def _typing(models: dict, contexts: dict, base, rows_in_memory: list, once, repeat: int) -> None:
    """Per keystroke: the text one character longer each time, after a fresh reload."""
    from wmo_desk.ui.caseload_panel import SEARCH_DELAY_MS

    print(f"\ntyping into the search, per keystroke, {repeat} times each (ms; floor: the list")
    print("in memory filtered on the same text; first: the first keystroke after a change, as")
    print("the search field does it (the search's data read in the background during its")
    print(f"{SEARCH_DELAY_MS} ms delay); unprepared: the same without that, the SQL query;")
    print("later: the next keystrokes, without delay, so they may wait for that read):")
    print(
        f"  {'typed':18} {'variant':10} {'first':>7} {'unprepared':>11} {'later median':>13}"
        f" {'later max':>10} {'floor':>7} {'vs floor':>9}"
    )
    for kind, typed in TYPED.items():
        steps = [typed[: i + 1] for i in range(len(typed))]
        for variant, model in models.items():
            first, unprepared, later = [], [], []
            for r in range(repeat):
                model.set_filter(base, fresh=True)  # something changed: nothing kept
                prepared = r % 2 == 0
                if prepared:
                    service = contexts[variant].caseload
                    getattr(service, "prepare_search", lambda _flt: None)(base)
                    time.sleep(SEARCH_DELAY_MS / 1000)
                for i, text in enumerate(steps):
                    flt = replace(base, text=text)
                    ms = 1000 * once(partial(model.set_filter, flt), model)
                    (later if i else first if prepared else unprepared).append(ms)
            floors = [
                1000 * once(partial(_floor_filter, rows_in_memory, _floor_match(kind, t)))
                for _ in range(repeat)
                for t in steps[1:]
            ]
            floor = statistics.median(floors)
            median = statistics.median(later)
            print(
                f"  {kind + ' ' + repr(typed):18} {variant:10} {statistics.median(first):7.1f}"
                f" {statistics.median(unprepared):11.1f} {median:13.1f} {max(later):10.1f}"
                f" {floor:7.1f} {median / floor:9.1f}"
            )


if __name__ == "__main__":
    main()
