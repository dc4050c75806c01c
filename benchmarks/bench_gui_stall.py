"""GUI thread stalls (issue 14): approving, making a verslag, opening and printing a document on
the GUI thread vs through run_task.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_gui_stall [--repeat 5]
[--latency-ms 300]``

A QTimer ticks every 10 ms on the GUI thread; the stall of a run is the largest lateness
between two ticks (gap minus 10 ms) from just before the action until its redraw is done. The
same demo profile (Oss in BNO-O, the demo's own numbering) is measured both ways in one run:
*before* calls the service on the GUI thread and redraws, as the screens did until issue 14;
*after* is the screen's own method (``ApprovalPanel.approve``, ``VerslagPanel.make``), which
runs the service through :func:`wmo_desk.ui.tasks.run_task`. The demo mandate answers at once;
``--latency-ms`` makes it sleep first, standing in for the regional server's HTTP round trip.
Opening (the temporary copy for the viewer; the viewer itself is not started) and printing
(PDFium renders each page at 300 dpi onto Qt's print-to-PDF printer) are measured on the
verslag: *before* is the service and ``print_pdf`` on the GUI thread, *after* the screen's own
``open_last`` / ``print_document`` (``run_and_wait``: the work on the worker, a local event
loop on the GUI thread).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from tests.conftest import TODAY
from tests.fakes import FakeClock
from tests.services.test_documents import a_case
from tests.services.test_verslag import answer_for, fill_required
from wmo_desk.domain.caseload import CaseloadFilter
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.decisions import DecisionOutcome, DeliveryForm, Provision
from wmo_desk.domain.users import Role
from wmo_desk.services.context import AppContext
from wmo_desk.services.demo import fill_demo
from wmo_desk.services.profile_key import ProfileKeys

TICK_MS = 10
#: the event loop runs this long before and after each action, so the meter sees it settle
SETTLE_MS = 100


class SlowMandate:
    """The demo mandate behind a sleep: the server's round trip, without a server."""

    def __init__(self, inner, seconds: float) -> None:
        self._inner = inner
        self._seconds = seconds

    def approve(self, decision, allocate):
        time.sleep(self._seconds)
        return self._inner.approve(decision, allocate)

    def new_number(self, provision_id):
        time.sleep(self._seconds)
        return self._inner.new_number(provision_id)


class StallMeter:
    """The largest lateness of a 10 ms QTimer on the GUI thread while it runs."""

    def __init__(self) -> None:
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.worst_ms = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst_ms = max(self.worst_ms, (now - self._last) * 1000 - TICK_MS)
        self._last = now

    def start(self) -> None:
        self.worst_ms = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        return max(self.worst_ms, 0.0)


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def measure(action) -> tuple[float, float]:
    """(worst stall, wall time) in ms of ``action(done)``; it calls ``done()`` when redrawn."""
    meter = StallMeter()
    loop = QEventLoop()
    meter.start()
    spin(SETTLE_MS)
    began = time.perf_counter()
    QTimer.singleShot(0, lambda: action(loop.quit))
    loop.exec()
    took = (time.perf_counter() - began) * 1000
    spin(SETTLE_MS)
    return meter.stop(), took


