"""Every note of the vault as a table, updated in place so selection and scroll survive a change."""

from __future__ import annotations

import bisect

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRegularExpression, QSortFilterProxyModel, Qt

from store import words
from store.display import printable
from store.query import NoteRow

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Title", "Type", "Folder", "Reviewed")


class NotesModel(QAbstractTableModel):
    reset_threshold = 200  # rows added or removed at once beyond which one reset replaces them

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[NoteRow] = []  # sorted by _key
        self._keys: list[tuple[str, str]] = []
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
        if role == Qt.ItemDataRole.DisplayRole:  # names from the disk may hold control and bidi characters
            return printable((row.title, row.type or "", row.folder or "(top folder)", row.reviewed or "")[index.column()])
        if role == PATH_ROLE:
            return row.path
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = f"\n{words.counted(row.problems, 'problem')}" if row.problems else ""
            return f"{printable(row.path)}{problems}"
        return None

    def rows(self) -> list[NoteRow]:
        return list(self._rows)

    def path_at(self, row: int) -> str:
        return self._rows[row].path

    def row_of(self, path: str) -> int | None:
        return self._row_of.get(path)

    def set_rows(self, rows: list[NoteRow]) -> None:
        """Take a fresh list: rows gone are removed, new ones inserted where they sort, changed ones
        updated, so a view keeps its selection and scroll. The model keeps itself sorted by title:
        a proxy sorting 10,000 rows calls back into Python a quarter of a million times. When much
        changes at once (the first index, a big burst), one reset is far cheaper than hundreds of
        inserts; views keep their place across it by path (see `reset_threshold`)."""
        fresh = {row.path: row for row in rows}
        moved = {row.path for row in self._rows if row.path in fresh and _key(fresh[row.path]) != _key(row)}
        gone = sorted((i for i, row in enumerate(self._rows) if row.path not in fresh or row.path in moved), reverse=True)
        present_count = len(self._rows) - len(gone)
        if len(gone) + len(fresh) - present_count > self.reset_threshold:
            self.beginResetModel()
            self._rows = sorted(fresh.values(), key=_key)
            self._keys = [_key(row) for row in self._rows]
            self._row_of = {row.path: i for i, row in enumerate(self._rows)}
            self.endResetModel()
            return
        for first, last in _runs(gone):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            del self._keys[first : last + 1]
            self.endRemoveRows()
        for i, row in enumerate(self._rows):
            if fresh[row.path] != row:
                self._rows[i] = fresh[row.path]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
        present = {row.path for row in self._rows}
        self._insert(sorted((row for row in fresh.values() if row.path not in present), key=_key))
        self._row_of = {row.path: i for i, row in enumerate(self._rows)}

    def _insert(self, new: list[NoteRow]) -> None:
        """Insert sorted rows where they belong, a contiguous run at a time."""
        start = 0
        while start < len(new):
            at = bisect.bisect_left(self._keys, _key(new[start]))
            end = start + 1
            limit = self._keys[at] if at < len(self._keys) else None
            while end < len(new) and (limit is None or _key(new[end]) < limit):
                end += 1
            run = new[start:end]
            self.beginInsertRows(QModelIndex(), at, at + len(run) - 1)
            self._rows[at:at] = run
            self._keys[at:at] = [_key(row) for row in run]
            self.endInsertRows()
            start = end


def _key(row: NoteRow) -> tuple[str, str]:
    return (row.title.casefold(), row.path)


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
    """Shows the notes of one type or one folder (or all), in the model's order (by title). It
    filters with Qt's own exact match on a column, so filtering 10,000 rows never calls Python."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDynamicSortFilter(True)

    def set_group(self, group: tuple[str, str] | None) -> None:
        """("type", "seam"), ("folder", "systems"), or None for every note."""
        if group is None:
            self.setFilterRegularExpression("")
            return
        kind, key = group
        self.setFilterKeyColumn(1 if kind == "type" else 2)
        value = printable(key or ("(top folder)" if kind == "folder" else ""))  # as the column shows it
        self.setFilterRegularExpression(QRegularExpression(f"^{QRegularExpression.escape(value)}$"))
