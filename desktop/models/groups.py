"""The browser's groups: notes per type and per folder, with counts, as a two-branch tree."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt

from store.display import printable
from store.query import Group

GROUP_ROLE = Qt.ItemDataRole.UserRole + 2
BRANCHES = (("type", "By type"), ("folder", "By folder"))


class GroupsModel(QAbstractItemModel):
    """Top level: "All notes", "By type", "By folder"; below the last two, one row per group.
    Updated in place (counts change, groups come and go) so the selection survives."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._total = 0
        self._groups: dict[str, list[Group]] = {kind: [] for kind, _label in BRANCHES}

    # --- structure: internalId 0 is a top-level row; k + 1 is a child of branch k -----------

    def index(self, row, column, parent=QModelIndex()):
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < 1 + len(BRANCHES) else QModelIndex()
        branch = self._branch(parent)
        if branch is None or row >= len(self._groups[branch]):
            return QModelIndex()
        return self.createIndex(row, 0, parent.row())

    def parent(self, index=QModelIndex()):
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()), 0, 0)

    def rowCount(self, parent=QModelIndex()) -> int:
        if not parent.isValid():
            return 1 + len(BRANCHES)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        branch = self._branch(parent)
        return len(self._groups[branch]) if branch else 0

    def columnCount(self, parent=QModelIndex()) -> int:
        return 1

    def _branch(self, top: QModelIndex) -> str | None:
        """The kind of a top-level row ("type", "folder"), None for "All notes"."""
        return BRANCHES[top.row() - 1][0] if top.internalId() == 0 and 1 <= top.row() <= len(BRANCHES) else None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0 and index.row() > 0:  # branch headings group, they do not filter
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.internalId() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"All notes ({self._total})" if index.row() == 0 else BRANCHES[index.row() - 1][1]
            if role == GROUP_ROLE:
                return None
            return None
        kind = BRANCHES[int(index.internalId()) - 1][0]
        groups = self._groups[kind]
        if index.row() >= len(groups):
            return None
        group = groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            name = group.key or ("(no type)" if kind == "type" else "(top folder)")
            return f"{printable(name)} ({group.count})"  # a folder's name may hold control and bidi characters
        if role == GROUP_ROLE:
            return (group.kind, group.key)
        return None

    # --- updates ---------------------------------------------------------------------------

    def set_groups(self, groups: list[Group]) -> None:
        self._total = sum(g.count for g in groups if g.kind == "type")
        self.dataChanged.emit(self.index(0, 0), self.index(0, 0))
        for branch_row, (kind, _label) in enumerate(BRANCHES, start=1):
            self._update_branch(self.index(branch_row, 0), kind, [g for g in groups if g.kind == kind])

    def _update_branch(self, parent: QModelIndex, kind: str, fresh: list[Group]) -> None:
        current = self._groups[kind]
        keys = {g.key for g in fresh}
        for row in range(len(current) - 1, -1, -1):
            if current[row].key not in keys:
                self.beginRemoveRows(parent, row, row)
                del current[row]
                self.endRemoveRows()
        by_key = {g.key: g for g in fresh}
        for row, group in enumerate(current):
            if by_key[group.key] != group:
                current[row] = by_key[group.key]
                self.dataChanged.emit(self.index(row, 0, parent), self.index(row, 0, parent))
        known = {g.key for g in current}
        for group in fresh:  # new groups go where they sort
            if group.key in known:
                continue
            row = next((i for i, g in enumerate(current) if g.key > group.key), len(current))
            self.beginInsertRows(parent, row, row)
            current.insert(row, group)
            self.endInsertRows()