def submitted_proposals(ctx: AppContext, n: int) -> None:
    """``n`` proposals with a provision in natura, submitted by the consultant."""
    catalogue = ctx.catalogues.current()
    cases = [
        s.case_id
        for stage in (Stage.AANVRAAG, Stage.ONDERZOEK)
        for s in ctx.caseload.summaries(CaseloadFilter("0828", stage=stage))
        if not s.on_hold
    ]
    for case_id in cases[1 : n + 1]:  # the first onderzoek case is a_case(), the verslag's
        ranked = ctx.suggestions.suggestions(case_id, "dagbesteding").ranked
        product = next(
            c
            for c in ranked[0].provider.product_codes
            if catalogue.product(c).care_form == "dagbesteding"
        )
        d = ctx.decisions.propose(case_id, DecisionOutcome.TOEGEKEND, "Zie verslag.")
        provision = Provision(
            decision_id=d.id, product_code=product, result="Structuur", start=date(2026, 12, 1),
            end=date(2027, 5, 31), delivery_form=DeliveryForm.NATURA, volume=2, unit="16",
            frequency="2", provider_id=ranked[0].provider.id,
        )  # fmt: skip
        ctx.decisions.submit(ctx.decisions.save(d, provisions=(provision,)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per way and action")
    parser.add_argument("--latency-ms", type=int, default=300, help="the server's answer time")
    args = parser.parse_args()
    # the offscreen platform says "does not support propagateSizeHints()" per shown window
    qInstallMessageHandler(
        lambda _kind, _context, text: None if "propagateSizeHints" in text else print(text)
    )
    app = QApplication.instance() or QApplication([])

    from PySide6.QtPrintSupport import QPrinter

    from wmo_desk.ui import approval_view
    from wmo_desk.ui.approval_view import ApprovalPanel
    from wmo_desk.ui.document_print import print_pdf
    from wmo_desk.ui.verslag_view import VerslagPanel

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "profile"
        ctx = AppContext.open(folder, FakeClock(TODAY), keys=ProfileKeys(folder, temporary=True))
        fill_demo(ctx, case_count=60)  # the 30 beyond the demo's own are in onderzoek
        demo_mandate = ctx.mandate
        ctx.mandate = lambda: SlowMandate(demo_mandate(), args.latency_ms / 1000)
        consultant = ctx.profile
        ctx.activate(consultant)  # the decision service now asks the slow mandate
        verslag_case = a_case(ctx)
        conversation, form = ctx.conversation.start(verslag_case)
        # every question answered: the longest verslag the form gives
        answers = {q.id: answer_for(q) for s in form.sections for q in s.questions}
        ctx.conversation.save_answers(conversation.id, fill_required(form, answers), "")
        ctx.verslag.render(verslag_case)  # reportlab's import and fonts out of the figures
        submitted_proposals(ctx, 2 * args.repeat + 1)
        lead = next(u for u in ctx.profiles.users() if u.role is Role.TEAMLEIDER)
        ctx.activate(replace(consultant, user=lead))

        # the team lead says yes to "Besluit goedkeuren?" (the question is not measured)
        approval_view.confirm = lambda *_args, **_kwargs: True
        approvals = ApprovalPanel(ctx)
        approvals.resize(1100, 600)
        approvals.show()
        verslag = VerslagPanel(ctx, verslag_case, opener=lambda _path: True)
        verslag.show()
        spin(200)

        def approve_before(done) -> None:
            # what ApprovalPanel.approve did until issue 14
            final = ctx.decisions.approve(approvals.selected())
            approvals.refresh()
            approvals.decided.emit(final.case_id)
            done()

        def approve_after(done) -> None:
            approvals.approve().finished.connect(done)

        def approve_redraw(done) -> None:
            # the redraw alone, which stays on the GUI thread after the task
            approvals.refresh()
            done()

        def verslag_before(done) -> None:
            # what VerslagPanel.make did until issue 14 (the opener does nothing here)
            verslag.document = ctx.verslag.render(verslag_case)
            verslag.open_last()
            verslag.changed.emit()
            done()

        def verslag_after(done) -> None:
            verslag.make().finished.connect(done)

        printed = Path(tmp) / "printer.pdf"

        def to_file(printer: QPrinter) -> bool:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(printed))
            return True

        def open_before(done) -> None:
            # what open_document did until issue 14's second slice
            assert verslag.document is not None
            ctx.documents.open_copy(verslag.document)
            done()

        def open_after(done) -> None:
            verslag.open_last()
            done()

        def print_before(done) -> None:
            assert verslag.document is not None
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            to_file(printer)
            print_pdf(printer, ctx.documents.content(verslag.document))
            ctx.documents.log_print(verslag.document)
            done()

        def print_after(done) -> None:
            verslag.print_document(ask=to_file)
            done()

        # warm-up: one approval through the runner (first thread start, caches), and PDFium
        measure(approve_after)
        verslag.document = ctx.verslag.render(verslag_case)
        measure(print_after)
        rows = [
            ("approve decision", "GUI thread (before)", approve_before),
            ("approve decision", "run_task (after)", approve_after),
            ("  of which redraw", "GUI thread", approve_redraw),
            ("make verslag", "GUI thread (before)", verslag_before),
            ("make verslag", "run_task (after)", verslag_after),
            ("open document", "GUI thread (before)", open_before),
            ("open document", "run_and_wait (after)", open_after),
            ("print document", "GUI thread (before)", print_before),
            ("print document", "run_and_wait (after)", print_after),
        ]
        results = {i: ([], []) for i in range(len(rows))}
        for _ in range(args.repeat):
            for i, (_what, _how, action) in enumerate(rows):
                stall, took = measure(action)
                results[i][0].append(stall)
                results[i][1].append(took)
        approvals.close()
        verslag.close()
        ctx.close()

    print(
        f"mandate latency {args.latency_ms} ms, {args.repeat} runs each, tick {TICK_MS} ms "
        f"(stall = largest lateness of a tick)"
    )
    print(f"{'action':20} {'way':20} {'stall median':>13} {'stall max':>10} {'duration':>9}")
    for i, (what, how, _action) in enumerate(rows):
        stalls, took = results[i]
        print(
            f"{what:20} {how:20} {statistics.median(stalls):10.0f} ms {max(stalls):7.0f} ms "
            f"{statistics.median(took):6.0f} ms"
        )
    del app


if __name__ == "__main__":
    main()
