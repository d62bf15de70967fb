"""Search results as a list: title, type and a snippet with the matched words marked."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from desktop.models.notes import PATH_ROLE
from store.display import printable
from store.query import Hit

SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 3


class SearchModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[Hit] = []
        self.query = ""

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:  # names from the disk may hold control and bidi characters
            return printable(f"{hit.title}  ·  {hit.type or 'note'}")
        if role == SNIPPET_ROLE:
            return printable(hit.snippet)
        if role == PATH_ROLE:
            return hit.path
        if role == Qt.ItemDataRole.ToolTipRole:
            return printable(hit.path)
        return None

    def set_hits(self, query: str, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.query, self._hits = query, list(hits)
        self.endResetModel()
