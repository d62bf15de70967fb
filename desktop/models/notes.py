"""Every note of the vault as a table, updated in place so selection and scroll survive a change."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from store.query import NoteRow

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Title", "Type", "Folder", "Reviewed")


class NotesModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[NoteRow] = []
        self._row_of: dict[str, int] = {}

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
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, row.type or "", row.folder or "(top folder)", row.reviewed or "")[index.column()]
        if role == PATH_ROLE:
            return row.path
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = f"\n{row.problems} problem{'s' if row.problems != 1 else ''}" if row.problems else ""
            return f"{row.path}{problems}"
        return None

    def path_at(self, row: int) -> str:
        return self._rows[row].path

    def row_of(self, path: str) -> int | None:
        return self._row_of.get(path)

    def set_rows(self, rows: list[NoteRow]) -> None:
        """Take a fresh list: rows gone are removed, new ones appended, changed ones updated."""
        fresh = {row.path: row for row in rows}
        gone = sorted((self._row_of[path] for path in self._row_of if path not in fresh), reverse=True)
        for first, last in _runs(gone):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        if gone:
            self._row_of = {row.path: i for i, row in enumerate(self._rows)}
        for i, row in enumerate(self._rows):
            if fresh[row.path] != row:
                self._rows[i] = fresh[row.path]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
        new = [row for path, row in fresh.items() if path not in self._row_of]
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self._row_of.update((row.path, first + i) for i, row in enumerate(new))
            self.endInsertRows()


def _runs(descending: list[int]) -> list[tuple[int, int]]:
    """[9, 8, 7, 3] -> [(7, 9), (3, 3)]: contiguous rows, highest first, so removing keeps the rest in place."""
    runs: list[tuple[int, int]] = []
    for row in descending:
        if runs and runs[-1][0] == row + 1:
            runs[-1] = (row, runs[-1][1])
        else:
            runs.append((row, row))
    return runs


class NotesFilter(QSortFilterProxyModel):
    """Shows the notes of one type or one folder (or all), sorted by title."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._group: tuple[str, str] | None = None
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)

    def set_group(self, group: tuple[str, str] | None) -> None:
        """("type", "seam"), ("folder", "systems"), or None for every note."""
        self.beginFilterChange()
        self._group = group
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if self._group is None:
            return True
        kind, key = self._group
        column = 1 if kind == "type" else 2
        value = self.sourceModel().index(source_row, column, source_parent).data()
        return value == (key or ("(top folder)" if kind == "folder" else ""))
