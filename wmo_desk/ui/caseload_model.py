"""Table model over caseload rows: the Mijn dossiers and, later, the Team view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from wmo_desk.domain.bsn import mask_bsn
from wmo_desk.domain.caseload import CaseloadFilter, CaseSummary, SortKey
from wmo_desk.domain.cases import Stage
from wmo_desk.domain.postcode import format_postcode
from wmo_desk.ui.display import days_left_text, short_date

URGENT_DAYS = 5
#: rows read at a time: a screenful and some (each page is one query as it scrolls into view)
PAGE_SIZE = 64
_URGENT = QColor("#fff1c2")
_OVERDUE = QColor("#f8d0d0")
_OVERDUE_TEXT = QColor("#9b1c1c")

COLUMNS: tuple[tuple[str, SortKey | None], ...] = (
    ("Cliënt", SortKey.NAME),
    ("BSN", SortKey.BSN),
    ("Postcode", None),
    ("Fase", SortKey.STAGE),
    ("Volgende termijn", SortKey.DEADLINE),
    ("Resterend", SortKey.DEADLINE),
    ("Consulent", SortKey.CONSULTANT),
)

CONFLICT_MARK = "  ⚠ conflict"
CONFLICT_TIP = (
    "Synchronisatieconflict: er zijn twee versies. Open het dossier en kies welke blijft."
)

Index = QModelIndex | QPersistentModelIndex


class CaseloadModel(QAbstractTableModel):
    """Caseload rows; sorting and filtering are the service's work, not the widget's.

    The model keeps the ordered case ids; the details of a row are read a page at a time
    when the view shows it, so 50,000 cases stay smooth. ``ids(flt, fresh=...)`` gives the
    ids: :meth:`reload` asks for fresh ones (something changed), :meth:`set_filter` lets the
    service answer from what it kept (typing, sorting).
    """

    def __init__(
        self,
        ids: Callable[..., list[str]],
        rows: Callable[[list[str]], dict[str, CaseSummary]],
        today: Callable[[], date],
        flt: CaseloadFilter,
        parent: QObject | None = None,
        *,
        flagged: Callable[[], set[str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ids_for = ids
        self._flagged_for = flagged or set
        self._flagged: set[str] = set()
        self._rows_for = rows
        self._today = today
        self._filter = flt
        self._ids: list[str] = []
        self._pages: dict[int, list[CaseSummary]] = {}
        #: nothing is read before the first load: setting up the view's sorting (which calls
        #: sort) then costs no query, and the first load reads with the order set by then
        self._loaded = False

    # --- loading ------------------------------------------------------------------------

    def set_source(
        self,
        ids: Callable[..., list[str]],
        rows: Callable[[list[str]], dict[str, CaseSummary]],
        *,
        flagged: Callable[[], set[str]] | None = None,
    ) -> None:
        """Read from these from now on (the services took over from the first screen's
        reads); the next load uses them."""
        self._ids_for = ids
        self._rows_for = rows
        self._flagged_for = flagged or set

    @property
    def filter(self) -> CaseloadFilter:
        return self._filter

    def set_filter(self, flt: CaseloadFilter, *, fresh: bool = False) -> None:
        """Show what ``flt`` selects; with ``fresh``, read from the database (see reload)."""
        self._filter = flt
        self._load(fresh)

    def reload(self) -> None:
        """Read the ordered ids again (after a change); row details come when shown."""
        self._load(True)

    def _load(self, fresh: bool) -> None:
        self._loaded = True
        self.beginResetModel()
        self._ids = self._ids_for(self._filter, fresh=fresh)
        self._pages = {}
        self._flagged = self._flagged_for()
        self.endResetModel()

    def summary(self, row: int) -> CaseSummary:
        """The row's details, fetched with the rest of its page on first use."""
        page = row // PAGE_SIZE
        if page not in self._pages:
            ids = self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            found = self._rows_for(ids)
            # a case deleted in between would be missing: keep the page aligned anyway
            self._pages[page] = [found.get(i) or self._vanished(i) for i in ids]
        return self._pages[page][row % PAGE_SIZE]

    def _vanished(self, case_id: str) -> CaseSummary:
        return CaseSummary(
            case_id, "(verwijderd)", "", "", Stage.AFGESLOTEN, False, None, None, "", date.min
        )

    def row_of(self, case_id: str) -> int | None:
        try:
            return self._ids.index(case_id)
        except ValueError:
            return None

    # --- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1] or SortKey.NAME
        flt = replace(self._filter, sort=key, descending=order == Qt.SortOrder.DescendingOrder)
        if self._loaded:
            self.set_filter(flt)
        else:  # the view's sort indicator, set up before the first load
            self._filter = flt

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self.summary(index.row())
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(s, col)
        if role == Qt.ItemDataRole.BackgroundRole and col in (4, 5):
            return self._deadline_brush(s)
        if role == Qt.ItemDataRole.ForegroundRole and col in (4, 5) and self._overdue(s):
            return QBrush(_OVERDUE_TEXT)
        if role == Qt.ItemDataRole.FontRole and s.on_hold:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and col == 3 and s.case_id in self._flagged:
            return CONFLICT_TIP
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and s.case_id in self._flagged:
            return QBrush(_OVERDUE_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole and col in (4, 5) and s.deadline_kind:
            return f"{s.deadline_kind.label}: uiterlijk {short_date(s.deadline)}"
        if role == Qt.ItemDataRole.UserRole:
            return s.case_id
        return None

    def _text(self, s: CaseSummary, col: int) -> str:
        if col == 0:
            return s.client_name
        if col == 1:
            return mask_bsn(s.bsn)
        if col == 2:
            return format_postcode(s.postcode)
        if col == 3:
            text = s.stage.label + (" (opgeschort)" if s.on_hold else "")
            return text + CONFLICT_MARK if s.case_id in self._flagged else text
        if col == 4:
            if s.deadline is None or s.deadline_kind is None:
                return ""
            return f"{s.deadline_kind.label}: {short_date(s.deadline)}"
        if col == 5:
            if s.deadline is None:
                return ""
            if s.on_hold:
                return "opgeschort"
            return days_left_text((s.deadline - self._today()).days)
        return s.consultant_name

    def _overdue(self, s: CaseSummary) -> bool:
        return bool(s.deadline and not s.on_hold and s.deadline < self._today())

    def _deadline_brush(self, s: CaseSummary) -> QBrush | None:
        if s.deadline is None or s.on_hold:
            return None
        left = (s.deadline - self._today()).days
        if left < 0:
            return QBrush(_OVERDUE)
        if left <= URGENT_DAYS:
            return QBrush(_URGENT)
        return None
