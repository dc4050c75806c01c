"""Typing in the caseload search: after every character the table shows what the query finds."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from wmo_desk.domain.bsn import mask_bsn
from wmo_desk.storage.repositories.audit import AuditRepository
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.repositories.clients import ClientRepository
from wmo_desk.storage.tables import ClientRow
from wmo_desk.ui.caseload_panel import CaseloadPanel


@pytest.fixture
def panel(qtbot, demo_ctx):
    widget = CaseloadPanel(demo_ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _shown(panel) -> list[tuple[str, str]]:
    """The name and (masked) BSN of every row of the table, top to bottom."""
    model = panel.table.model()
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def _queried(ctx, panel) -> list[tuple[str, str]]:
    """What the SQL query finds for the panel's filter (the reference)."""
    with ctx.db.session() as session:
        rows = CaseloadRepository(session).summaries(panel.model.filter)
    return [(s.client_name, mask_bsn(s.bsn)) for s in rows]


def _type(qtbot, panel, key) -> None:
    """Press ``key`` in the search field and wait for the table to follow."""
    with qtbot.waitSignal(panel.model.modelReset, timeout=2000):
        qtbot.keyClick(panel.search, key)


def _client(ctx) -> tuple[str, str, str]:
    with ctx.db.session() as session:
        row = session.scalars(select(ClientRow).order_by(ClientRow.bsn)).first()
        return row.surname, row.bsn, row.postcode


def test_each_character_typed_and_erased_shows_the_matching_rows(qtbot, demo_ctx, panel):
    everything = _shown(panel)
    surname, bsn, postcode = _client(demo_ctx)
    for typed in (surname.lower()[:5], bsn[2:7], f"{postcode[:4]} {postcode[4:].lower()}"):
        seen = []
        for char in typed:
            _type(qtbot, panel, char)
            assert panel.search.text().endswith(char)
            assert _shown(panel) == _queried(demo_ctx, panel), panel.search.text()
            seen.append(len(_shown(panel)))
        assert seen[-1] >= 1
        for _ in typed:
            _type(qtbot, panel, Qt.Key.Key_Backspace)
            assert _shown(panel) == _queried(demo_ctx, panel), panel.search.text()
        assert panel.search.text() == ""
        assert _shown(panel) == everything
    assert panel.count.text() == f"{len(everything)} dossiers"


def test_a_change_reloads_and_the_next_keystrokes_see_it(qtbot, demo_ctx, panel):
    for char in "zwa":
        _type(qtbot, panel, char)
    assert _shown(panel) == []
    with demo_ctx.db.session() as session:
        repo = ClientRepository(session)
        client = repo.get(session.scalars(select(ClientRow.id).order_by(ClientRow.bsn)).first())
        repo.save(replace(client, surname="Zwaluw"))
    panel.reload()  # what the main window does after a change
    assert [name for name, _bsn in _shown(panel)] == [n for n, _b in _queried(demo_ctx, panel)]
    assert any("Zwaluw" in name for name, _bsn in _shown(panel))
    for char in "luw":
        _type(qtbot, panel, char)
        assert _shown(panel) == _queried(demo_ctx, panel)
    assert any("Zwaluw" in name for name, _bsn in _shown(panel))


def test_sorting_while_searching_keeps_the_search(qtbot, demo_ctx, panel):
    for char in "an":
        _type(qtbot, panel, char)
    shown = _shown(panel)
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert panel.search.text() == "an"
    assert _shown(panel) == _queried(demo_ctx, panel)
    assert sorted(_shown(panel)) == sorted(shown) and len(shown) >= 2


def test_typing_is_logged_as_searches_with_counts_only(qtbot, demo_ctx, panel):
    surname, _bsn, _postcode = _client(demo_ctx)
    for char in surname.lower()[:4]:
        _type(qtbot, panel, char)
    with demo_ctx.db.session() as session:
        searches = [e for e in AuditRepository(session).entries() if e.action == "caseload.search"]
    assert searches
    assert searches[-1].detail == f"{len(_shown(panel))} resultaten"
    assert all(re.fullmatch(r"\d+ resultaten", e.detail) for e in searches)
