"""Everything Substrate could not read cleanly, for the problems panel."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from desktop.models.notes import PATH_ROLE
from store.display import printable
from store.query import ProblemRow

COLUMNS = ("Note", "Line", "Problem")
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 20


class ProblemsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ProblemRow] = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:  # names from the disk may hold control and bidi characters
            return printable((row.path, "" if row.line is None else str(row.line), row.message)[index.column()])
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return printable(row.message)
        if role == PATH_ROLE:
            return row.path if row.is_note else None  # a file that could not be read has no note to open
        if role == PROBLEM_ROLE:
            return row
        return None

    def set_problems(self, rows: list[ProblemRow]) -> None:
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
