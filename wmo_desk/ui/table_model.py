"""A read-only table over a list of domain objects; each screen's model only says what a cell shows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Rows are domain objects; subclasses give ``headers`` and implement :meth:`text`.

    :meth:`style` may add other roles (background, alignment, tooltips) per cell.
    """

    headers: tuple[str, ...] = ()

    def __init__(self, rows: Sequence[object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = list(rows)

    def text(self, row: object, column: int) -> str:
        raise NotImplementedError

    def style(self, row: object, column: int, role: int) -> object:
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        return self.style(row, index.column(), role)
