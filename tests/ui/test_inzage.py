"""The inzage overview (AVG art. 15) from the case view, against the real in-process server: a
consultant's reads of a file are what the team lead of the municipality sees and saves."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from wmo_desk.storage.tables import AuditRow
from wmo_desk.ui.case_view import CaseViewWidget
from wmo_desk.ui.inzage_dialog import InzageDialog


def choose_save_target(monkeypatch, target: Path) -> list[str]:
    """The save dialog answers ``target``; returns the suggested names it was asked with."""
    asked: list[str] = []

    def answer(_parent, _title, suggested, file_filter):
        asked.append(suggested)
        return str(target), file_filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer)
    return asked


def local_log(ctx) -> list[tuple[str, str | None, str]]:
    with ctx.db.session() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.seq))
        return [(r.action, r.client_id, r.detail) for r in rows]


def cells(dialog: InzageDialog) -> list[tuple[str, ...]]:
    model = dialog.table.model()
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def open_inzage(qtbot, view: CaseViewWidget) -> InzageDialog:
    qtbot.mouseClick(view.inzage_button, Qt.MouseButton.LeftButton)
    dialog = view.findChild(InzageDialog)
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.pending is None)
    return dialog


@pytest.fixture
def read_by_sanne(qtbot, desktops):
    """Sanne (consulent) syncs her caseload, opens one case in the case view and syncs again:
    her read reaches the server's access log. Returns (sanne, case id, client id)."""
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    sanne.sync.sync()
    case_id = sanne.caseload.case_ids(_all(sanne))[0]
    view = CaseViewWidget(sanne, case_id)
    qtbot.addWidget(view)
    assert view.inzage_button.isHidden()  # a consulent does not make inzage reports
    assert view.view is not None
    sanne.sync.sync()
    return sanne, case_id, view.view.client.id


def _all(ctx):
    from wmo_desk.domain.caseload import CaseloadFilter

    return CaseloadFilter(ctx.profile.municipality_code, include_closed=True)


def test_the_team_lead_sees_and_saves_exactly_the_consultants_reads(
    qtbot, desktops, read_by_sanne, monkeypatch, tmp_path
):
    _sanne, case_id, client_id = read_by_sanne
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    view = CaseViewWidget(ruud, case_id)
    qtbot.addWidget(view)
    assert not view.inzage_button.isHidden()
    assert view.inzage_button.accessibleName() == "Inzageoverzicht voor de cliënt maken"

    dialog = open_inzage(qtbot, view)
    assert dialog.report is not None, dialog.status.text()
    rows = cells(dialog)
    reads = [(who, what) for _when, who, what in rows if what.startswith("Dossier geopend")]
    # Ruud's own read (opening the case view) is still on his laptop: only Sanne's is on the server
    assert reads == [("Sanne de Wit (Wmo-consulent)", "Dossier geopend")]
    assert "Sanne de Wit (Wmo-consulent)" in {who for _w, who, _x in rows}
    assert f"{len(rows)} regels in het toegangslog over" in dialog.status.text()
    assert dialog.report.count == len(rows)
    assert dialog.pdf_button.isEnabled() and dialog.pdf_button.accessibleName()
    assert dialog.table.accessibleName() == "Regels van het inzageoverzicht"
    assert ("inzage.report", client_id, f"{len(rows)} regels") in local_log(ruud)

    target = tmp_path / "gekozen.pdf"
    asked = choose_save_target(monkeypatch, target)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    # the suggested name says nothing about the client
    assert Path(asked[0]).name == "inzageoverzicht-2026-11-23.pdf"
    assert dialog.feedback.text() == f"Opgeslagen als {target}"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(target).pages)
    assert "Overzicht van inzage in uw dossier" in text
    assert "Sanne de Wit" in text and "Dossier geopend" in text
    assert dialog.report.data.client_name in text
    assert ("document.export", client_id, "inzageoverzicht") in local_log(ruud)

    csv_target = tmp_path / "gekozen"
    asked = choose_save_target(monkeypatch, csv_target)
    qtbot.mouseClick(dialog.csv_button, Qt.MouseButton.LeftButton)
    assert Path(asked[0]).name == "inzageoverzicht-2026-11-23.csv"
    written = csv_target.with_suffix(".csv")
    table = list(csv.reader(io.StringIO(written.read_text("utf-8-sig")), delimiter=";"))
    assert table[0][:3] == ["Datum", "Tijd", "Wie"]
    assert len(table) == len(rows) + 1
    assert ["Sanne de Wit", "Wmo-consulent", "Dossier geopend"] in [r[2:5] for r in table]


def test_without_a_sign_in_the_team_lead_is_told_to_sign_in(qtbot, desktops, read_by_sanne):
    _sanne, case_id, _client_id = read_by_sanne
    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    ruud.sign_out()
    view = CaseViewWidget(ruud, case_id)
    qtbot.addWidget(view)
    dialog = open_inzage(qtbot, view)
    assert dialog.report is None
    assert "Meld u eerst aan bij de server" in dialog.status.text()
    assert not dialog.pdf_button.isEnabled() and not dialog.csv_button.isEnabled()
