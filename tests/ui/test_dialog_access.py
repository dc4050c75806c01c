"""The dialogs walked by keyboard: every focusable widget has a name a screen reader can say, no
Alt letter means two things in one window, and Tab goes through the fields in the order they
are seen (top to bottom, left to right in a row)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import pairwise

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import close_without_asking
from tests.ui.test_mnemonics import clashes, unnamed
from wmo_desk.domain.decisions import Allocation

#: widgets whose tops lie this close are one row (a label's field and its button)
ROW_SLACK = 12


def tab_chain(dialog: QWidget) -> list[QWidget]:
    """The widgets Tab visits in ``dialog``, from its first, once round."""
    focusable = [
        w
        for w in dialog.findChildren(QWidget)
        if w.isVisible()
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
        and not w.objectName().startswith("qt_")
    ]
    if not focusable:
        return []
    start = focusable[0]
    # the chain as Qt keeps it: follow nextInFocusChain from any focusable widget
    chain, widget = [], start
    for _ in range(2000):
        widget = widget.nextInFocusChain()
        if widget in focusable and widget not in chain:
            chain.append(widget)
        if widget is start:
            break
    # start the round at the top-left widget, as the dialog's first focus is
    first = min(chain, key=lambda w: _place(dialog, w))
    at = chain.index(first)
    return chain[at:] + chain[:at]


def _place(dialog: QWidget, widget: QWidget) -> tuple[int, int]:
    point = widget.mapTo(dialog, QPoint(0, 0))
    return point.y(), point.x()


def out_of_order(dialog: QWidget) -> list[str]:
    """Steps of the Tab chain that go back up the dialog, or left within one row."""
    chain = tab_chain(dialog)
    found = []
    for before, after in pairwise(chain):
        (y0, x0), (y1, x1) = _place(dialog, before), _place(dialog, after)
        same_row = abs(y1 - y0) <= ROW_SLACK
        if (same_row and x1 < x0) or (not same_row and y1 < y0):
            found.append(f"{_name(before)} → {_name(after)}")
    return found


def _name(widget: QWidget) -> str:
    text = widget.accessibleName() or getattr(widget, "text", lambda: "")() or ""
    return f"{type(widget).__name__} {widget.objectName() or text!r}"


def nameless(dialog: QWidget) -> list[str]:
    """Stricter than a label pointing at it: the widget itself carries its name (what Qt hands
    a screen reader on every platform), or is a button with its own text."""
    from PySide6.QtWidgets import QAbstractButton

    return [
        _name(w)
        for w in tab_chain(dialog)
        if not w.accessibleName()
        and not (isinstance(w, QAbstractButton) and w.text().replace("&", "").strip())
    ]


def walk(qtbot, dialog: QWidget) -> dict[str, object]:
    qtbot.addWidget(dialog, before_close_func=close_without_asking)
    dialog.show()
    qtbot.waitExposed(dialog)
    return {
        "unnamed": unnamed(dialog) + [n for n in nameless(dialog) if n not in unnamed(dialog)],
        "clashes": clashes(dialog),
        "order": out_of_order(dialog),
    }


CLEAN = {"unnamed": [], "clashes": {}, "order": []}


def test_the_setup_dialog(qtbot, tmp_path, clock):
    from wmo_desk.services.context import AppContext
    from wmo_desk.ui.setup_dialog import SetupDialog

    ctx = AppContext.open(tmp_path / "nieuw", clock)
    try:
        dialog = SetupDialog(ctx)
        assert walk(qtbot, dialog) == CLEAN
        # the first field has the cursor; the Alt letter of a row puts it in its field
        assert tab_chain(dialog)[0] is dialog.region
        with qtbot.waitActive(dialog):
            dialog.activateWindow()
        qtbot.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is dialog.name
        assert dialog.name.accessibleName() == "Uw naam"
        dialog.reject()
    finally:
        ctx.close()


def allocation(number: int = 4711) -> Allocation:
    return Allocation(
        provision_id="p1",
        number=number,
        version=1,
        provider_id="bnoo-actief-zorg-b-v",
        product_category="07",
        product_code="07203",
        start=date(2026, 12, 1),
        end=date(2027, 5, 31),
        volume=1,
        unit="82",
        frequency="4",
        created_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
    )


def test_the_allocation_dialogs(qtbot):
    from wmo_desk.ui.allocation_dialogs import PeriodDialog, ProviderDialog

    period = PeriodDialog(allocation())
    assert walk(qtbot, period) == CLEAN
    assert [w.accessibleName() for w in tab_chain(period)][:2] == [
        "Nieuwe einddatum",
        "Nieuwe omvang",
    ]
    providers = [("bnoo-actief-zorg-b-v", "Actief Zorg"), ("p2", "Zorg Anders")]
    provider = ProviderDialog(allocation(), providers, date(2026, 11, 23))
    assert walk(qtbot, provider) == CLEAN
    assert [w.accessibleName() for w in tab_chain(provider)][:2] == [
        "Nieuwe aanbieder",
        "Overstap per",
    ]


def test_the_conflict_dialog_with_a_conflict_shown(qtbot, demo_ctx):
    from sqlalchemy import update

    from wmo_desk.storage.repositories.sync import SyncRepository
    from wmo_desk.storage.tables import ClientRow
    from wmo_desk.ui.conflict_dialog import ConflictDialog

    empty = ConflictDialog(demo_ctx)
    assert walk(qtbot, empty) == CLEAN
    with demo_ctx.db.session() as session:
        client = session.query(ClientRow).order_by(ClientRow.id).first()
        session.execute(update(ClientRow).where(ClientRow.id == client.id).values(postcode="53 41"))
    with demo_ctx.db.session() as session:
        SyncRepository(session).prepare_outbox()
    dialog = ConflictDialog(demo_ctx)
    dialog.list.selectRow(0)
    assert walk(qtbot, dialog) == CLEAN
    assert dialog.list.accessibleName() == "Conflicten"
    assert dialog.fields.accessibleName() == "Beide versies, veld voor veld"


@pytest.mark.parametrize("which", ["inzage", "signin"])
def test_the_dialogs_of_other_screens_are_reported(qtbot, demo_ctx, which, record_property):
    """Owned elsewhere (the inzage and sign-in dialogs): what the walk finds is recorded, not
    fixed here; a focusable widget without a name must not appear."""
    if which == "inzage":
        from wmo_desk.domain.caseload import CaseloadFilter
        from wmo_desk.ui.inzage_dialog import InzageDialog

        case_id = demo_ctx.caseload.case_ids(CaseloadFilter("0828"))[0]
        client_id = demo_ctx.cases.view(case_id).client.id
        dialog = InzageDialog(demo_ctx, client_id, case_id)
    else:
        from wmo_desk.ui.signin_dialog import SignInDialog

        dialog = SignInDialog(demo_ctx)
    found = walk(qtbot, dialog)
    record_property("walk", found)
    print(which, found)
    if which == "inzage":
        qtbot.waitUntil(lambda: getattr(dialog, "task", None) is None, timeout=10_000)
    assert found["unnamed"] == []
