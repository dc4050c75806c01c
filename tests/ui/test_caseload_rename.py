"""Renaming a client moves its cases in Mijn dossiers: the list sorts on the copy of the sort
name kept on each case (migration 0011), so the copy must follow the client."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from wmo_desk.storage.repositories.clients import ClientRepository
from wmo_desk.storage.tables import CaseRow, ClientRow
from wmo_desk.ui.caseload_panel import CaseloadPanel


@pytest.fixture
def panel(qtbot, demo_ctx):
    widget = CaseloadPanel(demo_ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _names(panel) -> list[str]:
    """The name column of the table, top to bottom (what the consultant sees)."""
    model = panel.table.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _rename(ctx, client_id: str, surname: str) -> None:
    with ctx.db.session() as session:
        repo = ClientRepository(session)
        repo.save(replace(repo.get(client_id), surname=surname, prefix=""))


def _first_client_shown(ctx, panel) -> tuple[str, str]:
    """The client of the top row, and the name shown there."""
    case_id = panel.model.summary(0).case_id
    with ctx.db.session() as session:
        return session.get(CaseRow, case_id).client_id, _names(panel)[0]


def test_renaming_a_client_moves_its_cases_in_the_name_order(qtbot, demo_ctx, panel):
    panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    before = _names(panel)
    assert before == sorted(before) and len(set(before)) >= 3
    client_id, shown = _first_client_shown(demo_ctx, panel)
    _rename(demo_ctx, client_id, "Zzijlstra")
    panel.reload()  # what the main window does after a change
    after = _names(panel)
    assert shown not in after and after == sorted(after)
    renamed = [name for name in after if name.startswith("Zzijlstra")]
    assert renamed and after[-len(renamed) :] == renamed  # the client's cases went to the end
    _rename(demo_ctx, client_id, "Aafjes")  # and to the front under another name
    panel.reload()
    again = _names(panel)
    assert again == sorted(again) and again[0].startswith("Aafjes")
    assert len([name for name in again if name.startswith("Aafjes")]) == len(renamed)


def test_within_one_deadline_the_cases_follow_the_new_name(qtbot, demo_ctx, panel):
    """The default order (deadline, then name) reads the copy too."""
    with demo_ctx.db.session() as session:
        rows = session.execute(
            select(CaseRow.client_id, CaseRow.sort_name, ClientRow.sort_name).join(
                ClientRow, ClientRow.id == CaseRow.client_id
            )
        ).all()
    assert rows and all(copy == name for _id, copy, name in rows)
    client_id = rows[0][0]
    _rename(demo_ctx, client_id, "Zwaluw")
    with demo_ctx.db.session() as session:
        copies = set(
            session.scalars(select(CaseRow.sort_name).where(CaseRow.client_id == client_id))
        )
        name = session.scalar(select(ClientRow.sort_name).where(ClientRow.id == client_id))
    assert copies == {name} and name.startswith("Zwaluw")
    panel.reload()
    assert _names(panel) == [s.client_name for s in demo_ctx.caseload.summaries(panel.model.filter)]
