"""Sync conflicts: both versions side by side, field by field, and the user's choice of what stays."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from wmo_desk.services.context import AppContext
from wmo_desk.services.sync import RECORD_LABELS, Conflict, SyncService
from wmo_desk.ui.conflict_values import FieldRow, side_by_side, with_derived
from wmo_desk.ui.display import moment
from wmo_desk.ui.table_model import RowsModel

Index = QModelIndex | QPersistentModelIndex
_DIFFERS = QColor("#fff1c2")
_DONE_STYLE = "color: #1e6b30;"

KEPT = (
    "Beide versies blijven bewaard bij het conflict: er gaat niets verloren. "
    "Wat u koos, gaat bij de volgende synchronisatie naar de server."
)


class ConflictsModel(RowsModel):
    """The open conflicts: which record, whose case, since when."""

    headers = ("Gegevens", "Cliënt", "Gevonden", "Soort")

    def __init__(self, rows: list[tuple[Conflict, str]], today, parent=None) -> None:
        super().__init__(rows, parent)
        self._today = today

    def text(self, row, column: int) -> str:
        conflict, client = row
        kind = {"conflict": "Twee versies", "held": "Niet verstuurd"}.get(
            conflict.kind, "Geweigerd door de server"
        )
        label = RECORD_LABELS.get(conflict.record_type, conflict.record_type)
        return (label, client, moment(conflict.detected_at, self._today), kind)[column]


class FieldsModel(RowsModel):
    """Both versions field by field; a differing field can be ticked to take the server's value."""

    headers = ("Veld", "Mijn versie", "Versie op de server", "Server nemen")

    def __init__(self, rows: list[FieldRow], choosable: bool, parent=None) -> None:
        super().__init__(rows, parent)
        self._choosable = choosable
        self.take_server: set[str] = set()

    def text(self, row: FieldRow, column: int) -> str:
        return (row.label, row.mine, row.server, "")[column]

    def style(self, row: FieldRow, column: int, role: int):
        if role == Qt.ItemDataRole.CheckStateRole and column == 3 and self._checkable(row):
            checked = row.field in self.take_server
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.BackgroundRole and row.differs and column in (1, 2):
            return QBrush(_DIFFERS)
        if role == Qt.ItemDataRole.FontRole and row.differs and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 2):
            return (row.mine, row.server)[column - 1]
        return None

    def _checkable(self, row: FieldRow) -> bool:
        return self._choosable and row.differs

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 3 and self._checkable(self.rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 3:
            return False
        row = self.rows[index.row()]
        if not self._checkable(row):
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.take_server.add(row.field)
        else:
            self.take_server.discard(row.field)
        self.dataChanged.emit(index, index, [role])
        return True


def _table(name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    return view


class ConflictDialog(QDialog):
    """The open conflicts (all, or one case's); each one resolved with the user's choice.

    Signals:
        resolved(str): a conflict of this case id was settled ("" when it had no case).
    """

    resolved = Signal(str)

    def __init__(
        self, ctx: AppContext, case_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._case_id = case_id
        self._users = {u.id: u.name for u in ctx.profiles.users()}
        self.setWindowTitle(self.tr("Synchronisatieconflicten"))
        intro = QLabel(
            self.tr(
                "Deze gegevens zijn op twee plaatsen gewijzigd terwijl er geen verbinding was. "
                "Beide versies zijn bewaard. Kies per conflict welke versie blijft, of neem per "
                "veld de waarde van de server over."
            )
        )
        intro.setWordWrap(True)
        self.list = _table("conflict_list")
        self.list.setAccessibleName(self.tr("Conflicten"))
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.horizontalHeader().setStretchLastSection(True)

        self.explanation = QLabel()
        self.explanation.setObjectName("conflict_explanation")
        self.explanation.setWordWrap(True)
        self.fields = _table("conflict_fields")
        self.fields.setAccessibleName(self.tr("Beide versies, veld voor veld"))
        self.fields.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        # wrapped texts need their rows measured again once the columns have their width
        self._fit_rows = QTimer(self)
        self._fit_rows.setSingleShot(True)
        self._fit_rows.setInterval(0)
        self._fit_rows.timeout.connect(self.fields.resizeRowsToContents)
        self.fields.horizontalHeader().sectionResized.connect(lambda *_a: self._fit_rows.start())
        self.keep_button = QPushButton(self.tr("&Mijn versie houden"))
        self.server_button = QPushButton(self.tr("&Serverversie nemen"))
        self.merge_button = QPushButton(self.tr("Gekozen velden same&nvoegen"))
        self.read_button = QPushButton(self.tr("&Gelezen"))
        self.keep_button.clicked.connect(lambda: self.resolve(set()))
        self.server_button.clicked.connect(lambda: self.resolve(None))
        self.merge_button.clicked.connect(self.merge)
        self.read_button.clicked.connect(lambda: self.resolve(None))
        choice = QHBoxLayout()
        choice.addStretch(1)
        for button in (self.read_button, self.merge_button, self.keep_button, self.server_button):
            choice.addWidget(button)
        self.outcome = QLabel()
        self.outcome.setObjectName("conflict_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setStyleSheet(_DONE_STYLE)

        self.detail = detail = QGroupBox(self.tr("Beide versies"))
        dl = QVBoxLayout(detail)
        dl.addWidget(self.explanation)
        dl.addWidget(self.fields, 1)
        dl.addLayout(choice)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        buttons = QDialogButtonBox()
        buttons.addButton(self.tr("Sl&uiten"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.resize(980, 640)
        self.reload()

    # --- the list --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the open conflicts again and show the first."""
        conflicts = self._ctx.sync.conflicts(self._case_id)
        case_ids = sorted({c.case_id for c in conflicts if c.case_id})
        names = {
            cid: s.client_name for cid, s in self._ctx.caseload.summaries_for(case_ids).items()
        }
        rows = [(c, self._client_of(c, names)) for c in conflicts]
        self.list.setModel(ConflictsModel(rows, self._ctx.clock.today(), self))
        self.list.selectionModel().currentRowChanged.connect(lambda *_a: self._show())
        if self._case_id and rows:
            self.setWindowTitle(self.tr("Synchronisatieconflicten — %s") % rows[0][1])
        if rows:
            self.list.selectRow(0)
        self._show()

    @staticmethod
    def _client_of(conflict: Conflict, names: dict[str, str]) -> str:
        if conflict.case_id:
            return names.get(conflict.case_id, "")
        if conflict.record_type == "client":
            p = conflict.local_payload or conflict.server_payload or {}
            tail = " ".join(x for x in (p.get("initials"), p.get("prefix")) if x)
            return f"{p.get('surname', '')}, {tail}" if tail else str(p.get("surname", ""))
        return ""

    def selected(self) -> Conflict | None:
        index = self.list.currentIndex()
        model = self.list.model()
        return model.rows[index.row()][0] if index.isValid() and model.rows else None

    # --- one conflict ----------------------------------------------------------------------

    def _show(self) -> None:
        conflict = self.selected()
        refused = conflict is not None and conflict.kind != "conflict"
        whole = conflict is not None and (conflict.local_deleted or conflict.server_deleted)
        for button in (self.keep_button, self.server_button):
            button.setVisible(conflict is not None and not refused)
        self.merge_button.setVisible(conflict is not None and not refused and not whole)
        self.read_button.setVisible(refused)
        self.fields.setVisible(conflict is not None and not refused)
        if conflict is not None:
            client = self.list.model().rows[self.list.currentIndex().row()][1]
            what = RECORD_LABELS.get(conflict.record_type, conflict.record_type)
            self.detail.setTitle(self.tr("%s van %s") % (what, client) if client else what)
        if conflict is None:
            self.detail.setTitle(self.tr("Beide versies"))
            self.explanation.setText(self.tr("Er zijn geen open conflicten."))
            self.fields.setModel(FieldsModel([], False, self))
            return
        if refused and conflict.kind == "held":
            self.explanation.setText(
                self.tr(
                    "<b>Deze wijziging is nog niet verstuurd.</b> %s<br>Verbeter de gegevens; "
                    "bij de volgende synchronisatie gaan ze dan mee."
                )
                % SyncService.refusal_text(conflict)
            )
            return
        if refused:
            self.explanation.setText(
                self.tr(
                    "<b>De server heeft deze wijziging geweigerd.</b> %s<br>Uw gegevens op deze "
                    "computer blijven zoals ze zijn; ze worden niet opnieuw verstuurd."
                )
                % SyncService.refusal_text(conflict)
            )
            return
        differing = {d.field for d in SyncService.differences(conflict)}
        rows = side_by_side(
            conflict.record_type,
            {} if conflict.local_deleted else conflict.local_payload,
            {} if conflict.server_deleted else (conflict.server_payload or {}),
            differing,
            self._users,
        )
        model = FieldsModel(rows, choosable=not whole, parent=self)
        model.dataChanged.connect(lambda *_a: self._update_merge())
        self.fields.setModel(model)
        header = self.fields.horizontalHeader()
        # the two versions share the width; long texts wrap instead of scrolling sideways
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.fields.resizeRowsToContents()
        changed = [r.label for r in rows if r.differs]
        text = self.tr(
            "Verschillend (gemarkeerd): %s. Vink bij een veld <i>Server nemen</i> aan om alleen "
            "die waarde van de server over te nemen."
        ) % ", ".join(changed)
        if conflict.local_deleted:
            text = self.tr("Op deze computer is dit verwijderd, op de server gewijzigd.")
        elif conflict.server_deleted:
            text = self.tr("Op de server is dit verwijderd, op deze computer gewijzigd.")
        self.explanation.setText(text)
        self._update_merge()

    def _update_merge(self) -> None:
        model = self.fields.model()
        self.merge_button.setEnabled(isinstance(model, FieldsModel) and bool(model.take_server))

    def merge(self) -> None:
        model = self.fields.model()
        if isinstance(model, FieldsModel) and model.take_server:
            self.resolve(set(model.take_server))

    def resolve(self, take_server: set[str] | None) -> None:
        """Settle the selected conflict: ``None`` takes the server's version, an empty set
        keeps this computer's, otherwise those fields come from the server."""
        conflict = self.selected()
        if conflict is None:
            return
        if conflict.kind != "conflict":
            self._ctx.sync.resolve(conflict.id, None)
            message = self.tr("Gelezen. De geweigerde wijziging blijft op deze computer bewaard.")
        elif take_server is None:
            self._ctx.sync.resolve(conflict.id, None)
            message = self.tr(
                "De versie van de server is overgenomen. Uw eigen versie blijft bewaard bij het "
                "conflict: er gaat niets verloren."
            )
        else:
            differing = {d.field for d in SyncService.differences(conflict)}
            self._ctx.sync.resolve(conflict.id, with_derived(take_server, differing))
            if take_server:
                message = self.tr("Samengevoegd. ") + self.tr(KEPT)
            else:
                message = self.tr("Uw versie blijft staan. ") + self.tr(KEPT)
        self.outcome.setText(message)
        self.reload()
        self.resolved.emit(conflict.case_id or "")
