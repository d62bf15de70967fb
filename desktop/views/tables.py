"""Read-only lists of rows, and how the coverage map and the run stack them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSplitter, QTableView, QVBoxLayout, QWidget

from desktop.models.notes import PATH_ROLE


def row_list(model, name: str, open_note: Callable[[str], None]) -> QTableView:
    """A table of whole rows, one selected at a time; Enter or a double-click opens the row's note."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)

    def opened(index: QModelIndex) -> None:
        path = index.data(PATH_ROLE)
        if path:
            open_note(path)

    view.activated.connect(opened)
    view.doubleClicked.connect(opened)
    return view


def over_under(top: list[tuple[QWidget, int]], bottom: QWidget, ratio: tuple[int, int] = (1, 1)) -> QSplitter:
    """A vertical splitter: `top` widgets stacked (with their stretch) above `bottom`."""
    splitter = QSplitter(Qt.Orientation.Vertical)
    upper = QWidget()
    layout = QVBoxLayout(upper)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget, stretch in top:
        layout.addWidget(widget, stretch)
    splitter.addWidget(upper)
    splitter.addWidget(bottom)
    splitter.setStretchFactor(0, ratio[0])
    splitter.setStretchFactor(1, ratio[1])
    return splitter
