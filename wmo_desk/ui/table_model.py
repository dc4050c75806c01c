"""Read-only tables over lists of domain objects: the row model each screen's model fills in, its
sortable variant and proxy, the list table the overviews share, and their background read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    SignalInstance,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from wmo_desk.ui.tasks import BusyBar, Task, run_task

Index = QModelIndex | QPersistentModelIndex

#: the role a :class:`SortedRowsModel` answers with the value to sort a cell on
SORT_ROLE = Qt.ItemDataRole.UserRole


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

    def set_rows(self, rows: Sequence[object]) -> None:
        """Show ``rows`` instead (a reset: views and proxies read everything again)."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()


class SortedRowsModel(RowsModel):
    """A :class:`RowsModel` whose cells also give a value to sort on (``SORT_ROLE``); a
    :class:`FooterProxy` in front of it does the sorting, the rows stay in their order."""

    def sort_key(self, row: object, column: int) -> object:
        return self.text(row, column)

    def data(self, index: Index, role: int = 0):
        if index.isValid() and role == SORT_ROLE:
            return self.sort_key(self.rows[index.row()], index.column())
        return super().data(index, role)


class FooterProxy(QSortFilterProxyModel):
    """Sorts on ``SORT_ROLE``; the source's last row stays last when ``footer`` says so (a
    total row)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.footer = False
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left, right) -> bool:
        last = self.sourceModel().rowCount() - 1
        if self.footer and last in (left.row(), right.row()):
            ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
            # Qt reverses the comparison for a descending sort: the total goes last either way
            return (not ascending) if left.row() == last else ascending
        return super().lessThan(left, right)

    def row_of(self, table: QTableView) -> int | None:
        """The source row of ``table``'s current row (None without one)."""
        index = table.currentIndex()
        return self.mapToSource(index).row() if index.isValid() else None

    def select_source_row(self, table: QTableView, row: int) -> None:
        """Make the source's ``row`` the current, selected row of ``table``."""
        table.selectRow(self.mapFromSource(self.sourceModel().index(row, 0)).row())


def list_table(name: str, accessible: str) -> QTableView:
    """A read-only, row-selecting, sortable table (sorted by clicking a header)."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setSortingEnabled(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    return table


def closes_on_escape(event, close: Callable[[], None]) -> bool:
    """For a view's ``keyPressEvent``: Esc that no child used closes the view."""
    if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
        close()
        return True
    return False


class RowsLoader:
    """Reads a list's rows off the GUI thread (:func:`run_task`), one read at a time: a refresh
    asked for while a read runs reads once more after it. Every read is shown, so a list the
    access log counts is a list that was on the screen.
    """

    def __init__(self, view: QWidget, label: str, busy: BusyBar, loaded: SignalInstance) -> None:
        """``loaded`` is emitted after each read is shown; ``busy`` says ``label`` meanwhile."""
        self._view = view
        self._label = label
        self._busy = busy
        self._loaded = loaded
        self._again: tuple[Callable[[], Any], Callable[[Any], None]] | None = None
        #: the read that runs now, if any
        self.task: Task | None = None

    def load(self, work: Callable[[], Any], show: Callable[[Any], None]) -> Task | None:
        """Run ``work()`` in the background and ``show(result)`` on the GUI thread; returns the
        task, or None when the read waits for the one that runs."""
        if self.task is not None:
            self._again = (work, show)
            return None

        def done(result: Any) -> None:
            show(result)
            self._loaded.emit()

        self.task = run_task(self._view, self._label, work, done, busy=self._busy)
        self.task.finished.connect(self._ended)
        return self.task

    def _ended(self) -> None:
        self.task = None
        again, self._again = self._again, None
        if again is not None and shiboken6.isValid(self._view):
            self.load(*again)
